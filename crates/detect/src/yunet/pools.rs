//! Rewrites YuNet's 2x2 stride-2 max pools into operations tract runs several times faster, with
//! the same result bit for bit.
//!
//! tract runs a 2x2 pool through its generic patch loop: about 2 ms for each of the first two of
//! YuNet's four pools at a 544x320 input, a fifth of the whole net. A pool over a pair of rows
//! and a pool over a pair of columns give the same maximum. The row pair is cheap in an NCHW
//! tensor: seen as `[.., h / 2, 2w]`, each new row holds the two rows one after the other, so two
//! contiguous slices and an element-wise max take it. The column pair is then a 1x2 pool, which
//! tract runs fast. The four pools go from about 4.3 to 0.7 ms.

use tract_onnx::prelude::*;
use tract_onnx::tract_core::ops::array::Slice;
use tract_onnx::tract_core::ops::change_axes::AxisOp;
use tract_onnx::tract_core::ops::cnn::{MaxPool, PaddingSpec, PoolSpec};
use tract_onnx::tract_core::ops::math;
use tract_onnx::tract_core::ops::nn::DataFormat;

/// The pools this module rewrites: a 2x2 window moved by 2 in both directions.
const SQUARE_WINDOW: [usize; 2] = [2, 2];
/// The pool left after the rows are paired: one row, two columns, moved by two columns.
const COLUMN_PAIR_WINDOW: [usize; 2] = [1, 2];
/// Axes of an NCHW tensor.
const HEIGHT_AXIS: usize = 2;
const WIDTH_AXIS: usize = 3;
const NCHW_RANK: usize = 4;

/// Replaces every 2x2 stride-2 max pool of `model` over an NCHW input of even, known height and
/// width by row pairs (reshape, two slices, element-wise max) and a 1x2 pool. Returns how many
/// pools were rewritten.
pub fn split_square_pools(model: &mut TypedModel) -> TractResult<usize> {
    let candidates: Vec<(usize, PoolSpec, [usize; NCHW_RANK])> = model
        .nodes()
        .iter()
        .filter_map(|node| {
            let pool = node.op_as::<MaxPool>()?;
            let input = model.outlet_fact(*node.inputs.first()?).ok()?;
            let shape = splittable(pool, input)?;
            Some((node.id, pool.pool_spec.clone(), shape))
        })
        .collect();
    for (node_id, spec, shape) in &candidates {
        split_pool(model, *node_id, spec, *shape)?;
    }
    Ok(candidates.len())
}

/// The input shape `[n, c, h, w]` when `pool` is a 2x2 stride-2 max pool without padding,
/// dilation or index output over an NCHW tensor whose height and width are known and even.
fn splittable(pool: &MaxPool, input: &TypedFact) -> Option<[usize; NCHW_RANK]> {
    let spec = &pool.pool_spec;
    let unpadded = match &spec.padding {
        PaddingSpec::Valid => true,
        PaddingSpec::Explicit(before, after) | PaddingSpec::ExplicitOnnxPool(before, after, _) => {
            before.iter().chain(after).all(|pad| *pad == 0)
        }
        PaddingSpec::SameUpper | PaddingSpec::SameLower => false,
    };
    let undilated = spec
        .dilations
        .as_ref()
        .is_none_or(|dilations| dilations.iter().all(|d| *d == 1));
    let square = spec.kernel_shape.as_slice() == SQUARE_WINDOW
        && spec.strides.as_deref() == Some(&SQUARE_WINDOW[..]);
    if !(pool.with_index_outputs.is_none()
        && spec.data_format == DataFormat::NCHW
        && unpadded
        && undilated
        && square)
    {
        return None;
    }
    let shape: [usize; NCHW_RANK] = input.shape.as_concrete()?.try_into().ok()?;
    let even = |side: usize| side > 0 && side.is_multiple_of(2);
    (even(shape[HEIGHT_AXIS]) && even(shape[WIDTH_AXIS])).then_some(shape)
}

