//! Lowers a [`NetDefinition`] plus its [`WeightStore`] to an ONNX graph with the shared
//! [`ModelBuilder`].
//!
//! Blob shapes are tracked without the batch dimension, which stays symbolic (`N`). Each node is
//! named after its Caffe layer; in-place Caffe layers (`top == bottom`) simply rebind the blob name
//! to the new node's output. Graph outputs are the blobs that no later layer consumes.

use std::collections::BTreeMap;

use super::geometry;
use super::lrn::lrn;
use super::net::{Layer, LayerOp, NetDefinition};
use super::proto::{
    ConvolutionParameter, InnerProductParameter, POOL_AVE, POOL_MAX, PoolingParameter,
    ReluParameter, SoftmaxParameter,
};
use super::tensor::{Tensor, image_shape};
use super::weights::{Blob, WeightStore};
use crate::error::{Context, Result, bail, ensure};
use crate::onnx::{Attribute, Dim, ModelBuilder};

/// ONNX opset of the graphs we write: 13 gives `Softmax` over one axis (as Caffe's) and `Pad` with
/// its pads as an input tensor.
pub const OPSET: i64 = 13;

/// Name of the graph input (the Caffe input blob, usually `data`, is renamed to it).
pub const INPUT_NAME: &str = "input";

/// Caffe's default channel axis for convolution, inner product and softmax.
const CHANNEL_AXIS: i32 = 1;

/// Converts the net into an ONNX model called `graph_name`.
pub fn lower(net: &NetDefinition, weights: &WeightStore, graph_name: &str) -> Result<ModelBuilder> {
    let mut model = ModelBuilder::new(graph_name, OPSET);
    let input = model.input_f32(INPUT_NAME, &Dim::batched(&net.input.shape))?;
    let mut blobs = BTreeMap::new();
    blobs.insert(
        net.input.blob.clone(),
        Tensor {
            value: input,
            shape: net.input.shape.clone(),
        },
    );
    // Blobs produced and not (yet) consumed, in production order: the graph outputs at the end.
    let mut unconsumed: Vec<String> = Vec::new();
    for layer in &net.layers {
        let context = || format!("layer `{}` ({})", layer.name, layer.type_name);
        ensure!(
            layer.bottoms.len() == 1 && layer.tops.len() == 1,
            "{}: has {} bottoms and {} tops; only single-input, single-output layers are supported",
            context(),
            layer.bottoms.len(),
            layer.tops.len()
        );
        let bottom_name = &layer.bottoms[0];
        let bottom = blobs.get(bottom_name).cloned().with_context(|| {
            format!(
                "{}: its bottom `{bottom_name}` is not produced by any earlier layer",
                context()
            )
        })?;
        let top = lower_layer(&mut model, layer, &bottom, weights).with_context(context)?;
        unconsumed.retain(|name| name != bottom_name);
        unconsumed.retain(|name| name != &layer.tops[0]);
        unconsumed.push(layer.tops[0].clone());
        blobs.insert(layer.tops[0].clone(), top);
    }
    for name in &unconsumed {
        let tensor = &blobs[name];
        model.output_f32(&tensor.value, name, &Dim::batched(&tensor.shape))?;
    }
    Ok(model)
}

fn lower_layer(
    model: &mut ModelBuilder,
    layer: &Layer,
    bottom: &Tensor,
    weights: &WeightStore,
) -> Result<Tensor> {
    let blobs = weights.blobs(&layer.name);
    let takes_weights = matches!(layer.op, LayerOp::Convolution(_) | LayerOp::InnerProduct(_));
    ensure!(
        takes_weights || blobs.is_empty(),
        "the model file holds {} blobs for this layer, which takes none",
        blobs.len()
    );
    let blobs = blobs
        .iter()
        .map(Blob::from_proto)
        .collect::<Result<Vec<_>>>()?;
    match &layer.op {
        LayerOp::Convolution(p) => convolution(model, &layer.name, bottom, p, &blobs),
        LayerOp::Relu(p) => relu(model, &layer.name, bottom, p),
        LayerOp::Pooling(p) => pooling(model, &layer.name, bottom, p),
        LayerOp::Lrn(p) => lrn(model, &layer.name, bottom, p),
        LayerOp::InnerProduct(p) => inner_product(model, &layer.name, bottom, p, &blobs),
        LayerOp::Dropout => Ok(bottom.clone()),
        LayerOp::Softmax(p) => softmax(model, &layer.name, bottom, p),
    }
}

