//! The annotated video as a [`FrameSink`]: written on its own thread to a staging file beside its
//! destination, each frame at its input time, frames of another size fitted between black bars.

use std::path::Path;
use std::time::Duration;

use face::ImageSize;
use opencv::core::{Mat, Size};
use opencv::imgproc;
use opencv::prelude::*;
use video_io::{Codec, VideoWriter, mat_size};

use crate::completeness::check_written_video;
use crate::config::OutputConfig;
use crate::error::{Context, PipelineError, Result, run_error};
use crate::sink::{AnalysedFrame, Flow, FrameSink, InputInfo};
use crate::staged_output::StagedOutput;
use crate::stages::EncodeThread;
use crate::stats::{RunStats, Stage};

/// Writes the annotated frames to a video file.
pub struct VideoSink {
    staged: StagedOutput,
    codec: Codec,
    h264: video_io::H264Settings,
    encoder: Option<EncodeThread>,
    writer_size: ImageSize,
    frames: u64,
    warned_resize: bool,
}

impl VideoSink {
    /// A sink for `output.video` with the codec and H.264 settings of `output`; `None` when no
    /// video is asked for. The staging file is created now, so an unwritable path fails before
    /// any frame is processed.
    pub fn for_output(output: &OutputConfig) -> Result<Option<Self>> {
        let Some(destination) = output.video.as_deref() else {
            return Ok(None);
        };
        let codec: Codec = output.codec.parse().map_err(|err: video_io::VideoError| {
            PipelineError::config_caused_by("invalid output.codec", err)
        })?;
        let h264 = output.h264_settings()?;
        Ok(Some(Self {
            staged: StagedOutput::new(destination)?,
            codec,
            h264,
            encoder: None,
            writer_size: ImageSize::new(0, 0),
            frames: 0,
            warned_resize: false,
        }))
    }

    /// Where the video goes when the run completes.
    pub fn destination(&self) -> &Path {
        self.staged.destination()
    }

    fn fitted(&mut self, annotated: &Mat) -> Result<Mat> {
        let size = mat_size(annotated);
        if size == self.writer_size {
            return annotated
                .try_clone()
                .context("cannot copy the frame for the encoder");
        }
        if !self.warned_resize {
            tracing::warn!(
                "frame size {size} differs from the output video's {}: frames are scaled to fit \
                 it, keeping their shape (black bars fill the rest)",
                self.writer_size
            );
            self.warned_resize = true;
        }
        letterbox(annotated, self.writer_size)
    }
}

impl FrameSink for VideoSink {
    fn start(&mut self, input: &InputInfo) -> Result<()> {
        let writer = VideoWriter::create_timed(
            self.staged.path(),
            self.codec,
            input.first_size,
            self.h264,
            &input.timing,
        )
        .with_context(|| {
            format!(
                "cannot create the output video {}",
                self.staged.destination().display()
            )
        })?;
        self.writer_size = input.first_size;
        self.encoder = Some(EncodeThread::spawn(writer, self.staged.destination())?);
        Ok(())
    }

    fn accept(&mut self, frame: &AnalysedFrame<'_>) -> Result<Flow> {
        let image = self.fitted(frame.annotated)?;
        let encoder = self
            .encoder
            .as_mut()
            .ok_or_else(|| run_error!("the video sink was not started"))?;
        encoder.send((image, frame.pts))?;
        self.frames += 1;
        Ok(Flow::Continue)
    }

    fn finish(mut self: Box<Self>, stats: &mut RunStats) -> Result<Vec<StagedOutput>> {
        let encode_time = match self.encoder.take() {
            Some(encoder) => encoder.finish()?,
            None => Duration::ZERO,
        };
        stats.add(Stage::Encode, encode_time);
        check_written_video(self.staged.path(), self.staged.destination(), self.frames)?;
        Ok(vec![self.staged])
    }
}

/// `frame` scaled to fit `size` with its shape kept, centred between black bars.
fn letterbox(frame: &Mat, size: ImageSize) -> Result<Mat> {
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

#[cfg(test)]
mod tests {
    use opencv::core::{CV_8UC3, Scalar, Vec3b};

    use super::*;

    #[test]
    fn a_wider_frame_is_fitted_between_black_bars_keeping_its_shape() {
        let white = Mat::new_rows_cols_with_default(100, 400, CV_8UC3, Scalar::all(255.0))
            .expect("a frame");
        let boxed = letterbox(&white, ImageSize::new(200, 200)).expect("letterbox");
        assert_eq!(mat_size(&boxed), ImageSize::new(200, 200));
        let pixel = |row: i32| boxed.at_2d::<Vec3b>(row, 100).expect("pixel")[0];
        // 400x100 scaled by 1/2 is 200x50, centred: rows 75..125 are the frame.
        assert_eq!(pixel(74), 0, "black bar above");
        assert_eq!(pixel(75), 255, "the frame");
        assert_eq!(pixel(124), 255, "the frame");
        assert_eq!(pixel(125), 0, "black bar below");
    }
}
