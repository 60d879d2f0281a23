//! When each written frame is shown: the encoder's time base ([`encoder_time_base`]) and
//! [`FrameClock`], which turns the timestamps given to the writer into strictly increasing
//! ticks of it.

use ffmpeg_next::Rational;

use crate::timing::{OutputTiming, TimeBase};

/// Finest time base kept as it is (MPEG's 90 kHz clock, what MPEG-TS and many MP4 files use).
/// MP4 stores each frame's duration in 32 bits of the track's time base, which starts from the
/// encoder's: at 90 kHz a frame may last 13 hours, at a nanosecond time base only 4 seconds.
const MAX_TIME_BASE_DEN: i32 = 90_000;
/// What a finer time base is replaced with: sub-millisecond, and
/// exact for frames at 24, 25, 30, 50, 60, 30000/1001 and 60000/1001 fps.
const REPLACEMENT_TIME_BASE: Rational = Rational(1, 60_000);

/// The time base the frames are placed in (the encoder's, and the unit of the timestamps the
/// container is given, which it may rescale). With `on_frame_grid` (a container that stores
/// no timestamps but one slot per frame, AVI) it is one frame at the nominal rate, so that the
/// gaps of a variable rate become a few empty slots instead of one per tick of a fine clock.
pub(crate) fn encoder_time_base(timing: &OutputTiming, on_frame_grid: bool) -> Rational {
    let frame = frame_time_base(timing.fps);
    let chosen = match timing.time_base.filter(|base| base.is_valid()) {
        Some(TimeBase { num, den }) if !on_frame_grid => Rational::new(num, den).reduce(),
        _ => frame,
    };
    if chosen.denominator() <= MAX_TIME_BASE_DEN {
        return chosen;
    }
    tracing::debug!(
        time_base = %chosen, replacement = %REPLACEMENT_TIME_BASE,
        "time base finer than the encoder or the container keeps; rescaling timestamps"
    );
    REPLACEMENT_TIME_BASE
}

/// One frame at `fps` as a time base (`1 / fps`, as a fraction FFmpeg finds for the rate).
pub(crate) fn frame_time_base(fps: f64) -> Rational {
    Rational::from(fps).invert().reduce()
}

/// `fps` is one a player can show as a stated rate (not one frame a day, not a timing error of
/// thousands of frames per second): only such a rate is written as the stream's rate.
pub(crate) fn is_plausible_rate(fps: f64) -> bool {
    /// One frame a minute: slower than the slowest time-lapse players show as video.
    const MIN_STATED_FPS: f64 = 1.0 / 60.0;
    /// Faster than any camera's video mode (high-speed footage is stored at a playback rate).
    const MAX_STATED_FPS: f64 = 1000.0;
    (MIN_STATED_FPS..=MAX_STATED_FPS).contains(&fps)
}

/// Ticks per second below which FFmpeg's MP4 muxer doubles a track's time scale (it starts
/// from the stream's time base denominator).
const MP4_MIN_TIMESCALE: i64 = 10_000;
/// Most frames an encoder holds back to reorder (x264's limit of B-frames): an MP4 stores how
/// far a frame is shown after it is decoded in 32 bits of the track's time scale.
const MAX_REORDER_FRAMES: i64 = 16;

/// The time scale (ticks per second) to give an MP4 video track, when the muxer's own choice
/// would overflow its 32-bit per-frame fields for frames of `fps` (one frame every few hours or
/// slower, with B-frames); `None` to keep the muxer's choice.
pub(crate) fn mp4_track_timescale(encoder: Rational, fps: f64) -> Option<i32> {
    let mut timescale = i64::from(encoder.denominator().max(1));
    while timescale < MP4_MIN_TIMESCALE {
        timescale *= 2;
    }
    let limit = f64::from(i32::MAX) * fps / MAX_REORDER_FRAMES as f64;
    if (timescale as f64) < limit {
        return None;
    }
    // At least one tick per second; whole seconds of a coarse time base stay exact.
    Some(limit.floor().max(1.0) as i32)
}

/// Turns the timestamps given to the writer into strictly increasing encoder ticks.
#[derive(Debug, Clone)]
pub(crate) struct FrameClock {
    input: Rational,
    encoder: Rational,
    frame_ticks: i64,
    max_gap: Option<i64>,
    last: Option<i64>,
}

impl FrameClock {
    /// A clock taking timestamps in `input` ticks and giving `encoder` ticks; a frame without
    /// a timestamp follows the previous one after one frame at `fps`; no two frames are more
    /// than `max_gap` ticks apart (`None`: any gap).
    pub(crate) fn new(input: Rational, encoder: Rational, fps: f64, max_gap: Option<i64>) -> Self {
        let frame_ticks = rescale(1, frame_time_base(fps), encoder).max(1);
        Self {
            input,
            encoder,
            frame_ticks,
            max_gap,
            last: None,
        }
    }

    /// One frame at the nominal rate in encoder ticks (at least one): each packet's duration.
    pub(crate) fn frame_ticks(&self) -> i64 {
        self.frame_ticks
    }

