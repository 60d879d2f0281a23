//! How a video file's frames must be turned to be shown upright: the container's display matrix
//! (as phones write it) reduced to one of the eight quarter-turn orientations, and applied to a
//! BGR `Mat` with OpenCV.

use std::fmt;

use ffmpeg_next as ffmpeg;
use ffmpeg_next::codec::packet::side_data::Type as SideDataType;
use opencv::core::{self, Mat};

use crate::error::VideoError;
#[cfg(test)]
use face::ImageSize;

/// Entries of a display matrix (3x3, row-major, FFmpeg's `int32_t[9]`).
const MATRIX_ENTRIES: usize = 9;
/// Bytes of one matrix entry.
const ENTRY_BYTES: usize = 4;
/// Degrees in a quarter turn.
const QUARTER_TURN_DEGREES: f64 = 90.0;
/// Quarter turns in a full turn.
const QUARTER_TURNS: i64 = 4;
/// A stated angle further than this from a multiple of 90 degrees is rounded with a warning
/// (the fixed-point matrix of an exact quarter turn is off by far less).
const ANGLE_TOLERANCE_DEGREES: f64 = 0.5;
/// OpenCV's `flip` code for flipping around the x axis (upside down).
const FLIP_VERTICAL: i32 = 0;

/// The turn (counter-clockwise, as FFmpeg's `av_display_rotation_get` states it) and the
/// mirroring that make decoded frames upright.
///
/// Any display matrix made of quarter turns and flips is one of eight: a mirrored one is written
/// here as "flip upside down, then turn", which is how the angle FFmpeg extracts from a matrix
/// with a negative determinant has to be read (a horizontal flip is a vertical flip turned by
/// 180 degrees).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Orientation {
    /// Counter-clockwise quarter turns, 0 to 3.
    quarter_turns: u8,
    /// Flip the decoded frame upside down before turning it.
    mirrored: bool,
}

impl Orientation {
    /// Frames are shown as decoded.
    pub(crate) const UPRIGHT: Self = Self {
        quarter_turns: 0,
        mirrored: false,
    };

    /// The orientation of a stream from its display-matrix side data; upright when it has none
    /// or the matrix is degenerate. `path` is only for the warnings.
    pub(crate) fn of_stream(stream: &ffmpeg::format::stream::Stream, path: &str) -> Self {
        let matrix = stream
            .side_data()
            .find(|data| data.kind() == SideDataType::DisplayMatrix)
            .and_then(|data| parse_matrix(data.data()));
        match matrix {
            Some(matrix) => Self::from_matrix(&matrix, path),
            None => Self::UPRIGHT,
        }
    }

    /// The orientation a display matrix describes, rounding odd angles to the nearest quarter
    /// turn (with a warning naming `path`).
    pub(crate) fn from_matrix(matrix: &[i32; MATRIX_ENTRIES], path: &str) -> Self {
        // SAFETY: `matrix` holds the nine entries the function reads.
        let degrees = unsafe { ffmpeg::ffi::av_display_rotation_get(matrix.as_ptr()) };
        if !degrees.is_finite() {
            tracing::warn!(
                video = path,
                "the display matrix is degenerate; frames are shown as decoded"
            );
            return Self::UPRIGHT;
        }
        let turns = (degrees / QUARTER_TURN_DEGREES).round();
        if (degrees - turns * QUARTER_TURN_DEGREES).abs() > ANGLE_TOLERANCE_DEGREES {
            tracing::warn!(
                video = path,
                degrees,
                rounded = turns * QUARTER_TURN_DEGREES,
                "the display rotation is not a multiple of 90 degrees; rounding it"
            );
        }
        // The determinant of the 2x2 linear part: negative when the matrix mirrors.
        let [a, b, _, c, d, ..] = matrix.map(f64::from);
        Self {
            quarter_turns: u8::try_from((turns as i64).rem_euclid(QUARTER_TURNS)).unwrap_or(0),
            mirrored: a * d - b * c < 0.0,
        }
    }

    /// Frames are shown as decoded.
    pub(crate) fn is_upright(self) -> bool {
        self == Self::UPRIGHT
    }

    /// The pixel grid turns by a quarter: width and height swap.
    pub(crate) fn swaps_sides(self) -> bool {
        self.quarter_turns % 2 == 1
    }

    /// The size a decoded frame of `size` has once upright.
    #[cfg(test)]
    fn displayed(self, size: ImageSize) -> ImageSize {
        if self.swaps_sides() {
            ImageSize::new(size.height, size.width)
        } else {
            size
        }
    }

    /// `image` turned upright (a new `Mat`); `image` itself when upright already.
    pub(crate) fn apply(self, image: Mat) -> Result<Mat, VideoError> {
        let flipped = if self.mirrored {
            let mut flipped = Mat::default();
            core::flip(&image, &mut flipped, FLIP_VERTICAL)
                .map_err(VideoError::opencv("flip a frame upright"))?;
            flipped
        } else {
            image
        };
        let code = match self.quarter_turns {
            1 => core::ROTATE_90_COUNTERCLOCKWISE,
            2 => core::ROTATE_180,
            3 => core::ROTATE_90_CLOCKWISE,
            _ => return Ok(flipped),
        };
        let mut turned = Mat::default();
        core::rotate(&flipped, &mut turned, code)
            .map_err(VideoError::opencv("rotate a frame upright"))?;
        Ok(turned)
    }
}

