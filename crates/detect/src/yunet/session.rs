//! A ready-to-run YuNet plan for one input size, with its reusable input tensor.

use std::sync::Arc;

use tract_onnx::prelude::*;

use super::input_size::InputSize;
use crate::error::DetectError;

/// One input size's optimised plan, its execution state and its input tensor, all kept across
/// frames: the 2 MB input tensor is written in place every frame, and its zero padding is
/// written once, when it is created.
#[derive(Debug)]
pub struct Session {
    size: InputSize,
    state: TypedSimpleState,
    /// `None` only while a run owns the tensor.
    input: Option<Tensor>,
}

impl Session {
    /// A session for `plan`, which must take a `[1, 3, size.height, size.width]` f32 input.
    pub fn new(size: InputSize, plan: &Arc<TypedRunnableModel>) -> TractResult<Self> {
        Ok(Self {
            size,
            state: plan.spawn()?,
            input: Some(Tensor::zero::<f32>(&size.tensor_shape())?),
        })
    }

    /// The network input size this session runs at.
    pub fn size(&self) -> InputSize {
        self.size
    }

    /// Lets `fill` write the frame into the planar input data, runs the network and returns its
    /// outputs in the order of [`super::model::OUTPUT_NAMES`].
    pub fn run(
        &mut self,
        fill: impl FnOnce(&mut [f32]) -> Result<(), DetectError>,
    ) -> Result<TVec<TValue>, DetectError> {
        let mut tensor = match self.input.take() {
            Some(tensor) => tensor,
            // Only reachable if a previous run panicked inside tract: start from zeros again.
            None => Tensor::zero::<f32>(&self.size.tensor_shape())
                .map_err(|error| inference_error(self.size, &error))?,
        };
        if let Err(error) = Self::fill_tensor(&mut tensor, self.size, fill) {
            self.input = Some(tensor);
            return Err(error);
        }
        let value = TValue::from(tensor);
        let kept = value.clone();
        let outputs = self.state.run(tvec![value]);
        // tract has dropped its reference by now, so this takes the tensor back without a copy.
        self.input = Some(
            Arc::try_unwrap(kept.into_arc_tensor()).unwrap_or_else(|shared| (*shared).clone()),
        );
        outputs.map_err(|error| inference_error(self.size, &error))
    }

    fn fill_tensor(
        tensor: &mut Tensor,
        size: InputSize,
        fill: impl FnOnce(&mut [f32]) -> Result<(), DetectError>,
    ) -> Result<(), DetectError> {
        let mut view = tensor
            .try_as_plain_ram_mut()
            .map_err(|error| inference_error(size, &error))?;
        let data = view
            .as_slice_mut::<f32>()
            .map_err(|error| inference_error(size, &error))?;
        fill(data)
    }
}

fn inference_error(size: InputSize, error: &TractError) -> DetectError {
    DetectError::Inference {
        detector: "yunet",
        reason: format!("{}x{} input: {error:#}", size.width, size.height),
    }
}
