//! The per-frame work of a run: analyse the detected faces, write the records, draw the labels,
//! show the frame and hand it to the encoder.

use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::ProgressBar;
use opencv::core::{Mat, Size};
use opencv::imgproc;
use opencv::prelude::*;
use video_io::FrameSize;

use crate::analysis::{FaceResult, FrameAnalyzer};
use crate::detect_stage::DetectedFrames;
use crate::display::{Control, Display};
use crate::records::RecordWriters;
use crate::signals::StopRequest;
use crate::staged_output::StagedOutput;
use crate::stages::EncodeThread;
use crate::stats::{RunStats, Stage};

/// State carried from frame to frame, over every pass of a run.
pub struct FrameLoop {
    analyzer: FrameAnalyzer,
    stats: RunStats,
    encoder: Option<EncodeThread>,
    records: RecordWriters,
    show_track_id: bool,
    writer_size: FrameSize,
    /// The frames' presentation times go to the encoder (else it writes a constant rate).
    keep_timestamps: bool,
    warned_resize: bool,
    /// ESC was pressed or the run was interrupted.
    quit: bool,
}

/// What a finished frame loop leaves: its statistics, and how finalising its outputs went.
pub struct Finished {
    /// Frames, faces and stage times of the whole run (without the encoder's time).
    pub stats: RunStats,
    /// Time the encoder spent, or why the video could not be finalised.
    pub encode_time: Result<Duration>,
    /// The complete JSON and CSV record files, or why they could not be flushed.
    pub records: Result<Vec<StagedOutput>>,
}

impl FrameLoop {
    /// A loop writing to `encoder` (none without video output) and `records`; `writer_size` is
    /// the output video's frame size; `keep_timestamps` hands each frame's presentation time to
    /// the encoder; `show_track_id` puts the track ID in the labels.
    pub fn new(
        analyzer: FrameAnalyzer,
        encoder: Option<EncodeThread>,
        records: RecordWriters,
        writer_size: FrameSize,
        keep_timestamps: bool,
        show_track_id: bool,
    ) -> Self {
        Self {
            analyzer,
            stats: RunStats::new(),
            encoder,
            records,
            show_track_id,
            writer_size,
            keep_timestamps,
            warned_resize: false,
            quit: false,
        }
    }

    /// Adds `lost` frames the reader skipped (damaged data) to the run's figures.
    pub fn count_lost_frames(&mut self, lost: u64) {
        self.stats.lost_frames += lost;
    }

    /// ESC was pressed or the run was interrupted: no further pass should run.
    pub fn stopped(&self) -> bool {
        self.quit
    }

    /// Finalises the video (whatever happened before, so the frames written so far stay
    /// playable) and flushes the records.
    pub fn finish(mut self) -> Finished {
        let encode_time = match self.encoder.take() {
            Some(encoder) => encoder.finish(),
            None => Ok(Duration::ZERO),
        };
        let records = self.records.finish();
        Finished {
            stats: self.stats,
            encode_time,
            records,
        }
    }

    /// Processes every frame of `frames` until the input ends, an error, ESC or a stop signal.
    pub fn process_all(
        &mut self,
        frames: &mut DetectedFrames,
        mut display: Option<&mut Display>,
        stop: &StopRequest,
        progress: &ProgressBar,
    ) -> Result<()> {
        while let Some(detected) = frames.next() {
            if stop.is_requested() {
                let signal = stop.signal().map_or("a stop signal", crate::signals::name);
                tracing::warn!("interrupted by {signal}: finalising the outputs written so far");
                self.quit = true;
                break;
            }
            let detected = detected?;
            let decoded = detected.decoded;
            self.stats.add(Stage::Decode, decoded.decode_time);
            detected.times.add_to(&mut self.stats);
            let frame = &decoded.frame.image;
            let faces = self
                .analyzer
                .analyze(frame, detected.faces, &mut self.stats)?;
            self.stats.box_fallbacks += faces
                .iter()
                .filter(|face| face.chip_source == Some(estimate::ChipSource::BoxFallback))
                .count() as u64;
            self.records
                .write_frame(decoded.frame.index, decoded.frame.timestamp_ms, &faces)?;

            let annotated = self.stats.time(Stage::Render, || {
                render_faces(frame, &faces, self.show_track_id)
            })?;
            // After the last timed stage of the frame, so its per-frame timings are complete.
            self.stats.count_frame(faces.len());
            if let Some(display) = display.as_deref_mut()
                && display.show(frame, &annotated)? == Control::Quit
            {
                tracing::info!("ESC pressed: stopping");
                self.quit = true;
                break;
            }
            let pts = decoded.frame.pts.filter(|_| self.keep_timestamps);
            self.encode(annotated, pts)?;
            progress.inc(1);
        }
        Ok(())
    }

