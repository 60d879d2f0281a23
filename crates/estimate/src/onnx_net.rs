//! [`OnnxNet`]: one ONNX file loaded into tract once, with a batch input of fixed per-item
//! shape, and one optimised plan per batch size up to [`BATCH_CHUNK`], all built at load time.
//!
//! Why: with one plan for a symbolic batch `N`, the cost per face grew with the batch (SSR-Net
//! pair: 5.2 ms per face at batch 1, 12.3 ms at batch 16). Optimising for a concrete `N` helps
//! (criterion, loaded 2-core machine: 8.7 ms per face at batch 4, 9.5 at batch 16) but batch 1
//! stays the cheapest per face (4.9 ms): the activations of a whole batch (16 x 64 x 64 x 32
//! floats = 8 MB for one SSR-Net layer) no longer fit the cache, and onnxruntime shows the same
//! growth on these files. So batches run in chunks of [`BATCH_CHUNK`] items through a plan
//! optimised for exactly that many.
//!
//! Memory: only the optimised plans are kept; the decluttered model they are built from is
//! dropped after loading (for the Levi-Hassner nets it holds another copy of 45 MB of weights per
//! net).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use tract_onnx::prelude::*;

use crate::denormals::FlushDenormals;
use crate::error::EstimateError;

/// Name of the symbolic batch dimension of every net's input.
const BATCH_SYMBOL: &str = "N";

/// Items per net call: larger batches are split into chunks of this size, each run through a plan
/// optimised for it. 1 is the fastest per face for SSR-Net and the Caffe nets on this machine
/// (see the module doc and docs/BENCHMARKS.md); raise it if a net gains from batching.
pub(crate) const BATCH_CHUNK: usize = 1;

/// A change made to a net's decluttered model at load time, before it is optimised.
pub(crate) type ModelRewrite = fn(&mut TypedModel) -> TractResult<()>;

/// A loaded net taking `f32 [N, item_shape...]` and returning one output tensor, with an
/// optimised plan per concrete batch size.
#[derive(Debug)]
pub(crate) struct OnnxNet {
    path: PathBuf,
    item_shape: Vec<usize>,
    /// Optimised plans; `plans[b - 1]` runs exactly `b` items (`1..=BATCH_CHUNK`).
    plans: Vec<Arc<TypedRunnableModel>>,
}

impl OnnxNet {
    /// Loads `path`, fixes its first input to `f32 [N, item_shape...]` with a symbolic `N`, and
    /// builds an optimised runnable plan for every batch size up to [`BATCH_CHUNK`].
    pub(crate) fn load(path: &Path, item_shape: &[usize]) -> Result<Self, EstimateError> {
        Self::load_with(path, item_shape, |_| Ok(()))
    }

    /// [`OnnxNet::load`] with `rewrite` applied to the decluttered model before the plans are
    /// optimised (e.g. [`crate::dlib::flush_negligible_weights`]).
    pub(crate) fn load_with(
        path: &Path,
        item_shape: &[usize],
        rewrite: ModelRewrite,
    ) -> Result<Self, EstimateError> {
        if !path.is_file() {
            return Err(EstimateError::ModelMissing {
                path: path.to_path_buf(),
            });
        }
        let load_error = |source: TractError| EstimateError::ModelLoad {
            path: path.to_path_buf(),
            expected_input: input_description(item_shape),
            source: source.into(),
        };
        let started = Instant::now();
        let (mut template, batch_symbol) = build_template(path, item_shape).map_err(load_error)?;
        rewrite(&mut template).map_err(load_error)?;
        tracing::debug!(
            path = %path.display(),
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "loaded and decluttered model"
        );
        let plans = (1..=BATCH_CHUNK)
            .map(|batch| plan_for_batch(path, &template, &batch_symbol, batch))
            .collect::<TractResult<Vec<_>>>()
            .map_err(load_error)?;
        Ok(Self {
            path: path.to_path_buf(),
            item_shape: item_shape.to_vec(),
            plans,
        })
    }