    /// The encoder tick of the next frame, shown at `pts` input ticks (`None`: one frame after
    /// the previous frame, the first at 0).
    pub(crate) fn next(&mut self, pts: Option<i64>) -> i64 {
        let wanted = match (pts, self.last) {
            (Some(pts), _) => rescale(pts, self.input, self.encoder),
            (None, Some(last)) => last.saturating_add(self.frame_ticks),
            (None, None) => 0,
        };
        let tick = match self.last {
            // Encoders and muxers need strictly increasing timestamps; a repeated or earlier one
            // (a damaged input, or two times that round to one tick) moves just past the last.
            Some(last) if wanted <= last => {
                tracing::debug!(
                    wanted,
                    last,
                    "non-increasing timestamp moved one tick later"
                );
                last.saturating_add(1)
            }
            Some(last) => match self.max_gap {
                Some(gap) if wanted - last > gap => {
                    tracing::warn!(
                        wanted,
                        last,
                        gap,
                        "the container cannot hold so long a pause between frames; shortened"
                    );
                    last + gap
                }
                _ => wanted,
            },
            None => wanted,
        };
        self.last = Some(tick);
        tick
    }
}

/// `ticks` of `from` in ticks of `to`, rounded to the nearest; saturating instead of
/// overflowing (in 128 bits, so any i32 time bases and i64 timestamps are exact until then).
fn rescale(ticks: i64, from: Rational, to: Rational) -> i64 {
    let numerator = i128::from(ticks) * i128::from(from.numerator()) * i128::from(to.denominator());
    let denominator = i128::from(from.denominator()) * i128::from(to.numerator());
    if denominator <= 0 {
        return 0;
    }
    let half = denominator / 2;
    let rounded = if numerator >= 0 {
        (numerator + half) / denominator
    } else {
        (numerator - half) / denominator
    };
    i64::try_from(rounded).unwrap_or(if rounded > 0 { i64::MAX } else { i64::MIN })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Rational = Rational(1, 1000);

    fn timing(fps: f64, time_base: Option<TimeBase>) -> OutputTiming {
        OutputTiming {
            fps,
            time_base,
            sample_aspect_ratio: None,
        }
    }

    #[test]
    fn the_inputs_time_base_is_kept_when_the_encoder_takes_it() {
        for (num, den) in [
            (1, 1000),
            (1, 90_000),
            (1, 12_800),
            (1001, 30_000),
            (100_000, 1),
        ] {
            let base = encoder_time_base(&timing(25.0, Some(TimeBase::new(num, den))), false);
            assert_eq!(base, Rational::new(num, den), "{num}/{den}");
        }
    }

    #[test]
    fn too_fine_time_bases_are_replaced() {
        let nanoseconds = timing(25.0, Some(TimeBase::new(1, 1_000_000_000)));
        assert_eq!(
            encoder_time_base(&nanoseconds, false),
            REPLACEMENT_TIME_BASE
        );
    }

    #[test]
    fn without_a_time_base_or_on_a_frame_grid_one_tick_is_one_frame() {
        assert_eq!(
            encoder_time_base(&timing(25.0, None), false),
            Rational(1, 25)
        );
        let ms = timing(25.0, Some(TimeBase::new(1, 1000)));
        assert_eq!(encoder_time_base(&ms, true), Rational(1, 25));
        assert_eq!(
            encoder_time_base(&timing(1e-5, None), true),
            Rational(100_000, 1)
        );
    }

    #[test]
    fn timestamps_are_rescaled_and_missing_ones_follow_at_the_nominal_rate() {
        let mut clock = FrameClock::new(MS, Rational(1, 90_000), 25.0, None);
        assert_eq!(clock.frame_ticks(), 3600);
        assert_eq!(clock.next(None), 0);
        assert_eq!(clock.next(Some(1000)), 90_000);
        assert_eq!(clock.next(None), 93_600);
    }

    #[test]
    fn non_increasing_timestamps_move_one_tick_later() {
        let mut clock = FrameClock::new(MS, MS, 25.0, None);
        let ticks: Vec<i64> = [40, 40, 10, 100].map(|pts| clock.next(Some(pts))).to_vec();
        assert_eq!(ticks, [40, 41, 42, 100]);
    }

    #[test]
    fn gaps_beyond_the_limit_are_shortened() {
        let mut clock = FrameClock::new(MS, Rational(1, 25), 25.0, Some(10));
        assert_eq!(clock.next(Some(0)), 0);
        assert_eq!(clock.next(Some(5000)), 10);
    }

    #[test]
    fn mp4_tracks_of_very_slow_video_get_a_coarser_time_scale() {
        assert_eq!(mp4_track_timescale(Rational(1, 1000), 25.0), None);
        assert_eq!(mp4_track_timescale(Rational(1, 90_000), 0.5), None);
        // One frame per 100,000 s: 16 frames of 1342 ticks per second still fit 32 bits.
        assert_eq!(mp4_track_timescale(Rational(100_000, 1), 1e-5), Some(1342));
    }

    #[test]
    fn huge_timestamps_saturate_instead_of_overflowing() {
        let mut clock = FrameClock::new(Rational(i32::MAX, 1), Rational(1, i32::MAX), 25.0, None);
        assert_eq!(clock.next(Some(i64::MAX)), i64::MAX);
        assert_eq!(clock.next(None), i64::MAX);
    }
}
