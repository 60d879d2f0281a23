//! Per-stage timings and counts of a run, and the closing summary.

use std::fmt;
use std::time::{Duration, Instant};

/// The stages of the frame loop, in data-flow order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and decoding a frame.
    Decode,
    /// Shrinking the frame to the processing size.
    Resize,
    /// Finding faces.
    Detect,
    /// Cropping, preprocessing and running the estimator nets.
    Estimate,
    /// Drawing boxes and labels.
    Render,
    /// Encoding and writing the annotated frame (and structured output).
    Encode,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 6] = [
        Stage::Decode,
        Stage::Resize,
        Stage::Detect,
        Stage::Estimate,
        Stage::Render,
        Stage::Encode,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// Lower-case name used in logs.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Decode => "decode",
            Stage::Resize => "resize",
            Stage::Detect => "detect",
            Stage::Estimate => "estimate",
            Stage::Render => "render",
            Stage::Encode => "encode",
        }
    }
}

/// Accumulates what happened during a run.
#[derive(Debug)]
pub struct RunStats {
    started: Instant,
    stage_totals: [Duration; Stage::ALL.len()],
    /// Time spent in each stage on the frame being processed (reset by [`Self::count_frame`]).
    current_frame: [Duration; Stage::ALL.len()],
    /// Milliseconds spent in each stage, one value per processed frame.
    per_frame_ms: [Vec<f64>; Stage::ALL.len()],
    /// Frames processed.
    pub frames: u64,
    /// Frames in which at least one face was found.
    pub frames_with_faces: u64,
    /// Faces estimated over the whole run.
    pub faces: u64,
    /// Faces an aligned estimator found no usable landmarks for and took from the box instead.
    pub box_fallbacks: u64,
    /// Frames of the input that could not be decoded (damaged data) and were skipped.
    pub lost_frames: u64,
}

impl Default for RunStats {
    fn default() -> Self {
        Self::new()
    }
}

impl RunStats {
    /// Starts the clock.
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            stage_totals: [Duration::ZERO; Stage::ALL.len()],
            current_frame: [Duration::ZERO; Stage::ALL.len()],
            per_frame_ms: Default::default(),
            frames: 0,
            frames_with_faces: 0,
            faces: 0,
            box_fallbacks: 0,
            lost_frames: 0,
        }
    }

    /// Runs `work`, adding its duration to `stage`.
    pub fn time<T>(&mut self, stage: Stage, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = work();
        self.add(stage, start.elapsed());
        result
    }

    /// Adds a measured duration to `stage`.
    pub fn add(&mut self, stage: Stage, elapsed: Duration) {
        self.stage_totals[stage.index()] += elapsed;
        self.current_frame[stage.index()] += elapsed;
    }

    /// Counts one processed frame with `faces` faces in it and closes its per-frame timings
    /// (call it after the frame's last timed stage).
    pub fn count_frame(&mut self, faces: usize) {
        for (samples, current) in self.per_frame_ms.iter_mut().zip(&mut self.current_frame) {
            samples.push(current.as_secs_f64() * 1e3);
            *current = Duration::ZERO;
        }
        self.frames += 1;
        if faces > 0 {
            self.frames_with_faces += 1;
        }
        self.faces += faces as u64;
    }

    /// Mean milliseconds per frame spent in `stage`.
    pub fn mean_ms(&self, stage: Stage) -> f64 {
        if self.frames == 0 {
            return 0.0;
        }
        self.stage_totals[stage.index()].as_secs_f64() * 1e3 / self.frames as f64
    }

    /// Median milliseconds per frame spent in `stage`, `None` for stages not measured frame by
    /// frame: encoding runs on its own thread and only its total is known (see
    /// [`Self::mean_ms`]).
    pub fn median_ms(&self, stage: Stage) -> Option<f64> {
        if stage == Stage::Encode {
            return None;
        }
        let mut samples = self.per_frame_ms[stage.index()].clone();
        if samples.is_empty() {
            return None;
        }
        samples.sort_by(f64::total_cmp);
        let middle = samples.len() / 2;
        let median = if samples.len().is_multiple_of(2) {
            (samples[middle - 1] + samples[middle]) / 2.0
        } else {
            samples[middle]
        };
        Some(median)
    }

    /// Wall-clock seconds since the run started.
    pub fn elapsed_seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// The figures of the run as JSON (for `--stats-json` and `cargo xtask bench`).
    pub fn to_json(&self) -> serde_json::Value {
        let stages: serde_json::Map<String, serde_json::Value> = Stage::ALL
            .iter()
            .map(|&stage| {
                (
                    stage.name().to_owned(),
                    serde_json::json!({
                        "mean_ms": self.mean_ms(stage),
                        "median_ms": self.median_ms(stage),
                        "total_ms": self.stage_totals[stage.index()].as_secs_f64() * 1e3,
                    }),
                )
            })
            .collect();
        serde_json::json!({
            "frames": self.frames,
            "frames_with_faces": self.frames_with_faces,
            "faces": self.faces,
            "box_fallbacks": self.box_fallbacks,
            "lost_frames": self.lost_frames,
            "wall_seconds": self.elapsed_seconds(),
            "fps": self.fps(),
            "stages": stages,
        })
    }

    /// Frames per second over the wall-clock time of the run.
    pub fn fps(&self) -> f64 {
        let seconds = self.started.elapsed().as_secs_f64();
        if seconds > 0.0 {
            self.frames as f64 / seconds
        } else {
            0.0
        }
    }
}

impl fmt::Display for RunStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} frames, {} with faces, {} faces, {:.1} FPS; mean ms per frame:",
            self.frames,
            self.frames_with_faces,
            self.faces,
            self.fps()
        )?;
        for stage in Stage::ALL {
            write!(f, " {} {:.2}", stage.name(), self.mean_ms(stage))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn means_are_per_frame_and_counts_add_up() {
        let mut stats = RunStats::new();
        stats.add(Stage::Detect, Duration::from_millis(30));
        stats.add(Stage::Detect, Duration::from_millis(10));
        stats.count_frame(2);
        stats.count_frame(0);
        assert_eq!(stats.frames, 2);
        assert_eq!(stats.frames_with_faces, 1);
        assert_eq!(stats.faces, 2);
        assert!((stats.mean_ms(Stage::Detect) - 20.0).abs() < 1e-9);
        assert_eq!(stats.mean_ms(Stage::Encode), 0.0);
    }

    #[test]
    fn medians_are_over_frames() {
        let mut stats = RunStats::new();
        for ms in [5, 1, 3] {
            stats.add(Stage::Detect, Duration::from_millis(ms));
            stats.count_frame(0);
        }
        stats.add(Stage::Detect, Duration::from_millis(2));
        stats.add(Stage::Detect, Duration::from_millis(2));
        stats.count_frame(1);
        // per-frame detect: 5, 1, 3, 4 -> median (3 + 4) / 2
        assert!((stats.median_ms(Stage::Detect).unwrap_or(f64::NAN) - 3.5).abs() < 1e-9);
        assert_eq!(stats.median_ms(Stage::Resize), Some(0.0));
        assert_eq!(stats.median_ms(Stage::Encode), None);
        let json = stats.to_json();
        assert_eq!(json["frames"], 4);
        assert_eq!(json["stages"]["detect"]["median_ms"], 3.5);
    }
}
