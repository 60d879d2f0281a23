//! Video input and output for the agender pipeline, through FFmpeg's libraries (OpenCV for
//! cameras and still images).
//!
//! [`VideoReader`] reads frames from any [`Source`] (a video file, a random video of a
//! directory, a camera, an image or a directory of images), always as BGR 8-bit `Mat`s with
//! index and presentation time, video files upright as their display matrix says. [`VideoWriter`] writes the annotated video, H.264 in `.mp4` by default
//! (libx264 through FFmpeg's libraries, with the speed preset and quality of [`H264Settings`]),
//! and finalises the file even when the run stops early.
//!
//! ```no_run
//! use video_io::{Codec, Source, VideoReader, VideoWriter};
//!
//! # fn main() -> Result<(), video_io::VideoError> {
//! let mut reader = VideoReader::open(&Source::parse("videos/"))?;
//! let fps = reader.fps().unwrap_or(25.0);
//! let mut writer = VideoWriter::create("out.mp4", Codec::default(), fps, reader.frame_size())?;
//! while let Some(frame) = reader.next_frame()? {
//!     writer.write(&frame.image)?;
//! }
//! writer.finish()?;
//! # Ok(())
//! # }
//! ```

mod codec;
mod convert;
mod directory;
mod error;
mod frame;
mod h264;
mod libav_reader;
mod libav_writer;
mod reader;
mod source;
mod timing;
mod writer;
mod writer_backend;

pub use codec::Codec;
pub use convert::to_bgr8;
pub use directory::{
    IMAGE_EXTENSIONS, PickedVideo, VIDEO_EXTENSIONS, pick_video, video_candidates,
};
pub use error::VideoError;
pub use frame::{Frame, mat_size};
pub use h264::{DEFAULT_CRF, H264Preset, H264Settings, H264Tune, MAX_CRF, x264_options};
pub use reader::VideoReader;
pub use source::Source;
pub use timing::{OutputTiming, SampleAspectRatio, StreamTiming, TimeBase};
pub use writer::{VideoWriter, WriteSummary};
