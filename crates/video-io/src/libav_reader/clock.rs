//! [`PtsClock`]: each decoded frame's presentation time in ticks from the start of the stream,
//! always increasing, also when the file's timestamps are missing, repeated or jump back.

/// Milliseconds per second.
const MS_PER_SECOND: f64 = 1000.0;
/// A timestamp this far behind the previous one is a discontinuity (a stream joined from two,
/// a restarted capture), not a jitter: the following frames are moved to continue after the
/// previous one instead of all being squeezed one tick apart. FFmpeg's players treat jumps of
/// seconds the same way.
const DISCONTINUITY_MS: f64 = 1000.0;

/// Turns a stream's best-effort timestamps into increasing ticks from the start.
#[derive(Debug, Clone)]
pub(crate) struct PtsClock {
    /// Timestamp of the start: the stream's start time, else the first frame's timestamp.
    origin: Option<i64>,
    /// Added to every later timestamp after a discontinuity.
    shift: i64,
    /// The previous frame's result.
    previous: Option<i64>,
    /// One average frame duration in ticks (at least 1), for frames without a timestamp.
    frame_ticks: i64,
    /// [`DISCONTINUITY_MS`] in ticks.
    discontinuity_ticks: i64,
}

impl PtsClock {
    /// A clock for a stream with `start_time` (`None` when unknown) whose frames last
    /// `frame_ticks` ticks on average (`None` when unknown), with `ticks_per_second` ticks.
    pub(crate) fn new(
        start_time: Option<i64>,
        frame_ticks: Option<i64>,
        ticks_per_second: f64,
    ) -> Self {
        let discontinuity = DISCONTINUITY_MS / MS_PER_SECOND * ticks_per_second;
        Self {
            origin: start_time,
            shift: 0,
            previous: None,
            frame_ticks: frame_ticks.unwrap_or(1).max(1),
            discontinuity_ticks: if discontinuity.is_finite() {
                (discontinuity as i64).max(1)
            } else {
                i64::MAX
            },
        }
    }

    /// The time of the next frame, whose best-effort timestamp is `timestamp`; `frame` (its
    /// index) only names it in a warning.
    pub(crate) fn stamp(&mut self, timestamp: Option<i64>, frame: u64) -> i64 {
        let origin = *self.origin.get_or_insert(timestamp.unwrap_or(0));
        let candidate = timestamp.map(|t| t.saturating_sub(origin).saturating_add(self.shift));
        let pts = match (candidate, self.previous) {
            (Some(candidate), Some(previous)) if candidate <= previous => {
                let behind = previous.saturating_sub(candidate);
                if behind > self.discontinuity_ticks {
                    let continued = previous.saturating_add(self.frame_ticks);
                    self.shift = self
                        .shift
                        .saturating_add(continued.saturating_sub(candidate));
                    tracing::warn!(
                        frame,
                        behind_ticks = behind,
                        "the timestamps jump back; later frames continue after the previous one"
                    );
                    continued
                } else {
                    previous.saturating_add(1)
                }
            }
            (Some(candidate), _) => candidate,
            (None, Some(previous)) => previous.saturating_add(self.frame_ticks),
            (None, None) => 0,
        };
        self.previous = Some(pts);
        pts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ticks per second of a 1/1000 time base.
    const MS_TICKS: f64 = 1000.0;

    fn run(clock: &mut PtsClock, timestamps: &[Option<i64>]) -> Vec<i64> {
        (0u64..)
            .zip(timestamps)
            .map(|(i, t)| clock.stamp(*t, i))
            .collect()
    }

    #[test]
    fn times_start_at_the_stream_start() {
        let mut clock = PtsClock::new(Some(1000), Some(40), MS_TICKS);
        assert_eq!(
            run(&mut clock, &[Some(1000), Some(1040), Some(1100)]),
            [0, 40, 100]
        );
    }

    #[test]
    fn without_a_start_time_the_first_frame_is_zero() {
        let mut clock = PtsClock::new(None, Some(40), MS_TICKS);
        assert_eq!(run(&mut clock, &[Some(500), Some(540)]), [0, 40]);
    }

    #[test]
    fn missing_timestamps_are_extrapolated_by_one_frame() {
        let mut clock = PtsClock::new(Some(0), Some(40), MS_TICKS);
        assert_eq!(
            run(&mut clock, &[None, Some(40), None, None]),
            [0, 40, 80, 120]
        );
    }

    #[test]
    fn repeated_or_slightly_earlier_timestamps_still_increase() {
        let mut clock = PtsClock::new(Some(0), Some(40), MS_TICKS);
        assert_eq!(
            run(
                &mut clock,
                &[Some(0), Some(40), Some(40), Some(30), Some(120)]
            ),
            [0, 40, 41, 42, 120]
        );
    }

    #[test]
    fn a_jump_back_of_seconds_continues_after_the_previous_frame() {
        let mut clock = PtsClock::new(Some(0), Some(40), MS_TICKS);
        let times = run(&mut clock, &[Some(5000), Some(5040), Some(0), Some(40)]);
        assert_eq!(times, [5000, 5040, 5080, 5120]);
    }

    #[test]
    fn extreme_timestamps_do_not_overflow() {
        let mut clock = PtsClock::new(Some(i64::MIN), None, f64::INFINITY);
        let times = run(&mut clock, &[Some(i64::MAX), Some(i64::MIN), None]);
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    }
}
