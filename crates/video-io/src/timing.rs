//! How a stream's frames are placed in time and how its pixels are shaped: what the reader
//! learns from the container and the writer keeps in the annotated video.

/// Seconds per tick of a stream's timestamps, as the fraction `num / den`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeBase {
    /// Numerator.
    pub num: i32,
    /// Denominator.
    pub den: i32,
}

impl TimeBase {
    /// A time base of `num / den` seconds per tick.
    pub const fn new(num: i32, den: i32) -> Self {
        Self { num, den }
    }

    /// Both terms are positive (a usable time base).
    pub const fn is_valid(self) -> bool {
        self.num > 0 && self.den > 0
    }

    /// `ticks` of this time base in milliseconds.
    pub fn ticks_to_ms(self, ticks: i64) -> f64 {
        const MS_PER_SECOND: f64 = 1000.0;
        ticks as f64 * f64::from(self.num) * MS_PER_SECOND / f64::from(self.den)
    }
}

/// The shape of one pixel as the fraction width / height; 1:1 for square pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SampleAspectRatio {
    /// Numerator (relative width).
    pub num: i32,
    /// Denominator (relative height).
    pub den: i32,
}

impl SampleAspectRatio {
    /// Square pixels.
    pub const SQUARE: Self = Self { num: 1, den: 1 };

    /// A ratio of `num : den`.
    pub const fn new(num: i32, den: i32) -> Self {
        Self { num, den }
    }

    /// Pixels are not square (and the ratio is known): players stretch such frames.
    pub fn is_anamorphic(self) -> bool {
        self.num > 0 && self.den > 0 && self.num != self.den
    }
}

/// How a video file's frames are timed: what an output needs to keep the input's timing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreamTiming {
    /// The unit of [`crate::Frame::pts`].
    pub time_base: TimeBase,
    /// Average frame rate as the container states it (`None` when it does not or states
    /// nonsense); timestamps, not this, say when each frame is shown.
    pub average_fps: Option<f64>,
    /// Shape of the pixels; `None` when the container does not say (square is then assumed).
    pub sample_aspect_ratio: Option<SampleAspectRatio>,
}
