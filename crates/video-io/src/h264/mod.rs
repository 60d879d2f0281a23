//! H.264 output settings: libx264's speed preset and quality, and reading them back from a file.

mod options;
mod settings;

pub use options::x264_options;
pub use settings::{DEFAULT_CRF, H264Preset, H264Settings, H264Tune, MAX_CRF};