    fn encode(&mut self, annotated: Mat, pts: Option<i64>) -> Result<()> {
        let Some(encoder) = self.encoder.as_mut() else {
            return Ok(());
        };
        let size = FrameSize::of(&annotated);
        let frame = if size == self.writer_size {
            annotated
        } else {
            if !self.warned_resize {
                tracing::warn!(
                    "frame size {size} differs from the output video's {}: frames are scaled to \
                     fit it, keeping their shape (black bars fill the rest)",
                    self.writer_size
                );
                self.warned_resize = true;
            }
            letterbox(&annotated, self.writer_size)?
        };
        encoder.send((frame, pts))
    }
}

/// `frame` scaled to fit inside `size` with its aspect ratio kept, centred on black.
fn letterbox(frame: &Mat, size: FrameSize) -> Result<Mat> {
    let scale = f64::min(
        f64::from(size.width) / f64::from(frame.cols()),
        f64::from(size.height) / f64::from(frame.rows()),
    );
    let fitted = |side: i32, limit: i32| ((f64::from(side) * scale).round() as i32).clamp(1, limit);
    let inner = Size::new(
        fitted(frame.cols(), size.width),
        fitted(frame.rows(), size.height),
    );
    let mut scaled = Mat::default();
    imgproc::resize(frame, &mut scaled, inner, 0.0, 0.0, imgproc::INTER_AREA)
        .context("cannot scale the frame to the output video's size")?;
    let left = (size.width - inner.width) / 2;
    let top = (size.height - inner.height) / 2;
    let mut boxed = Mat::default();
    opencv::core::copy_make_border(
        &scaled,
        &mut boxed,
        top,
        size.height - inner.height - top,
        left,
        size.width - inner.width - left,
        opencv::core::BORDER_CONSTANT,
        opencv::core::Scalar::default(),
    )
    .context("cannot fit the frame into the output video's size")?;
    Ok(boxed)
}

/// A copy of `frame` with every face's box and label drawn.
fn render_faces(frame: &Mat, faces: &[FaceResult], show_track_id: bool) -> Result<Mat> {
    let mut annotated = frame
        .try_clone()
        .context("cannot copy the frame for drawing")?;
    let annotations: Vec<render::Annotation> = faces
        .iter()
        .map(|face| render::Annotation {
            rect: render::BoxCorners::new(
                face.box_original.x1,
                face.box_original.y1,
                face.box_original.x2,
                face.box_original.y2,
            ),
            label: match (show_track_id, face.track_id) {
                (true, Some(id)) => format!("#{id} {}", face.estimate.label()),
                _ => face.estimate.label(),
            },
        })
        .collect();
    render::draw_annotations(&mut annotated, &annotations).context("cannot draw the labels")?;
    Ok(annotated)
}

#[cfg(test)]
mod tests {
    use opencv::core::{CV_8UC3, Scalar, Vec3b};

    use super::*;

    #[test]
    fn a_wider_frame_is_fitted_between_black_bars_keeping_its_shape() {
        let white = Mat::new_rows_cols_with_default(100, 400, CV_8UC3, Scalar::all(255.0))
            .expect("a frame");
        let boxed = letterbox(&white, FrameSize::new(200, 200)).expect("letterbox");
        assert_eq!(FrameSize::of(&boxed), FrameSize::new(200, 200));
        let pixel = |row: i32| boxed.at_2d::<Vec3b>(row, 100).expect("pixel")[0];
        // 400x100 scaled by 1/2 is 200x50, centred: rows 75..125 are the frame.
        assert_eq!(pixel(74), 0, "black bar above");
        assert_eq!(pixel(75), 255, "the frame");
        assert_eq!(pixel(124), 255, "the frame");
        assert_eq!(pixel(125), 0, "black bar below");
    }
}
