//! Loading YuNet with tract once, and building an optimised plan per network input size.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tract_onnx::prelude::*;

use super::decode::{BOX_VALUES, LANDMARK_VALUES};
use super::input_size::{InputSize, STRIDES};
use super::pools::split_square_pools;
use crate::error::DetectError;
use crate::models::require_file;

/// What the model file is, in error messages.
pub const MODEL_WHAT: &str = "YuNet model";

/// The twelve outputs, selected by name so their order never depends on the file:
/// class, objectness, box and landmark heads, each at strides 8, 16 and 32 (the order OpenCV's
/// `FaceDetectorYN` asks for them).
pub const OUTPUT_NAMES: [&str; 12] = [
    "cls_8", "cls_16", "cls_32", "obj_8", "obj_16", "obj_32", "bbox_8", "bbox_16", "bbox_32",
    "kps_8", "kps_16", "kps_32",
];

/// Values per grid cell of each output group: cls, obj, bbox, kps.
const VALUES_PER_CELL: [usize; 4] = [1, 1, BOX_VALUES, LANDMARK_VALUES];

/// The parsed ONNX graph, before any input size is fixed. Parsing happens once; each input size
/// gets its own optimised plan from [`YunetModel::plan`].
#[derive(Debug)]
pub struct YunetModel {
    graph: InferenceModel,
    path: PathBuf,
}

impl YunetModel {
    /// Parses the ONNX file. The shapes the file declares for intermediate values and outputs
    /// (all derived from its fixed 640x640 input) are ignored, so that any input size that is a
    /// multiple of 32 can be analysed.
    pub fn load(path: &Path) -> Result<Self, DetectError> {
        require_file(MODEL_WHAT, path)?;
        let graph = tract_onnx::onnx()
            .with_ignore_output_shapes(true)
            .with_ignore_value_info(true)
            .model_for_path(path)
            .map_err(|error| load_error(path, &error))?;
        let inputs = graph
            .input_outlets()
            .map_err(|error| load_error(path, &error))?
            .len();
        if inputs != 1 {
            return Err(DetectError::ModelLoad {
                what: MODEL_WHAT,
                path: path.to_path_buf(),
                reason: format!("expected one input (the image), found {inputs}"),
            });
        }
        Ok(Self {
            graph,
            path: path.to_path_buf(),
        })
    }

    /// The file the model was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Fixes the input to `[1, 3, height, width]`, optimises the graph for that shape and checks
    /// that every output has one row per grid cell of its stride.
    pub fn plan(&self, size: InputSize) -> Result<Arc<TypedRunnableModel>, DetectError> {
        let plan = self
            .optimise_for(size)
            .map_err(|error| self.plan_error(size, &format!("{error:#}")))?;
        for (index, name) in OUTPUT_NAMES.iter().enumerate() {
            let stride = STRIDES[index % STRIDES.len()];
            let expected = [
                1,
                size.cells(stride),
                VALUES_PER_CELL[index / STRIDES.len()],
            ];
            let fact = plan
                .model()
                .output_fact(index)
                .map_err(|error| self.plan_error(size, &format!("{error:#}")))?;
            let actual = fact.shape.as_concrete().map(<[usize]>::to_vec);
            if actual.as_deref() != Some(&expected[..]) {
                return Err(self.plan_error(
                    size,
                    &format!(
                        "output {name} has shape {:?}, expected {expected:?}",
                        fact.shape
                    ),
                ));
            }
        }
        Ok(plan)
    }

    fn optimise_for(&self, size: InputSize) -> TractResult<Arc<TypedRunnableModel>> {
        self.typed_for(size)?.into_optimized()?.into_runnable()
    }

    /// The graph with its input fixed to `size`, its outputs selected and its square max pools
    /// split (see [`split_square_pools`]), before tract's optimisation.
    fn typed_for(&self, size: InputSize) -> TractResult<TypedModel> {
        let mut graph = self
            .graph
            .clone()
            .with_input_fact(0, f32::fact(size.tensor_shape()).into())?;
        graph.select_outputs_by_name(OUTPUT_NAMES)?;
        let mut typed = graph.into_typed()?;
        split_square_pools(&mut typed)?;
        Ok(typed)
    }

    fn plan_error(&self, size: InputSize, reason: &str) -> DetectError {
        DetectError::ModelLoad {
            what: MODEL_WHAT,
            path: self.path.clone(),
            reason: format!(
                "cannot prepare it for a {}x{} input: {reason}",
                size.width, size.height
            ),
        }
    }
}

fn load_error(path: &Path, error: &TractError) -> DetectError {
    DetectError::ModelLoad {
        what: MODEL_WHAT,
        path: path.to_path_buf(),
        reason: format!("{error:#}"),
    }
}

#[cfg(test)]
mod tests {
    use tract_onnx::tract_core::ops::cnn::MaxPool;

    use super::*;
    use crate::yunet::config::DEFAULT_YUNET_MODEL;

    /// YuNet's four max pools, at the processing size of the sample clips.
    const YUNET_POOLS: usize = 4;

    #[test]
    fn every_max_pool_of_yunet_is_split_into_row_and_column_pairs() {
        let path = test_data::model(DEFAULT_YUNET_MODEL);
        let model = YunetModel::load(&path).expect("the YuNet model");
        let typed = model
            .typed_for(InputSize::padded_for(539, 302))
            .expect("typed graph");
        let windows: Vec<Vec<usize>> = typed
            .nodes()
            .iter()
            .filter_map(|node| node.op_as::<MaxPool>())
            .map(|pool| pool.pool_spec.kernel_shape.to_vec())
            .collect();
        assert_eq!(windows, vec![vec![1, 2]; YUNET_POOLS]);
    }
}
