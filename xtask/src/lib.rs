//! Project tasks behind `cargo xtask`: fetching the model files and sample clips listed in
//! `models/manifest.toml`, and converting the SSR-Net (Keras `.h5`) and Levi-Hassner (Caffe) nets
//! and face-api.js AgeGenderNet (TensorFlow.js) to ONNX with our own pure-Rust converters.

pub mod caffe;
pub mod convert;
pub mod fetch;
pub mod fetch_models;
pub mod fsutil;
pub mod manifest;
pub mod onnx;
pub mod ssrnet;
pub mod tfjs;
