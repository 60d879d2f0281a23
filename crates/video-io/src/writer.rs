//! [`VideoWriter`]: writes BGR frames to a video file, H.264 in `.mp4` by default, each frame
//! at the input's time and with the input's pixel shape, padding odd sizes, finalising the
//! file on [`VideoWriter::finish`] and on drop.
//!
//! Every codec goes through FFmpeg's libraries (libx264 with the preset and quality of
//! [`H264Settings`] for H.264); OpenCV's writer (constant rate only) is the last resort when
//! they cannot open a codec or container.

use std::path::{Path, PathBuf};

use opencv::core::{BORDER_REPLICATE, CV_8UC3, Mat, Scalar};
use opencv::prelude::*;

use crate::codec::Codec;
use crate::error::VideoError;
use face::ImageSize;

use crate::frame::mat_size;
use crate::h264::H264Settings;
use crate::libav_writer::frame_time_base;
use crate::timing::OutputTiming;
use crate::writer_backend::Backend;

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteSummary {
    /// The output file.
    pub path: PathBuf,
    /// The codec actually used (after any fallback).
    pub codec: Codec,
    /// Number of frames written.
    pub frames: u64,
    /// Size of the frames in the file (the input size, padded to even for some codecs).
    pub size: ImageSize,
}

/// Writes frames of one size to a video file.
pub struct VideoWriter {
    writer: Option<Backend>,
    path: PathBuf,
    codec: Codec,
    input_size: ImageSize,
    output_size: ImageSize,
    frames: u64,
    padded: Mat,
}

impl VideoWriter {
    /// Creates `path` (and its parent directories) for frames of `size` at a constant `fps`,
    /// H.264 with the default [`H264Settings`]. See [`VideoWriter::create_timed`].
    pub fn create(
        path: impl AsRef<Path>,
        codec: Codec,
        fps: f64,
        size: ImageSize,
    ) -> Result<Self, VideoError> {
        Self::create_with(path, codec, fps, size, H264Settings::default())
    }

    /// Creates `path` (and its parent directories) for frames of `size` at a constant `fps`;
    /// H.264 is encoded with `h264`. See [`VideoWriter::create_timed`].
    pub fn create_with(
        path: impl AsRef<Path>,
        codec: Codec,
        fps: f64,
        size: ImageSize,
        h264: H264Settings,
    ) -> Result<Self, VideoError> {
        Self::create_timed(path, codec, size, h264, &OutputTiming::constant(fps))
    }