impl fmt::Display for Orientation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let degrees = f64::from(self.quarter_turns) * QUARTER_TURN_DEGREES;
        match (self.mirrored, self.quarter_turns) {
            (false, 0) => write!(f, "upright"),
            (false, _) => write!(f, "rotated {degrees} degrees counter-clockwise"),
            (true, 0) => write!(f, "flipped upside down"),
            (true, _) => write!(
                f,
                "flipped upside down, then rotated {degrees} degrees counter-clockwise"
            ),
        }
    }
}

/// The nine native-endian `i32` entries of display-matrix side data; `None` when too short.
fn parse_matrix(bytes: &[u8]) -> Option<[i32; MATRIX_ENTRIES]> {
    if bytes.len() < MATRIX_ENTRIES * ENTRY_BYTES {
        return None;
    }
    let mut matrix = [0; MATRIX_ENTRIES];
    for (entry, chunk) in matrix.iter_mut().zip(bytes.chunks_exact(ENTRY_BYTES)) {
        *entry = i32::from_ne_bytes(chunk.try_into().ok()?);
    }
    Some(matrix)
}

#[cfg(test)]
mod tests {
    use opencv::core::CV_8UC1;
    use opencv::prelude::*;

    use super::*;

    /// A display matrix as FFmpeg builds one: `degrees` clockwise (as `av_display_rotation_set`
    /// takes them), then the flips.
    fn matrix(degrees: f64, hflip: bool, vflip: bool) -> [i32; MATRIX_ENTRIES] {
        let mut m = [0; MATRIX_ENTRIES];
        // SAFETY: `m` has the nine entries both functions write.
        unsafe {
            ffmpeg::ffi::av_display_rotation_set(m.as_mut_ptr(), degrees);
            ffmpeg::ffi::av_display_matrix_flip(m.as_mut_ptr(), i32::from(hflip), i32::from(vflip));
        }
        m
    }

    /// A 2x3 single-channel image whose pixels are 0..6 in row order.
    fn numbered() -> Mat {
        let mut image = Mat::new_rows_cols_with_default(2, 3, CV_8UC1, 0.0.into()).expect("alloc");
        for (i, value) in image
            .data_bytes_mut()
            .expect("bytes")
            .iter_mut()
            .enumerate()
        {
            *value = u8::try_from(i).expect("small");
        }
        image
    }

    /// Where the matrix moves each pixel: `(p', q') = (p, q) * M` on pixel centres (y down, as
    /// in the container), shifted so the top-left displayed pixel is at (0, 0).
    fn expected_by_matrix(m: &[i32; MATRIX_ENTRIES], source: &Mat) -> Vec<Vec<u8>> {
        let (rows, cols) = (source.rows(), source.cols());
        // The sign of each entry (`f64::signum` would call 0 positive).
        let [a, b, _, c, d, ..] = m.map(|v| f64::from(v.signum()));
        let mapped: Vec<(f64, f64, u8)> = (0..rows)
            .flat_map(|y| (0..cols).map(move |x| (x, y)))
            .map(|(x, y)| {
                let (p, q) = (f64::from(x) + 0.5, f64::from(y) + 0.5);
                let value = *source.at_2d::<u8>(y, x).expect("pixel");
                (a * p + c * q, b * p + d * q, value)
            })
            .collect();
        let min_x = mapped.iter().map(|m| m.0).fold(f64::INFINITY, f64::min);
        let min_y = mapped.iter().map(|m| m.1).fold(f64::INFINITY, f64::min);
        let (out_cols, out_rows) = if a == 0.0 { (rows, cols) } else { (cols, rows) };
        let mut grid = vec![vec![0; out_cols as usize]; out_rows as usize];
        for (x, y, value) in mapped {
            grid[(y - min_y) as usize][(x - min_x) as usize] = value;
        }
        grid
    }

    fn rows_of(image: &Mat) -> Vec<Vec<u8>> {
        (0..image.rows())
            .map(|y| {
                (0..image.cols())
                    .map(|x| *image.at_2d::<u8>(y, x).expect("px"))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn every_quarter_turn_and_flip_matches_the_display_matrix() {
        let mut seen = Vec::new();
        for degrees in [0.0, 90.0, 180.0, 270.0, -90.0] {
            for (hflip, vflip) in [(false, false), (true, false), (false, true)] {
                let m = matrix(degrees, hflip, vflip);
                let orientation = Orientation::from_matrix(&m, "test");
                let turned = orientation.apply(numbered()).expect("apply");
                let expected = expected_by_matrix(&m, &numbered());
                assert_eq!(
                    rows_of(&turned),
                    expected,
                    "{degrees} hflip {hflip} vflip {vflip}"
                );
                assert_eq!(
                    orientation.displayed(ImageSize::new(3, 2)),
                    ImageSize::new(turned.cols(), turned.rows())
                );
                seen.push(orientation);
            }
        }
        seen.sort_by_key(|o| (o.quarter_turns, o.mirrored));
        seen.dedup();
        assert_eq!(
            seen.len(),
            8,
            "all eight orientations are reached: {seen:?}"
        );
    }

    #[test]
    fn odd_angles_round_to_the_nearest_quarter_turn() {
        // av_display_rotation_set turns clockwise: 80 degrees clockwise is nearly 270
        // counter-clockwise.
        let near_ninety = Orientation::from_matrix(&matrix(80.0, false, false), "test");
        assert_eq!(
            near_ninety,
            Orientation {
                quarter_turns: 3,
                mirrored: false
            }
        );
        let near_zero = Orientation::from_matrix(&matrix(-30.0, false, false), "test");
        assert!(near_zero.is_upright());
    }

    #[test]
    fn a_degenerate_or_short_matrix_means_upright() {
        assert!(Orientation::from_matrix(&[0; MATRIX_ENTRIES], "test").is_upright());
        assert_eq!(parse_matrix(&[0; 20]), None);
    }
}
