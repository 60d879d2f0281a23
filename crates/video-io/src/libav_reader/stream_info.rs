//! What a video stream's header says about its timing, pixel shape and length, checked for
//! sense: a container's frame rate is a claim, and damaged or odd files claim nonsense.

use ffmpeg_next as ffmpeg;
use ffmpeg_next::Rational;

use crate::timing::{SampleAspectRatio, StreamTiming, TimeBase};

/// Frame rates above this are nonsense in a file (a time base taken for a rate, e.g. 1/16384
/// read as 16384 fps); cameras and high-speed clips stay well below.
const MAX_SANE_FPS: f64 = 1000.0;
/// FFmpeg's "no timestamp" value.
const NO_TIMESTAMP: i64 = ffmpeg::ffi::AV_NOPTS_VALUE;
/// Ticks per second of FFmpeg's container-wide durations (`AV_TIME_BASE`).
const CONTAINER_TICKS_PER_SECOND: f64 = ffmpeg::ffi::AV_TIME_BASE as f64;

/// The header facts the reader needs, read once at open time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct StreamInfo {
    /// Time base, rate and pixel shape of the decoded (not yet turned) frames.
    pub(crate) timing: StreamTiming,
    /// The stream's start time in its time base; `None` when unknown.
    pub(crate) start_time: Option<i64>,
    /// Number of frames: stated, else estimated from the duration and the rate.
    pub(crate) frame_count: Option<u64>,
}

impl StreamInfo {
    /// Reads the facts of `stream` of `input`.
    pub(crate) fn of(
        input: &ffmpeg::format::context::Input,
        stream: &ffmpeg::format::stream::Stream,
    ) -> Self {
        let time_base = stream.time_base();
        // FFmpeg's "real" frame rate is the finest rate all timestamps fit; when that is just
        // the time base's tick rate (1000 for mkv), the frames are not on a grid and it says
        // nothing about them.
        let tick_rate = Rational::new(time_base.denominator(), time_base.numerator());
        let real_rate = Some(stream.rate()).filter(|rate| rate.reduce() != tick_rate.reduce());
        let average_fps =
            sane_fps(stream.avg_frame_rate()).or_else(|| real_rate.and_then(sane_fps));
        // SAFETY: `stream` and its codec parameters are valid while `input` is open.
        let (stream_sar, codec_sar) = unsafe {
            let raw = stream.as_ptr();
            (
                (*raw).sample_aspect_ratio,
                (*(*raw).codecpar).sample_aspect_ratio,
            )
        };
        let sample_aspect_ratio = known_ratio(Rational::from(stream_sar))
            .or_else(|| known_ratio(Rational::from(codec_sar)));
        let duration_seconds = seconds(stream.duration(), time_base).or_else(|| {
            let duration = input.duration();
            (duration > 0 && duration != NO_TIMESTAMP)
                .then(|| duration as f64 / CONTAINER_TICKS_PER_SECOND)
        });
        let frame_count = u64::try_from(stream.frames())
            .ok()
            .filter(|count| *count > 0)
            .or_else(|| estimated_count(duration_seconds?, average_fps?));
        Self {
            timing: StreamTiming {
                time_base: TimeBase::new(time_base.numerator(), time_base.denominator()),
                average_fps,
                sample_aspect_ratio,
            },
            start_time: Some(stream.start_time()).filter(|t| *t != NO_TIMESTAMP),
            frame_count,
        }
    }

    /// One average frame duration in ticks of the time base, when the rate is known.
    pub(crate) fn frame_ticks(&self) -> Option<i64> {
        let ticks = self.ticks_per_second()? / self.timing.average_fps?;
        (ticks.is_finite() && ticks >= 1.0).then(|| ticks.round() as i64)
    }

    /// Ticks of the time base per second; `None` for an unusable time base.
    pub(crate) fn ticks_per_second(&self) -> Option<f64> {
        let base = self.timing.time_base;
        base.is_valid()
            .then(|| f64::from(base.den) / f64::from(base.num))
    }
}

/// `rate` in frames per second, when positive, finite and not above [`MAX_SANE_FPS`].
pub(crate) fn sane_fps(rate: Rational) -> Option<f64> {
    if rate.numerator() <= 0 || rate.denominator() <= 0 {
        return None;
    }
    let fps = f64::from(rate.numerator()) / f64::from(rate.denominator());
    (fps.is_finite() && fps > 0.0 && fps <= MAX_SANE_FPS).then_some(fps)
}

/// A pixel shape that says something (`0/1` and negative terms mean unknown), in lowest
/// terms (GIF states square pixels as 64:64).
fn known_ratio(ratio: Rational) -> Option<SampleAspectRatio> {
    let (num, den) = (ratio.numerator(), ratio.denominator());
    if num <= 0 || den <= 0 {
        return None;
    }
    let divisor = gcd(num, den);
    Some(SampleAspectRatio::new(num / divisor, den / divisor))
}

/// Greatest common divisor of two positive numbers.
fn gcd(mut a: i32, mut b: i32) -> i32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `ticks` of `time_base` in seconds, when both are known and positive.
fn seconds(ticks: i64, time_base: Rational) -> Option<f64> {
    let usable = ticks > 0
        && ticks != NO_TIMESTAMP
        && time_base.numerator() > 0
        && time_base.denominator() > 0;
    usable.then(|| {
        ticks as f64 * f64::from(time_base.numerator()) / f64::from(time_base.denominator())
    })
}

/// Frames in `duration_seconds` at `fps`, rounded; `None` when that is not at least one.
fn estimated_count(duration_seconds: f64, fps: f64) -> Option<u64> {
    let count = (duration_seconds * fps).round();
    // `as` saturates: an absurd duration cannot wrap around.
    (count.is_finite() && count >= 1.0).then_some(count as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_rates_pass_and_nonsense_is_rejected() {
        assert_eq!(sane_fps(Rational::new(25, 1)), Some(25.0));
        assert_eq!(sane_fps(Rational::new(30000, 1001)), Some(30000.0 / 1001.0));
        assert_eq!(sane_fps(Rational::new(1, 100_000)), Some(0.00001));
        assert_eq!(sane_fps(Rational::new(16384, 1)), None);
        assert_eq!(sane_fps(Rational::new(0, 1)), None);
        assert_eq!(sane_fps(Rational::new(1, 0)), None);
        assert_eq!(sane_fps(Rational::new(-25, 1)), None);
    }

    #[test]
    fn unknown_pixel_shapes_are_none() {
        assert_eq!(known_ratio(Rational::new(0, 1)), None);
        assert_eq!(
            known_ratio(Rational::new(4, 3)),
            Some(SampleAspectRatio::new(4, 3))
        );
    }

    #[test]
    fn a_count_from_duration_needs_a_whole_frame() {
        assert_eq!(estimated_count(7.0, 10.0), Some(70));
        assert_eq!(estimated_count(0.01, 10.0), None);
        assert_eq!(estimated_count(f64::MAX, MAX_SANE_FPS), None);
    }
}
