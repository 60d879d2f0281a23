//! The detection-only run the benchmarks compare the full pipeline with: decode, shrink and
//! detect, nothing else. It builds the detectors alone, so its time and memory are those of
//! detection (no estimator is loaded).

use std::sync::atomic::{AtomicBool, Ordering};

use video_io::Source;

use crate::config::PipelineConfig;
use crate::detect_stage::{DetectedFrames, DetectionPlan};
use crate::error::Result;
use crate::run::reopen;
use crate::setup::build_detection;
use crate::stages::DecodeThread;
use crate::stats::{RunStats, Stage};

/// The detectors of one configuration, ready to run inputs without estimation, drawing or
/// output: the detection-bound limit of the pipeline.
pub struct DetectionOnly {
    /// `input.max_frames`: frames read per pass.
    max_frames: Option<u64>,
    detection: DetectionPlan,
    passes: u32,
}

impl DetectionOnly {
    /// Builds the detectors `config` names, after checking it. The estimator's padding ratio
    /// still applies to the boxes, so the work per frame is the full pipeline's up to estimation.
    pub fn new(config: &PipelineConfig) -> Result<Self> {
        config.validate()?;
        let padding_ratio = config.estimator.effective_padding_ratio();
        let detection = build_detection(config, &config.resolved_models_dir(), padding_ratio)?;
        Ok(Self {
            max_frames: config.input.max_frames,
            detection,
            passes: 1,
        })
    }

    /// Plays each input `passes` times (reopened at its end; at least once).
    pub fn with_passes(mut self, passes: u32) -> Self {
        self.passes = passes.max(1);
        self
    }

    /// Decodes, shrinks and detects every frame of `source` until its end or the stop flag;
    /// returns the time each stage took and the faces found.
    pub fn run(&mut self, source: &Source, stop: &AtomicBool) -> Result<RunStats> {
        tracing::info!("detection only: no estimation or output");
        let mut stats = RunStats::new();
        for pass in 0..self.passes {
            let decoder = DecodeThread::spawn(reopen(source, pass)?, self.max_frames)?;
            let mut frames = DetectedFrames::start(decoder, std::mem::take(&mut self.detection))?;
            let counted = count_detections(&mut frames, stop, &mut stats);
            self.detection = frames.finish()?;
            counted?;
            if stop.load(Ordering::SeqCst) {
                break;
            }
        }
        Ok(stats)
    }
}

/// Adds the decode, resize and detect times and the faces of every frame of `frames` to `stats`,
/// until the input ends, an error or the stop flag.
fn count_detections(
    frames: &mut DetectedFrames,
    stop: &AtomicBool,
    stats: &mut RunStats,
) -> Result<()> {
    for detected in frames.by_ref() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let detected = detected?;
        stats.add(Stage::Decode, detected.decoded.decode_time);
        detected.times.add_to(stats);
        stats.count_frame(detected.faces.len());
    }
    Ok(())
}
