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
    /// cannot be opened, its [`Codec::fallback`] is tried with a warning.
    ///
    /// A frame with an odd width or height is padded by one replicated column/row at the
    /// right/bottom: OpenCV's FFmpeg writer would otherwise silently crop it to even (with every
    /// codec, MJPG included; 4:2:0 encoders need even sizes), losing the last column/row.
    pub fn create(
        path: impl AsRef<Path>,
        codec: Codec,
        fps: f64,
        size: FrameSize,
    ) -> Result<Self, VideoError> {
        let path = path.as_ref();
        if !(fps.is_finite() && fps > 0.0 && size.is_positive()) {
            return Err(VideoError::InvalidWriterSettings { fps, size });
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| VideoError::CreateDirectory {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let output_size = size.even();
        let opened = open_first_available(codec, |candidate| {
            open_writer(path, candidate, fps, output_size)
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

    /// Size of the frames in the file (the input size padded to even).
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

/// Opens an OpenCV writer with the FFmpeg backend; `None` when the backend refuses the codec.
fn open_writer(
    path: &Path,
    codec: Codec,
    fps: f64,
    size: FrameSize,
) -> Option<videoio::VideoWriter> {
    let writer = videoio::VideoWriter::new_with_backend(
        path,
        videoio::CAP_FFMPEG,
        codec.fourcc(),
        fps,
        Size::new(size.width, size.height),
        IS_COLOR,
    );
    match writer {
        Ok(writer) if writer.is_opened().unwrap_or(false) => Some(writer),
        Ok(_) => {
            tracing::debug!(%codec, path = %path.display(), "FFmpeg backend refused the codec");
            None
        }
        Err(error) => {
            tracing::debug!(%codec, path = %path.display(), %error, "OpenCV refused the codec");
            None
        }
    }
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
