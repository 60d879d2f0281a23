//! [`OnnxNet`]: one ONNX file loaded into tract once, with a batch input of fixed per-item
//! shape, optimised and turned into a runnable plan that every call reuses.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tract_onnx::prelude::*;

use crate::error::EstimateError;

/// Name of the symbolic batch dimension of every net's input.
const BATCH_SYMBOL: &str = "N";

/// A loaded, optimised net taking `f32 [N, item_shape...]` and returning one output tensor.
#[derive(Debug)]
pub(crate) struct OnnxNet {
    path: PathBuf,
    item_shape: Vec<usize>,
    plan: Arc<TypedRunnableModel>,
}

impl OnnxNet {
    /// Loads `path`, fixes its first input to `f32 [N, item_shape...]` with a symbolic `N`,
    /// optimises it and builds the runnable plan.
    pub(crate) fn load(path: &Path, item_shape: &[usize]) -> Result<Self, EstimateError> {
        if !path.is_file() {
            return Err(EstimateError::ModelMissing {
                path: path.to_path_buf(),
            });
        }
        let started = Instant::now();
        let plan = build_plan(path, item_shape).map_err(|source| EstimateError::ModelLoad {
            path: path.to_path_buf(),
            expected_input: input_description(item_shape),
            source: source.into(),
        })?;
        tracing::debug!(
            path = %path.display(),
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "loaded and optimised model"
        );
        Ok(Self {
            path: path.to_path_buf(),
            item_shape: item_shape.to_vec(),
            plan,
        })
    }

    /// Number of `f32` values one batch item occupies in the input.
    pub(crate) fn item_len(&self) -> usize {
        self.item_shape.iter().product()
    }

    /// Wraps `values` (`batch` items, row-major) as this net's input tensor without copying.
    pub(crate) fn input(&self, values: Vec<f32>, batch: usize) -> Result<TValue, EstimateError> {
        let expected = batch * self.item_len();
        let blob_size_error = |len| EstimateError::BlobSize {
            len,
            batch,
            expected,
        };
        if values.len() != expected {
            return Err(blob_size_error(values.len()));
        }
        let mut shape = vec![batch];
        shape.extend_from_slice(&self.item_shape);
        let len = values.len();
        tract_ndarray::ArrayD::from_shape_vec(shape, values)
            .map(|array| array.into_tensor().into_tvalue())
            .map_err(|_| blob_size_error(len))
    }

    /// Runs the net on `input` (`batch` items) and returns its first output, checked to be
    /// `[batch, outputs_per_item]`, as a flat row-major vector.
    pub(crate) fn run(
        &self,
        input: TValue,
        batch: usize,
        outputs_per_item: usize,
    ) -> Result<Vec<f32>, EstimateError> {
        let inference_error = |source: TractError| EstimateError::Inference {
            path: self.path.clone(),
            batch,
            source: source.into(),
        };
        let outputs = self.plan.run(tvec![input]).map_err(inference_error)?;
        let expected = vec![batch, outputs_per_item];
        let Some(output) = outputs.first() else {
            return Err(EstimateError::UnexpectedOutput {
                path: self.path.clone(),
                actual: Vec::new(),
                expected,
            });
        };
        if output.shape() != expected.as_slice() {
            return Err(EstimateError::UnexpectedOutput {
                path: self.path.clone(),
                actual: output.shape().to_vec(),
                expected,
            });
        }
        let values = output
            .to_plain_array_view::<f32>()
            .map_err(inference_error)?;
        Ok(values.iter().copied().collect())
    }
}

fn input_description(item_shape: &[usize]) -> String {
    let dims: Vec<String> = item_shape.iter().map(ToString::to_string).collect();
    format!("f32 [{BATCH_SYMBOL},{}]", dims.join(","))
}

fn build_plan(path: &Path, item_shape: &[usize]) -> TractResult<Arc<TypedRunnableModel>> {
    let model = tract_onnx::onnx().model_for_path(path)?;
    let batch = model.sym(BATCH_SYMBOL);
    let mut shape: TVec<TDim> = tvec![batch.into()];
    shape.extend(item_shape.iter().map(|&d| TDim::from(d)));
    model
        .with_input_fact(0, f32::fact(shape).into())?
        .into_optimized()?
        .into_runnable()
}