    /// Creates `path` (and its parent directories) for frames of `size` placed in time by
    /// `timing` (see [`VideoWriter::write_timed`]) and shown with its pixel shape; H.264 is
    /// encoded with `h264` (other codecs ignore it). When `codec` cannot be opened, its
    /// [`Codec::fallback`] is tried with a warning.
    ///
    /// A frame with an odd width or height is padded by one replicated column/row at the
    /// right/bottom: 4:2:0 encoders need even sizes, and OpenCV's writer would silently crop
    /// it (with every codec, MJPG included), losing the last column/row.
    pub fn create_timed(
        path: impl AsRef<Path>,
        codec: Codec,
        size: ImageSize,
        h264: H264Settings,
        timing: &OutputTiming,
    ) -> Result<Self, VideoError> {
        let path = path.as_ref();
        let fps = timing.fps;
        if !(fps.is_finite() && fps > 0.0 && size.is_positive()) {
            return Err(VideoError::InvalidWriterSettings { fps, size });
        }
        if let Some(base) = timing.time_base.filter(|base| !base.is_valid()) {
            return Err(VideoError::InvalidTimeBase {
                num: base.num,
                den: base.den,
            });
        }
        let one_frame = frame_time_base(fps);
        if one_frame.numerator() <= 0 || one_frame.denominator() <= 0 {
            // A rate so far from 1 that one frame is no fraction of 32-bit terms.
            return Err(VideoError::InvalidWriterSettings { fps, size });
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|cause| VideoError::CreateDirectory {
                path: parent.to_path_buf(),
                cause,
            })?;
        }
        let output_size = size.even();
        let opened = open_first_available(codec, |candidate| {
            Backend::open(path, candidate, output_size, h264, timing)
        });
        let Some((used, writer)) = opened else {
            return Err(VideoError::OpenWriter {
                path: path.to_path_buf(),
                codec: codec.to_string(),
                tried: codec_chain(codec)
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        if used != codec {
            tracing::warn!(
                requested = %codec, used = %used, path = %path.display(),
                "codec {codec} cannot be opened here; writing {used} instead"
            );
        }
        if output_size != size {
            tracing::info!("padding {size} frames to the even size {output_size}");
        }
        Ok(Self {
            writer: Some(writer),
            path: path.to_path_buf(),
            codec: used,
            input_size: size,
            output_size,
            frames: 0,
            padded: Mat::default(),
        })
    }

    /// Appends one BGR 8-bit frame of the writer's size, one frame at the nominal rate after
    /// the previous one (the first at 0).
    pub fn write(&mut self, frame: &Mat) -> Result<(), VideoError> {
        self.write_timed(frame, None)
    }

    /// Appends one BGR 8-bit frame of the writer's size, shown at `pts` ticks of the timing's
    /// time base (`None`: one frame at the nominal rate after the previous one, the first at
    /// 0). A timestamp not after the previous one is moved one tick past it, since encoders and
    /// containers need increasing times.
    pub fn write_timed(&mut self, frame: &Mat, pts: Option<i64>) -> Result<(), VideoError> {
        let got = mat_size(frame);
        if got != self.input_size {
            return Err(VideoError::FrameSizeMismatch {
                expected: self.input_size,
                got,
            });
        }
        if frame.typ() != CV_8UC3 {
            return Err(VideoError::UnsupportedPixelFormat {
                channels: frame.channels(),
                depth: frame.depth(),
            });
        }
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        if self.output_size == self.input_size {
            writer.write(frame, pts)?;
        } else {
            opencv::core::copy_make_border(
                frame,
                &mut self.padded,
                0,
                self.output_size.height - self.input_size.height,
                0,
                self.output_size.width - self.input_size.width,
                BORDER_REPLICATE,
                Scalar::default(),
            )
            .map_err(VideoError::opencv("pad a frame to an even size"))?;
            writer.write(&self.padded, pts)?;
        }
        self.frames += 1;
        Ok(())
    }

    /// The codec in use (after any fallback).
    pub fn codec(&self) -> Codec {
        self.codec
    }

    /// The H.264 settings in use, when libx264 encodes through FFmpeg's libraries (`None` for
    /// other codecs and for H.264 through OpenCV's writer, which uses libx264's defaults).
    pub fn h264_settings(&self) -> Option<H264Settings> {
        self.writer.as_ref().and_then(Backend::h264_settings)
    }

    /// The output file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Size of the frames in the file (the input size padded to even).
    pub fn output_size(&self) -> ImageSize {
        self.output_size
    }

    /// Frames written so far.
    pub fn frames_written(&self) -> u64 {
        self.frames
    }

    /// Finalises the file (writes the container index) and says what was written.
    pub fn finish(mut self) -> Result<WriteSummary, VideoError> {
        self.release()?;
        Ok(WriteSummary {
            path: self.path.clone(),
            codec: self.codec,
            frames: self.frames,
            size: self.output_size,
        })
    }

    fn release(&mut self) -> Result<(), VideoError> {
        if let Some(mut writer) = self.writer.take() {
            writer.finish()?;
            tracing::debug!(path = %self.path.display(), frames = self.frames, "video finalised");
        }
        Ok(())
    }
}

impl Drop for VideoWriter {
    /// Finalises the file if [`VideoWriter::finish`] was not called, so a run that stops early
    /// (an error, ESC) still leaves a playable file.
    fn drop(&mut self) {
        if let Err(error) = self.release() {
            tracing::warn!(path = %self.path.display(), %error, "could not finalise the video");
        }
    }
}

/// `codec` followed by its fallbacks, in the order they are tried.
fn codec_chain(codec: Codec) -> impl Iterator<Item = Codec> {
    std::iter::successors(Some(codec), Codec::fallback)
}

/// The first codec of [`codec_chain`] that `open` accepts, with what it opened; `None` when none.
fn open_first_available<T>(
    codec: Codec,
    mut open: impl FnMut(Codec) -> Option<T>,
) -> Option<(Codec, T)> {
    codec_chain(codec).find_map(|candidate| open(candidate).map(|opened| (candidate, opened)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h264_falls_back_to_mp4v_when_refused() {
        let mut tried = Vec::new();
        let opened = open_first_available(Codec::H264, |codec| {
            tried.push(codec);
            (codec == Codec::Mp4v).then_some("writer")
        });
        assert_eq!(opened, Some((Codec::Mp4v, "writer")));
        assert_eq!(tried, [Codec::H264, Codec::Mp4v]);
    }

    #[test]
    fn an_accepted_codec_is_used_without_fallback() {
        let opened = open_first_available(Codec::H264, Some);
        assert_eq!(opened, Some((Codec::H264, Codec::H264)));
    }

    #[test]
    fn explicit_codecs_have_no_fallback() {
        let mut tried = Vec::new();
        let opened = open_first_available(Codec::Mjpg, |codec| {
            tried.push(codec);
            None::<()>
        });
        assert_eq!(opened, None);
        assert_eq!(tried, [Codec::Mjpg]);
    }
}
