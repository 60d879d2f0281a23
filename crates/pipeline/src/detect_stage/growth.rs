//! [`GrowthMonitor`]: decides when an automatic detection pool takes on another worker, from how
//! long the frame loop waits for detected frames.
//!
//! A second detector only pays when detection is what the frame loop waits for. With SSR-Net the
//! loop's own work is a few milliseconds a frame and it waits for detection most of the time (Haar
//! or the DNN SSD take 45-125 ms of one core a frame), so a worker per core nearly doubles the
//! frame rate. With the Levi-Hassner nets the loop's estimation often takes as long as detection
//! or longer: the one worker stays ahead, and a second one would find the cores busy and only hold
//! its detector (the DNN SSD: about 29 MB) and its frames.
//!
//! Two windows judge the waits: a short one, for a loop that waits most of the time (it grows
//! within a few frames), and a longer one, for a loop that waits for a fifth of its time or more
//! (a second worker still uses that idle core time), while a frame or two of waiting is not
//! enough.

use std::time::Duration;

/// The short window: frames, and the share of the loop's time spent waiting from which it grows.
/// Measured on the sample clips (input1, input2, man_and_girl): a loop bound by detection waits
/// for 55-95% of its time.
pub const SHORT_WINDOW: Window = Window {
    frames: 4,
    wait_share: 0.5,
};
/// The long window. Measured: estimation-bound runs wait for 0-5% of their time, with stretches
/// of up to 45% over a few frames when a face leaves the picture (which a second worker does
/// speed up); runs that gain from a second worker all along wait for 20-50%.
pub const LONG_WINDOW: Window = Window {
    frames: 8,
    wait_share: 0.2,
};
/// Frames ignored after the pool grows: the new worker is still loading its detector, and the
/// frames already dealt were queued for the old workers.
pub const SETTLE_FRAMES: usize = 2;

/// A number of frames and the share of the loop's time they must have waited for detection.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// Frames summed before the window is judged.
    pub frames: usize,
    /// Share of the loop's time (0 to 1) from which the window says grow.
    pub wait_share: f64,
}

/// Waits and loop time summed over the frames of one window so far.
#[derive(Debug, Default, Clone, Copy)]
struct Sums {
    waited: Duration,
    elapsed: Duration,
    frames: usize,
}

impl Sums {
    /// Adds a frame; once `window.frames` are in, returns whether they waited enough and starts
    /// over.
    fn add(&mut self, waited: Duration, cycle: Duration, window: Window) -> bool {
        self.waited += waited.min(cycle);
        self.elapsed += cycle;
        self.frames += 1;
        if self.frames < window.frames {
            return false;
        }
        let share = wait_share(self.waited, self.elapsed);
        tracing::debug!(
            wait_share = share,
            frames = self.frames,
            "frame loop's wait for detection"
        );
        *self = Self::default();
        share >= window.wait_share
    }
}

/// Sums the frame loop's waits over [`SHORT_WINDOW`] and [`LONG_WINDOW`] and says when either
/// waited enough.
#[derive(Debug, Default)]
pub struct GrowthMonitor {
    short: Sums,
    long: Sums,
    frames_to_ignore: usize,
}

impl GrowthMonitor {
    /// A monitor whose windows start with the next frame.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one frame handed to the loop: `waited` is how long the loop waited for it, `cycle`
    /// the time since the loop took the previous frame (`None` for the first frame, which every
    /// pipeline waits for while it fills). Returns true when the pool should grow; the next
    /// [`SETTLE_FRAMES`] frames are then ignored and new windows start.
    pub fn record(&mut self, waited: Duration, cycle: Option<Duration>) -> bool {
        let Some(cycle) = cycle else {
            return false;
        };
        if self.frames_to_ignore > 0 {
            self.frames_to_ignore -= 1;
            return false;
        }
        let short = self.short.add(waited, cycle, SHORT_WINDOW);
        let long = self.long.add(waited, cycle, LONG_WINDOW);
        if !(short || long) {
            return false;
        }
        *self = Self {
            frames_to_ignore: SETTLE_FRAMES,
            ..Self::default()
        };
        true
    }
}