    /// The file the net was loaded from.
    pub(crate) fn path(&self) -> &Path {
        &self.path
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
    /// `[batch, outputs_per_item]`, as a flat row-major vector. Denormal floats are flushed to
    /// zero on the calling thread during the run and its previous float mode restored after.
    pub(crate) fn run(
        &self,
        input: TValue,
        batch: usize,
        outputs_per_item: usize,
    ) -> Result<Vec<f32>, EstimateError> {
        // On whatever thread runs the net, and only while it runs (see `denormals`).
        let _flush = FlushDenormals::new();
        self.run_in_current_float_mode(input, batch, outputs_per_item)
    }

    /// [`OnnxNet::run`] without touching the thread's float mode: the tests compare the two.
    pub(crate) fn run_in_current_float_mode(
        &self,
        input: TValue,
        batch: usize,
        outputs_per_item: usize,
    ) -> Result<Vec<f32>, EstimateError> {
        if batch <= BATCH_CHUNK {
            return self.run_planned(input, batch, outputs_per_item);
        }
        let mut values = Vec::with_capacity(batch * outputs_per_item);
        for start in (0..batch).step_by(BATCH_CHUNK) {
            let end = (start + BATCH_CHUNK).min(batch);
            let chunk = input
                .slice(0, start, end)
                .map_err(self.inference_error(batch))?;
            values.extend(self.run_planned(chunk.into_tvalue(), end - start, outputs_per_item)?);
        }
        Ok(values)
    }

    /// Wraps a tract failure while running `batch` items as this net's inference error.
    fn inference_error(&self, batch: usize) -> impl Fn(TractError) -> EstimateError + '_ {
        move |source| EstimateError::Inference {
            path: self.path.clone(),
            batch,
            source: source.into(),
        }
    }

    /// Runs one batch of at most [`BATCH_CHUNK`] items through its plan.
    fn run_planned(
        &self,
        input: TValue,
        batch: usize,
        outputs_per_item: usize,
    ) -> Result<Vec<f32>, EstimateError> {
        let inference_error = self.inference_error(batch);
        let plan = batch
            .checked_sub(1)
            .and_then(|index| self.plans.get(index))
            .ok_or_else(|| {
                inference_error(TractError::msg(format!(
                    "no plan for a batch of {batch} (1 to {BATCH_CHUNK})"
                )))
            })?;
        let outputs = plan.run(tvec![input]).map_err(&inference_error)?;
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
            .map_err(&inference_error)?;
        Ok(values.iter().copied().collect())
    }
}

fn input_description(item_shape: &[usize]) -> String {
    let dims: Vec<String> = item_shape.iter().map(ToString::to_string).collect();
    format!("f32 [{BATCH_SYMBOL},{}]", dims.join(","))
}

/// The optimised plan for exactly `batch` items, from the template with a symbolic batch.
fn plan_for_batch(
    path: &Path,
    template: &TypedModel,
    batch_symbol: &Symbol,
    batch: usize,
) -> TractResult<Arc<TypedRunnableModel>> {
    let started = Instant::now();
    let batch_dim = i64::try_from(batch).map_err(|_| {
        TractError::msg(format!("batch size {batch} does not fit a tract dimension"))
    })?;
    let substitutions = HashMap::from([(batch_symbol.clone(), TDim::Val(batch_dim))]);
    let plan = template
        .set_symbols(&substitutions)?
        .into_optimized()?
        .into_runnable()?;
    tracing::debug!(
        path = %path.display(),
        batch,
        elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
        "optimised plan for a batch size"
    );
    Ok(plan)
}

fn build_template(path: &Path, item_shape: &[usize]) -> TractResult<(TypedModel, Symbol)> {
    let model = tract_onnx::onnx().model_for_path(path)?;
    let batch = model.sym(BATCH_SYMBOL);
    let mut shape: TVec<TDim> = tvec![batch.clone().into()];
    shape.extend(item_shape.iter().map(|&d| TDim::from(d)));
    let template = model
        .with_input_fact(0, f32::fact(shape).into())?
        .into_typed()?
        .into_decluttered()?;
    Ok((template, batch))
}
