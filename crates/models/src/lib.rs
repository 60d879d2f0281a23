//! The model files of agender: `models/manifest.toml` (what to fetch, with sha256, size and
//! licence), the verified fetch of those files over HTTPS or from a local mirror, and our
//! pure-Rust converters to ONNX: SSR-Net (Keras `.h5`), the Levi & Hassner nets (Caffe) and
//! face-api.js's AgeGenderNet (TensorFlow.js). [`fetch_models`] does both steps as
//! `cargo xtask fetch-models` runs them; a converted model is skipped while its stamp shows it up
//! to date.
//!
//! The converters write through [`onnx::ModelBuilder`], a small deterministic ONNX graph builder:
//!
//! ```
//! use models::onnx::{Dim, ModelBuilder};
//!
//! let mut model = ModelBuilder::new("double", 13);
//! let input = model.input_f32("x", &[Dim::batch(), Dim::Fixed(2)])?;
//! let two = model.initializer_f32("two", &[1], &[2.0])?;
//! let doubled = model.node("Mul", "double", &[&input, &two], vec![])?;
//! model.output_f32(&doubled, "y", &[Dim::batch(), Dim::Fixed(2)])?;
//! let bytes = model.encode()?;
//! // The same calls always give the same bytes.
//! assert_eq!(bytes, model.encode()?);
//! # Ok::<(), models::ModelsError>(())
//! ```
//!
//! and a manifest is checked as it is read:
//!
//! ```
//! let manifest = models::manifest::Manifest::parse(
//!     r#"
//!     [[file]]
//!     name = "clip"
//!     url = "http://example.invalid/clip.gif"
//!     sha256 = "0000000000000000000000000000000000000000000000000000000000000000"
//!     size = 1
//!     license = "CC0"
//!     destination = "videos/clip.gif"
//!     description = "a sample clip"
//!     "#,
//! );
//! let error = manifest.unwrap_err().to_string();
//! assert!(error.contains("is not HTTPS"), "{error}");
//! ```

#![warn(missing_docs)]

pub mod caffe;
pub mod convert;
mod error;
pub mod fetch;
mod fetch_models;
mod fsutil;
pub mod manifest;
pub mod onnx;
pub mod ssrnet;
pub mod tfjs;

pub use error::{ModelsError, Result};
pub use fetch_models::{FetchModelsOptions, FetchModelsReport, fetch_models};
