//! [`Orientation`]: the display rotation and flips a clip's container asks players to apply,
//! as FFmpeg's display matrix.

use ffmpeg_next as ffmpeg;

/// Entries of a display matrix (3x3, FFmpeg's `int32_t[9]`).
pub(crate) const MATRIX_ENTRIES: usize = 9;

/// A quarter-turn display rotation, counter-clockwise as FFmpeg's `av_display_rotation_get`
/// states it: a player turns the stored frames counter-clockwise by this much to show them.
/// Phones held upright write [`Rotation::Ccw270`] (FFmpeg's "-90", a quarter turn clockwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rotation {
    /// No rotation.
    #[default]
    None,
    /// 90 degrees counter-clockwise.
    Ccw90,
    /// 180 degrees.
    Ccw180,
    /// 270 degrees counter-clockwise (90 clockwise).
    Ccw270,
}

impl Rotation {
    /// All four, in increasing angle.
    pub const ALL: [Rotation; 4] = [
        Rotation::None,
        Rotation::Ccw90,
        Rotation::Ccw180,
        Rotation::Ccw270,
    ];

    /// The angle in degrees counter-clockwise.
    pub fn degrees_ccw(self) -> f64 {
        match self {
            Rotation::None => 0.0,
            Rotation::Ccw90 => 90.0,
            Rotation::Ccw180 => 180.0,
            Rotation::Ccw270 => 270.0,
        }
    }
}

/// How players should show a clip: turned by `rotation`, then mirrored as the flips say (the
/// order of `av_display_rotation_set` followed by `av_display_matrix_flip`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Orientation {
    /// The turn.
    pub rotation: Rotation,
    /// Mirror left-right after turning.
    pub hflip: bool,
    /// Mirror top-bottom after turning.
    pub vflip: bool,
}

impl Orientation {
    /// The display matrix FFmpeg writes for this orientation.
    pub fn display_matrix(self) -> [i32; MATRIX_ENTRIES] {
        let mut matrix = [0; MATRIX_ENTRIES];
        // SAFETY: `matrix` has the nine entries both functions write.
        unsafe {
            // av_display_rotation_set takes the angle clockwise.
            ffmpeg::ffi::av_display_rotation_set(matrix.as_mut_ptr(), -self.rotation.degrees_ccw());
            ffmpeg::ffi::av_display_matrix_flip(
                matrix.as_mut_ptr(),
                i32::from(self.hflip),
                i32::from(self.vflip),
            );
        }
        matrix
    }
}
