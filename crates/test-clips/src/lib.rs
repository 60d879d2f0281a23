//! Test clips made at test time from the shared clips (`../shared/testdata/videos`), with
//! FFmpeg's libraries (the `ffmpeg` program is not needed): each function writes one kind of
//! input a video reader has to survive.
//!
//! - [`oriented_copy`]: a phone-style display rotation (and flip), stream copied;
//! - [`corrupted_copy`]: a few bytes overwritten in the middle of the media data (aimed at a
//!   packet with [`video_packets`] and [`fraction_at`]);
//! - [`scaled_copy`] and [`joined_transport_stream`]: two MPEG-TS clips of different sizes
//!   joined byte by byte, a stream whose resolution changes;
//! - [`variable_frame_rate_clip`]: synthetic frames at exactly the given times;
//! - [`anamorphic_clip`]: a stream with non-square pixels.
//!
//! ```no_run
//! use test_clips::{Orientation, Rotation, oriented_copy};
//!
//! # fn main() -> Result<(), test_clips::ClipError> {
//! let phone = Orientation { rotation: Rotation::Ccw270, ..Orientation::default() };
//! oriented_copy("input1.mp4".as_ref(), "/tmp/sideways.mp4".as_ref(), phone)?;
//! # Ok(())
//! # }
//! ```

mod corrupt;
mod encode;
mod error;
mod orientation;
mod remux;
mod synthetic;

pub use corrupt::{PacketSpan, corrupted_copy, fraction_at, video_packets};
pub use error::ClipError;
pub use orientation::{Orientation, Rotation};
pub use remux::{joined_transport_stream, oriented_copy};
pub use synthetic::{ClipSize, PixelShape, anamorphic_clip, scaled_copy, variable_frame_rate_clip};