/// Checks a learned blob's shape and returns it, or an error naming what was expected.
fn weight<'a>(blobs: &'a [Blob], index: usize, what: &str, expected: &[usize]) -> Result<&'a Blob> {
    let blob = blobs
        .get(index)
        .with_context(|| format!("the model file has no {what} (blob {index}) for this layer; expected shape {expected:?}"))?;
    ensure!(
        blob.has_shape(expected),
        "{what} has shape {:?} in the model file, but the definition needs {expected:?}",
        blob.shape
    );
    Ok(blob)
}

fn check_blob_count(blobs: &[Blob], expected: usize) -> Result<()> {
    ensure!(
        blobs.len() == expected,
        "the model file holds {} blobs for this layer, the definition needs {expected}",
        blobs.len()
    );
    Ok(())
}

fn to_i64(values: &[usize]) -> Vec<i64> {
    values.iter().map(|&v| v as i64).collect()
}

fn convolution(
    model: &mut ModelBuilder,
    name: &str,
    bottom: &Tensor,
    p: &ConvolutionParameter,
    blobs: &[Blob],
) -> Result<Tensor> {
    let [channels, height, width] = image_shape(bottom)?;
    ensure!(
        p.axis.unwrap_or(CHANNEL_AXIS) == CHANNEL_AXIS,
        "convolution axis other than 1 is not supported"
    );
    let window = geometry::convolution_window(p)?;
    let outputs = p.num_output.context("`num_output` is missing")? as usize;
    let group = p.group.unwrap_or(1) as usize;
    ensure!(
        outputs > 0 && group > 0,
        "num_output and group must be positive"
    );
    ensure!(
        channels.is_multiple_of(group) && outputs.is_multiple_of(group),
        "group {group} does not divide the {channels} input channels and {outputs} outputs"
    );
    let bias_term = p.bias_term.unwrap_or(true);
    check_blob_count(blobs, 1 + usize::from(bias_term))?;
    let kernel_shape = [
        outputs,
        channels / group,
        window.height.kernel,
        window.width.kernel,
    ];
    let kernel = weight(blobs, 0, "the kernel", &kernel_shape)?;
    let kernel = model.initializer_f32(&format!("{name}_weight"), &kernel_shape, &kernel.data)?;
    let mut inputs = vec![bottom.value.clone(), kernel];
    if bias_term {
        let bias = weight(blobs, 1, "the bias", &[outputs])?;
        inputs.push(model.initializer_f32(&format!("{name}_bias"), &[outputs], &bias.data)?);
    }
    let out_h = geometry::convolution_output(window.height, height)?;
    let out_w = geometry::convolution_output(window.width, width)?;
    let (h, w) = (window.height, window.width);
    let value = model.node(
        "Conv",
        name,
        &inputs.iter().collect::<Vec<_>>(),
        vec![
            Attribute::ints("kernel_shape", &to_i64(&[h.kernel, w.kernel])),
            Attribute::ints("pads", &to_i64(&[h.pad, w.pad, h.pad, w.pad])),
            Attribute::ints("strides", &to_i64(&[h.stride, w.stride])),
            Attribute::int("group", group as i64),
        ],
    )?;
    Ok(Tensor {
        value,
        shape: vec![outputs, out_h, out_w],
    })
}

fn relu(
    model: &mut ModelBuilder,
    name: &str,
    bottom: &Tensor,
    p: &ReluParameter,
) -> Result<Tensor> {
    let slope = p.negative_slope.unwrap_or(0.0);
    let value = if slope == 0.0 {
        model.plain_node("Relu", name, &[&bottom.value])?
    } else {
        model.node(
            "LeakyRelu",
            name,
            &[&bottom.value],
            vec![Attribute::float("alpha", slope)],
        )?
    };
    Ok(bottom.with_value(value))
}

