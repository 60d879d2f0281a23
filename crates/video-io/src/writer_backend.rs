//! [`Backend`]: the library that encodes and writes a [`crate::VideoWriter`]'s file. FFmpeg's
//! libraries ([`LibavEncoder`]) keep each frame's time and the pixel shape; OpenCV's writer,
//! the last resort when they cannot open a codec or container, writes a constant rate.

use std::path::Path;

use opencv::core::{Mat, Size};
use opencv::prelude::*;
use opencv::videoio;

use crate::codec::Codec;
use crate::error::VideoError;
use crate::h264::H264Settings;
use crate::libav_writer::LibavEncoder;
use crate::timing::OutputTiming;
use face::ImageSize;

/// The writer gets colour frames.
const IS_COLOR: bool = true;

/// The library that encodes and writes the file.
pub(crate) enum Backend {
    /// FFmpeg's libraries, with the H.264 settings when the codec is H.264 (libx264).
    Libav(Box<LibavEncoder>, Option<H264Settings>),
    /// OpenCV's FFmpeg writer (codec defaults, constant rate, square pixels).
    OpenCv(videoio::VideoWriter),
}

impl Backend {
    /// Opens `codec` for `path`: through FFmpeg's libraries, or else through OpenCV's writer;
    /// `None` when neither accepts it.
    pub(crate) fn open(
        path: &Path,
        codec: Codec,
        size: ImageSize,
        h264: H264Settings,
        timing: &OutputTiming,
    ) -> Option<Backend> {
        match LibavEncoder::create(path, codec, size, h264, timing) {
            Ok(encoder) => {
                let settings = (codec == Codec::H264).then_some(h264);
                match settings {
                    Some(h264) => {
                        tracing::info!(path = %path.display(), "writing H.264 with libx264 ({h264})")
                    }
                    None => {
                        tracing::info!(path = %path.display(), "writing {codec} with FFmpeg's libraries")
                    }
                }
                return Some(Backend::Libav(Box::new(encoder), settings));
            }
            Err(error) => tracing::warn!(
                path = %path.display(), %error,
                "{codec} through FFmpeg's libraries failed; trying OpenCV's writer (codec defaults)"
            ),
        }
        let writer = open_opencv_writer(path, codec, timing.fps, size)?;
        tracing::warn!(
            path = %path.display(), fps = timing.fps,
            "OpenCV's writer keeps no timestamps: frames are written at a constant {} fps and \
             square pixels, so the timing is approximated by the average rate", timing.fps
        );
        Some(Backend::OpenCv(writer))
    }

    /// Encodes one BGR 8-bit frame of the file's size, at `pts` (see
    /// [`crate::VideoWriter::write_timed`]; OpenCV's writer places it one frame after the last).
    pub(crate) fn write(&mut self, frame: &Mat, pts: Option<i64>) -> Result<(), VideoError> {
        match self {
            Backend::Libav(encoder, _) if frame.is_continuous() => encoder.write(frame, pts),
            Backend::Libav(encoder, _) => encoder.write(
                &frame
                    .try_clone()
                    .map_err(VideoError::opencv("copy a frame into one block"))?,
                pts,
            ),
            Backend::OpenCv(writer) => writer
                .write(frame)
                .map_err(VideoError::opencv("encode a frame")),
        }
    }

    /// The H.264 settings libx264 encodes with (`None` for other codecs and OpenCV's writer).
    pub(crate) fn h264_settings(&self) -> Option<H264Settings> {
        match self {
            Backend::Libav(_, settings) => *settings,
            Backend::OpenCv(_) => None,
        }
    }

    /// Flushes the encoder and writes the container index.
    pub(crate) fn finish(&mut self) -> Result<(), VideoError> {
        match self {
            Backend::Libav(encoder, _) => encoder.finish(),
            Backend::OpenCv(writer) => writer
                .release()
                .map_err(VideoError::opencv("finalise the video file")),
        }
    }
}

/// Opens an OpenCV writer with the FFmpeg backend; `None` when the backend refuses the codec.
fn open_opencv_writer(
    path: &Path,
    codec: Codec,
    fps: f64,
    size: ImageSize,
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
