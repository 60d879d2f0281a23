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

/// How the writer places frames in time and shapes their pixels: what
/// [`crate::VideoWriter::create_timed`] keeps of the input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutputTiming {
    /// Nominal frame rate: the rate the stream states (when plausible) and the spacing of frames
    /// written without a timestamp; also the whole timing of a file written through OpenCV.
    pub fps: f64,
    /// The unit of the timestamps given to [`crate::VideoWriter::write_timed`] (the input's time
    /// base); `None` for `1 / fps`.
    pub time_base: Option<TimeBase>,
    /// Shape of the pixels, kept so players show the frames as wide as the input; `None` for
    /// square pixels.
    pub sample_aspect_ratio: Option<SampleAspectRatio>,
}

impl OutputTiming {
    /// Constant rate `fps`, square pixels, timestamps in frames (`1 / fps`).
    pub const fn constant(fps: f64) -> Self {
        Self {
            fps,
            time_base: None,
            sample_aspect_ratio: None,
        }
    }

    /// The timing of an input stream: its time base and pixel shape, at its average rate, or at
    /// `fallback_fps` when the container states none.
    pub fn of_stream(stream: &StreamTiming, fallback_fps: f64) -> Self {
        Self {
            fps: stream.average_fps.unwrap_or(fallback_fps),
            time_base: Some(stream.time_base).filter(|base| base.is_valid()),
            sample_aspect_ratio: stream.sample_aspect_ratio,
        }
    }
}
