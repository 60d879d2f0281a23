//! The per-frame work of a run: analyse the detected faces, draw the labels and hand the frame to
//! every sink, until the input ends, a sink stops the run, the stop flag is set or a step fails.

use std::sync::atomic::{AtomicBool, Ordering};

use opencv::core::Mat;
use opencv::prelude::*;

use crate::analyzer::FrameAnalyzer;
use crate::detect_stage::DetectedFrames;
use crate::error::{Context, Result};
use crate::estimation::FaceResult;
use crate::sink::{AnalysedFrame, Flow, FrameSink};
use crate::stats::{RunStats, Stage};

/// How a pass over the input ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassEnd {
    /// The input ran out of frames (or reached `input.max_frames`).
    InputEnded,
    /// A sink asked to stop ([`Flow::Stop`]).
    SinkStopped,
    /// The stop flag was set.
    StopRequested,
}

/// What the frame loop needs besides the frames and the sinks.
pub struct FrameLoop<'a> {
    /// Estimates (and tracks) the faces of each frame.
    pub analyzer: &'a mut FrameAnalyzer,
    /// Where the run's figures go.
    pub stats: &'a mut RunStats,
    /// Draw `#<track id>` before each label.
    pub show_track_id: bool,
    /// Pass each frame's presentation time to the sinks (a single pass over a file).
    pub keep_timestamps: bool,
}

impl FrameLoop<'_> {
    /// Processes every frame of `frames`.
    pub fn process_all(
        &mut self,
        frames: &mut DetectedFrames,
        sinks: &mut [Box<dyn FrameSink>],
        stop: &AtomicBool,
    ) -> Result<PassEnd> {
        for detected in frames.by_ref() {
            if stop.load(Ordering::SeqCst) {
                tracing::warn!("stop requested: finalising the outputs written so far");
                return Ok(PassEnd::StopRequested);
            }
            let detected = detected?;
            let decoded = detected.decoded;
            self.stats.add(Stage::Decode, decoded.decode_time);
            detected.times.add_to(self.stats);
            let image = &decoded.frame.image;
            let faces = self.analyzer.analyze(image, detected.faces, self.stats)?;
            self.stats.box_fallbacks += faces
                .iter()
                .filter(|face| face.chip_source == Some(estimate::ChipSource::BoxFallback))
                .count() as u64;
            let annotated = self.stats.time(Stage::Render, || {
                render_faces(image, &faces, self.show_track_id)
            })?;
            // After the last timed stage of the frame, so its per-frame timings are complete.
            self.stats.count_frame(faces.len());
            let frame = AnalysedFrame {
                index: decoded.frame.index,
                timestamp_ms: decoded.frame.timestamp_ms,
                pts: decoded.frame.pts.filter(|_| self.keep_timestamps),
                image,
                annotated: &annotated,
                faces: &faces,
            };
            for sink in sinks.iter_mut() {
                if sink.accept(&frame)? == Flow::Stop {
                    return Ok(PassEnd::SinkStopped);
                }
            }
        }
        Ok(PassEnd::InputEnded)
    }
}

/// A copy of `frame` with every face's box and label drawn.
fn render_faces(frame: &Mat, faces: &[FaceResult], show_track_id: bool) -> Result<Mat> {
    let mut annotated = frame
        .try_clone()
        .context("cannot copy the frame for drawing")?;
    let annotations: Vec<render::Annotation> = faces
        .iter()
        .map(|face| render::Annotation {
            rect: face.box_original,
            label: match (show_track_id, face.track_id) {
                (true, Some(id)) => format!("#{id} {}", face.estimate.label()),
                _ => face.estimate.label(),
            },
        })
        .collect();
    render::draw_annotations(&mut annotated, &annotations).context("cannot draw the labels")?;
    Ok(annotated)
}