fn pooling(
    model: &mut ModelBuilder,
    name: &str,
    bottom: &Tensor,
    p: &PoolingParameter,
) -> Result<Tensor> {
    let [channels, height, width] = image_shape(bottom)?;
    let (window, rounding) = geometry::pooling_window(p, [height, width])?;
    let target = [
        geometry::caffe_pooling_output(window.height, height, rounding)?,
        geometry::caffe_pooling_output(window.width, width, rounding)?,
    ];
    let shape = vec![channels, target[0], target[1]];
    let strides = to_i64(&[window.height.stride, window.width.stride]);
    let kernel_shape = to_i64(&[window.height.kernel, window.width.kernel]);
    let (op_type, source, plan, own_attributes) = match p.pool.unwrap_or(POOL_MAX) {
        POOL_MAX => {
            let plan = geometry::onnx_pool_plan(window, [height, width], target)?;
            ("MaxPool", bottom.value.clone(), plan, vec![])
        }
        POOL_AVE => {
            // Caffe divides by the window clipped to the padded input (padding counts, the overhang
            // of the ceil rounding does not). Zero-pad explicitly, then pool without padding and
            // with `count_include_pad = 0`, which gives exactly that divisor.
            let (h, w) = (window.height, window.width);
            let (source, padded_hw) = if h.pad > 0 || w.pad > 0 {
                let pads = model.initializer_i64(
                    &format!("{name}_pads"),
                    &[8],
                    &to_i64(&[0, 0, h.pad, w.pad, 0, 0, h.pad, w.pad]),
                )?;
                let padded =
                    model.plain_node("Pad", &format!("{name}_pad"), &[&bottom.value, &pads])?;
                (padded, [height + 2 * h.pad, width + 2 * w.pad])
            } else {
                (bottom.value.clone(), [height, width])
            };
            let unpadded = geometry::Window2d {
                height: geometry::AxisWindow { pad: 0, ..h },
                width: geometry::AxisWindow { pad: 0, ..w },
            };
            let plan = geometry::onnx_pool_plan(unpadded, padded_hw, target)?;
            let own = vec![Attribute::int("count_include_pad", 0)];
            ("AveragePool", source, plan, own)
        }
        other => bail!("pooling method {other} is not supported (only MAX and AVE)"),
    };
    let mut attributes = vec![
        Attribute::ints("kernel_shape", &kernel_shape),
        Attribute::ints("pads", &plan.pads()),
        Attribute::ints("strides", &strides),
        Attribute::int("ceil_mode", i64::from(plan.ceil_mode)),
    ];
    attributes.extend(own_attributes);
    let value = model.node(op_type, name, &[&source], attributes)?;
    Ok(Tensor { value, shape })
}

fn inner_product(
    model: &mut ModelBuilder,
    name: &str,
    bottom: &Tensor,
    p: &InnerProductParameter,
    blobs: &[Blob],
) -> Result<Tensor> {
    ensure!(
        p.axis.unwrap_or(CHANNEL_AXIS) == CHANNEL_AXIS,
        "inner product axis other than 1 is not supported"
    );
    let outputs = p.num_output.context("`num_output` is missing")? as usize;
    ensure!(outputs > 0, "num_output must be positive");
    let features: usize = bottom.shape.iter().product();
    let bias_term = p.bias_term.unwrap_or(true);
    check_blob_count(blobs, 1 + usize::from(bias_term))?;
    let transpose = p.transpose.unwrap_or(false);
    // Caffe stores [num_output, K], or [K, num_output] with `transpose: true`.
    let weight_shape = if transpose {
        [features, outputs]
    } else {
        [outputs, features]
    };
    let matrix = weight(blobs, 0, "the weight matrix", &weight_shape)?;
    let matrix = model.initializer_f32(&format!("{name}_weight"), &weight_shape, &matrix.data)?;
    let flat = if bottom.shape.len() == 1 {
        bottom.value.clone()
    } else {
        // Caffe flattens C x H x W row-major, as ONNX Flatten does.
        model.node(
            "Flatten",
            &format!("{name}_flatten"),
            &[&bottom.value],
            vec![Attribute::int("axis", 1)],
        )?
    };
    let mut inputs = vec![flat, matrix];
    if bias_term {
        let bias = weight(blobs, 1, "the bias", &[outputs])?;
        inputs.push(model.initializer_f32(&format!("{name}_bias"), &[outputs], &bias.data)?);
    }
    let value = model.node(
        "Gemm",
        name,
        &inputs.iter().collect::<Vec<_>>(),
        vec![Attribute::int("transB", i64::from(!transpose))],
    )?;
    Ok(Tensor {
        value,
        shape: vec![outputs],
    })
}

fn softmax(
    model: &mut ModelBuilder,
    name: &str,
    bottom: &Tensor,
    p: &SoftmaxParameter,
) -> Result<Tensor> {
    let rank = bottom.shape.len() as i64 + 1;
    let axis = i64::from(p.axis.unwrap_or(CHANNEL_AXIS));
    let axis = if axis < 0 { axis + rank } else { axis };
    ensure!(
        (1..rank).contains(&axis),
        "softmax axis {axis} is not a non-batch axis of a rank-{rank} blob"
    );
    let value = model.node(
        "Softmax",
        name,
        &[&bottom.value],
        vec![Attribute::int("axis", axis)],
    )?;
    Ok(bottom.with_value(value))
}
