//! A small, deterministic ONNX graph builder shared by our converters (SSR-Net, Caffe).
//!
//! Build a model in four steps:
//!
//! ```no_run
//! use models::onnx::{Attribute, Dim, ModelBuilder};
//! # fn main() -> models::Result<()> {
//! let mut model = ModelBuilder::new("tiny", 13);
//! // 1. the graph input, with a symbolic batch dimension `N`
//! let input = model.input_f32("input", &[Dim::batch(), Dim::Fixed(4)])?;
//! // 2. weights as initializers (row-major data, checked against the shape)
//! let weight = model.initializer_f32("fc_weight", &[4, 2], &[0.5; 8])?;
//! let bias = model.initializer_f32("fc_bias", &[2], &[0.0, 1.0])?;
//! // 3. nodes: each returns the tensor it produces, named after the node
//! let fc = model.node("Gemm", "fc", &[&input, &weight, &bias], vec![Attribute::int("transB", 0)])?;
//! let relu = model.node("Relu", "relu", &[&fc], vec![])?;
//! // 4. graph outputs (renamed through an Identity node when the name differs)
//! model.output_f32(&relu, "output", &[Dim::batch(), Dim::Fixed(2)])?;
//! model.metadata("source", "example");
//! model.write(std::path::Path::new("tiny.onnx"))?; // atomic: temp file + rename
//! # Ok(()) }
//! ```
//!
//! The encoding is deterministic: [`ModelBuilder::encode`] gives the same bytes for the same calls
//! (nodes, initializers and metadata keep insertion order; no timestamps, no hash maps). The
//! protobuf types are tract-onnx's own (`tract_onnx::pb`), encoded with the same `prost` version,
//! so whatever we write is exactly what tract parses.

mod attribute;
mod builder;
mod dim;

pub use attribute::Attribute;
pub use builder::{IR_VERSION, ModelBuilder, PRODUCER_NAME, Value};
pub use dim::{BATCH_DIM_NAME, Dim};
