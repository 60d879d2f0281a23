//! Video output through FFmpeg's libraries: every codec FFmpeg encodes (libx264 with our preset
//! and quality for H.264), each frame at its own timestamp and with the input's pixel shape.
//! OpenCV 4.6's writer has neither: it writes a constant rate with square pixels and opens
//! libx264 with its defaults.

mod choice;
mod clock;
mod encoder;

pub(crate) use clock::frame_time_base;
pub(crate) use encoder::LibavEncoder;
