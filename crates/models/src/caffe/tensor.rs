//! A Caffe blob while the net is lowered to ONNX: the value holding it and its shape, shared by
//! the lowering of every layer kind.

use crate::error::{Result, bail};
use crate::onnx::Value;

/// A Caffe blob during lowering: the ONNX value holding it and its shape without the batch.
#[derive(Debug, Clone)]
pub(super) struct Tensor {
    /// The ONNX value.
    pub(super) value: Value,
    /// Shape without the batch dimension.
    pub(super) shape: Vec<usize>,
}

impl Tensor {
    /// The blob `value` holds when it has this blob's shape (element-wise layers).
    pub(super) fn with_value(&self, value: Value) -> Tensor {
        Tensor {
            value,
            shape: self.shape.clone(),
        }
    }
}

/// The `[C, H, W]` of an image blob.
pub(super) fn image_shape(bottom: &Tensor) -> Result<[usize; 3]> {
    match bottom.shape.as_slice() {
        &[c, h, w] => Ok([c, h, w]),
        other => bail!("expects an N x C x H x W input, got N x {other:?}"),
    }
}