/// Wires the replacement of the pool `node_id` (input `[n, c, h, w]`) and puts it in its place.
fn split_pool(
    model: &mut TypedModel,
    node_id: usize,
    spec: &PoolSpec,
    shape: [usize; NCHW_RANK],
) -> TractResult<()> {
    let node = model.node(node_id);
    let name = node.name.clone();
    let input = node.inputs[0];
    let (height, width) = (shape[HEIGHT_AXIS], shape[WIDTH_AXIS]);

    let mut patch = TypedModelPatch::default();
    let tapped = patch.tap_model(model, input)?;
    let row_pairs = patch.wire_node(
        format!("{name}.row_pairs"),
        AxisOp::Reshape(
            HEIGHT_AXIS,
            tvec![height.to_dim(), width.to_dim()],
            tvec![(height / 2).to_dim(), (2 * width).to_dim()],
        ),
        &[tapped],
    )?[0];
    let upper = patch.wire_node(
        format!("{name}.upper_rows"),
        Slice::new(WIDTH_AXIS, 0, width),
        &[row_pairs],
    )?[0];
    let lower = patch.wire_node(
        format!("{name}.lower_rows"),
        Slice::new(WIDTH_AXIS, width, 2 * width),
        &[row_pairs],
    )?[0];
    let row_max = patch.wire_node(format!("{name}.row_max"), math::max(), &[upper, lower])?[0];
    let column_spec = PoolSpec {
        kernel_shape: COLUMN_PAIR_WINDOW.into_iter().collect(),
        strides: Some(COLUMN_PAIR_WINDOW.into_iter().collect()),
        padding: PaddingSpec::Valid,
        dilations: None,
        ..spec.clone()
    };
    let pooled = patch.wire_node(
        format!("{name}.column_max"),
        MaxPool::new(column_spec, None),
        &[row_max],
    )?[0];
    patch.shunt_outside(model, OutletId::new(node_id, 0), pooled)?;
    patch.apply(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model with one 2x2 stride-2 max pool over a `[1, channels, height, width]` input.
    fn pool_model(channels: usize, height: usize, width: usize) -> TypedModel {
        let mut model = TypedModel::default();
        let input = model
            .add_source("input", f32::fact([1, channels, height, width]))
            .expect("source");
        let spec = PoolSpec {
            data_format: DataFormat::NCHW,
            kernel_shape: tvec![2, 2],
            padding: PaddingSpec::Valid,
            dilations: None,
            strides: Some(tvec![2, 2]),
            input_channels: channels,
            output_channels: channels,
        };
        let output = model
            .wire_node("pool", MaxPool::new(spec, None), &[input])
            .expect("pool")[0];
        model.select_output_outlets(&[output]).expect("output");
        model
    }

    fn run(model: TypedModel, input: &Tensor) -> Tensor {
        let plan = model
            .into_optimized()
            .and_then(|m| m.into_runnable())
            .expect("plan");
        let outputs = plan.run(tvec![input.clone().into()]).expect("run");
        outputs[0].clone().into_tensor()
    }

    #[test]
    fn split_pools_give_the_same_maxima_as_the_square_pool() {
        let (channels, height, width) = (3, 6, 10);
        let values: Vec<f32> = (0..channels * height * width)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) * 0.25)
            .collect();
        let input = tract_ndarray::Array4::from_shape_vec((1, channels, height, width), values)
            .expect("shape")
            .into_tensor();
        let reference = run(pool_model(channels, height, width), &input);
        let mut split = pool_model(channels, height, width);
        assert_eq!(split_square_pools(&mut split).expect("rewrite"), 1);
        assert!(
            split
                .nodes()
                .iter()
                .all(|node| node.op_as::<MaxPool>().is_none_or(|pool| pool
                    .pool_spec
                    .kernel_shape
                    .as_slice()
                    == [1, 2])),
            "only 1x2 pools are left"
        );
        let rewritten = run(split, &input);
        assert_eq!(rewritten.shape(), [1, channels, height / 2, width / 2]);
        assert_eq!(rewritten, reference);
    }

    #[test]
    fn odd_sides_keep_the_square_pool() {
        let mut model = pool_model(2, 5, 8);
        assert_eq!(split_square_pools(&mut model).expect("rewrite"), 0);
    }
}
