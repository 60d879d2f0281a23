//! H.264 output through FFmpeg's libraries: libx264 with a chosen speed preset and quality.

mod encoder;
mod options;
mod settings;

pub(crate) use encoder::H264Encoder;
pub use options::x264_options;
pub use settings::{DEFAULT_CRF, H264Preset, H264Settings, H264Tune, MAX_CRF};
