//! [`VideoWriter`]: writes BGR frames to a video file, H.264 in `.mp4` by default, padding odd
//! sizes, finalising the file on [`VideoWriter::finish`] and on drop.

use std::path::{Path, PathBuf};

use opencv::core::{BORDER_REPLICATE, CV_8UC3, Mat, Scalar, Size};
use opencv::prelude::*;
use opencv::videoio;

use crate::codec::Codec;
use crate::error::VideoError;
use crate::frame::FrameSize;

/// The writer gets colour frames.
const IS_COLOR: bool = true;

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
    pub size: FrameSize,
}

/// Writes frames of one size to a video file.
pub struct VideoWriter {
    writer: Option<videoio::VideoWriter>,
    path: PathBuf,
    codec: Codec,
    input_size: FrameSize,
    output_size: FrameSize,
    frames: u64,
    padded: Mat,
}

impl VideoWriter {
    /// Creates `path` (and its parent directories) for frames of `size` at `fps`. When `codec`
    /// cannot be opened, its [`Codec::fallback`] is tried with a warning. Codecs that need even
    /// sizes get odd frames padded by one replicated row/column at the bottom/right.
    pub fn create(
        path: impl AsRef<Path>,
        codec: Codec,
        fps: f64,
        size: FrameSize,
    ) -> Result<Self, VideoError> {
        let path = path.as_ref();
        if !(fps.is_finite() && fps > 0.0) || !size.is_positive() {
            return Err(VideoError::InvalidWriterSettings { fps, size });
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| VideoError::CreateDirectory {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let mut tried = Vec::new();
        let mut candidate = Some(codec);
        while let Some(current) = candidate {
            tried.push(current.to_string());
            let output_size = if current.needs_even_size() {
                size.even()
            } else {
                size
            };
            if let Some(writer) = open_writer(path, current, fps, output_size)? {
                if current != codec {
                    tracing::warn!(
                        requested = %codec, used = %current, path = %path.display(),
                        "codec {codec} cannot be opened here; wrote {current} instead"
                    );
                }
                if output_size != size {
                    tracing::info!(
                        "{current} needs even sizes: padding {size} frames to {output_size}"
                    );
                }
                return Ok(Self {
                    writer: Some(writer),
                    path: path.to_path_buf(),
                    codec: current,
                    input_size: size,
                    output_size,
                    frames: 0,
                    padded: Mat::default(),
                });
            }
            candidate = current.fallback();
        }
        Err(VideoError::OpenWriter {
            path: path.to_path_buf(),
            codec: codec.to_string(),
            tried: tried.join(", "),
        })
    }

    /// Appends one BGR 8-bit frame of the size given to [`VideoWriter::create`].
    pub fn write(&mut self, frame: &Mat) -> Result<(), VideoError> {
        let got = FrameSize::of(frame);
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
            writer
                .write(frame)
                .map_err(VideoError::opencv("encode a frame"))?;
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
            writer
                .write(&self.padded)
                .map_err(VideoError::opencv("encode a frame"))?;
        }
        self.frames += 1;
        Ok(())
    }

    /// The codec in use (after any fallback).
    pub fn codec(&self) -> Codec {
        self.codec
    }

    /// The output file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Size of the frames in the file (the input size padded to even where the codec needs it).
    pub fn output_size(&self) -> FrameSize {
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
            writer
                .release()
                .map_err(VideoError::opencv("finalise the video file"))?;
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

/// Opens an OpenCV writer with the FFmpeg backend; `None` when the backend refuses the codec.
fn open_writer(
    path: &Path,
    codec: Codec,
    fps: f64,
    size: FrameSize,
) -> Result<Option<videoio::VideoWriter>, VideoError> {
    let writer = videoio::VideoWriter::new_with_backend(
        path,
        videoio::CAP_FFMPEG,
        codec.fourcc(),
        fps,
        Size::new(size.width, size.height),
        IS_COLOR,
    );
    match writer {
        Ok(writer) if writer.is_opened().unwrap_or(false) => Ok(Some(writer)),
        Ok(_) => {
            tracing::debug!(%codec, path = %path.display(), "FFmpeg backend refused the codec");
            Ok(None)
        }
        Err(error) => {
            tracing::debug!(%codec, path = %path.display(), %error, "OpenCV refused the codec");
            Ok(None)
        }
    }
}