/// `waited / elapsed`, 0 for an empty window.
fn wait_share(waited: Duration, elapsed: Duration) -> f64 {
    if elapsed.is_zero() {
        return 0.0;
    }
    waited.as_secs_f64() / elapsed.as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    /// Feeds a first frame and then `frames - 1` frames that each waited `waited` of a
    /// `cycle`-long loop turn; returns the frames (1-based) at which the monitor said grow.
    fn growth_frames(frames: usize, waited: Duration, cycle: Duration) -> Vec<usize> {
        let mut monitor = GrowthMonitor::new();
        let mut grew = Vec::new();
        if monitor.record(cycle, None) {
            grew.push(1);
        }
        for frame in 2..=frames {
            if monitor.record(waited, Some(cycle)) {
                grew.push(frame);
            }
        }
        grew
    }

    /// A wait of `share` of a 100 ms turn.
    fn share_of_100_ms(share: f64) -> Duration {
        (100 * MS).mul_f64(share)
    }

    #[test]
    fn a_loop_that_mostly_waits_grows_after_the_short_window() {
        let grew = growth_frames(SHORT_WINDOW.frames + 1, 55 * MS, 60 * MS);
        assert_eq!(grew, vec![SHORT_WINDOW.frames + 1]);
    }

    #[test]
    fn a_loop_that_waits_a_little_all_along_grows_after_the_long_window() {
        let waited = share_of_100_ms((SHORT_WINDOW.wait_share + LONG_WINDOW.wait_share) / 2.0);
        let grew = growth_frames(LONG_WINDOW.frames + 1, waited, 100 * MS);
        assert_eq!(grew, vec![LONG_WINDOW.frames + 1]);
    }

    #[test]
    fn after_growing_it_settles_then_judges_new_windows() {
        let frames = 1 + 2 * SHORT_WINDOW.frames + SETTLE_FRAMES;
        let grew = growth_frames(frames, 55 * MS, 60 * MS);
        assert_eq!(grew, vec![SHORT_WINDOW.frames + 1, frames]);
    }

    #[test]
    fn a_loop_busy_with_its_own_work_never_grows() {
        let waited = share_of_100_ms(LONG_WINDOW.wait_share * 0.9);
        assert!(growth_frames(200, waited, 100 * MS).is_empty());
    }

    #[test]
    fn a_few_frames_of_waiting_are_not_enough() {
        let mut monitor = GrowthMonitor::new();
        monitor.record(Duration::ZERO, None);
        let mut grew = false;
        // A short window of waiting, under its threshold and short of what the long window needs
        // on average, then a busy loop for the rest of the long window.
        let long_window_need = LONG_WINDOW.wait_share * LONG_WINDOW.frames as f64;
        let share = (long_window_need / SHORT_WINDOW.frames as f64).min(SHORT_WINDOW.wait_share);
        for _ in 0..SHORT_WINDOW.frames {
            grew |= monitor.record(share_of_100_ms(share * 0.9), Some(100 * MS));
        }
        for _ in SHORT_WINDOW.frames..LONG_WINDOW.frames {
            grew |= monitor.record(Duration::ZERO, Some(100 * MS));
        }
        assert!(!grew);
    }

    #[test]
    fn the_first_frame_never_counts() {
        let mut monitor = GrowthMonitor::new();
        for _ in 0..10 {
            assert!(!monitor.record(Duration::from_secs(1), None));
        }
    }

    #[test]
    fn a_wait_longer_than_the_turn_counts_as_the_whole_turn() {
        let mut monitor = GrowthMonitor::new();
        for _ in 0..SHORT_WINDOW.frames - 1 {
            assert!(!monitor.record(Duration::from_secs(10), Some(MS)));
        }
        // Three frames of 1 ms entirely waited and one of 10 ms not waited: 3 / 13 is under the
        // short threshold, which waits counted above their turn (30 s / 13 ms) would exceed.
        assert!(!monitor.record(Duration::ZERO, Some(10 * MS)));
    }
}
