//! Tensor dimensions for graph inputs and outputs: fixed sizes or symbolic names.

use tract_onnx::pb::tensor_shape_proto::{Dimension, dimension};

use crate::error::invalid;

/// Name of the symbolic batch dimension in every graph we write (the estimator batches faces).
pub const BATCH_DIM_NAME: &str = "N";

/// One dimension of a graph input or output shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dim {
    /// A size known when the model is written.
    Fixed(usize),
    /// A size chosen at run time, identified by name (same name = same size).
    Symbolic(String),
}

impl Dim {
    /// The symbolic batch dimension [`BATCH_DIM_NAME`].
    pub fn batch() -> Self {
        Dim::Symbolic(BATCH_DIM_NAME.to_owned())
    }

    /// A shape of the batch dimension followed by fixed sizes (`N x C x H x W` from `[C, H, W]`).
    pub fn batched(sizes: &[usize]) -> Vec<Self> {
        std::iter::once(Dim::batch())
            .chain(sizes.iter().map(|&size| Dim::Fixed(size)))
            .collect()
    }

    /// The protobuf form of this dimension.
    pub(crate) fn to_proto(&self) -> crate::error::Result<Dimension> {
        let value = match self {
            Dim::Fixed(size) => dimension::Value::DimValue(
                i64::try_from(*size)
                    .map_err(|_| invalid(format!("dimension {size} does not fit in i64")))?,
            ),
            Dim::Symbolic(name) => dimension::Value::DimParam(name.clone()),
        };
        Ok(Dimension {
            denotation: String::new(),
            value: Some(value),
        })
    }
}
