//! TensorFlow.js layers as ONNX nodes, on NCHW feature maps: `conv2d` and `separableConv2d`
//! with TF's `'same'` padding, `maxPool`, ReLU and element-wise addition. TF.js filters are
//! `[h, w, in, out]` (depthwise: `[h, w, in, multiplier]`); ONNX wants `[out, in, h, w]`.

use super::store::WeightStore;
use crate::error::{Result, ensure};
use crate::onnx::{Attribute, ModelBuilder, Value};

/// A square NCHW feature map in the graph.
#[derive(Debug, Clone)]
pub struct Feature {
    /// The tensor.
    pub value: Value,
    /// Channels (C).
    pub channels: usize,
    /// Height = width.
    pub size: usize,
}

/// TensorFlow's `'same'` padding along one axis: output `ceil(size / stride)`, the padding split
/// with the odd pixel after (`(before, after, output size)`).
pub fn same_padding(size: usize, kernel: usize, stride: usize) -> (usize, usize, usize) {
    let out = size.div_ceil(stride);
    let total = ((out.saturating_sub(1)) * stride + kernel).saturating_sub(size);
    (total / 2, total - total / 2, out)
}

/// ONNX `pads` for the same padding on both spatial axes: `[top, left, bottom, right]`.
fn pads_attribute(before: usize, after: usize) -> Result<Attribute> {
    let (b, a) = (i64::try_from(before)?, i64::try_from(after)?);
    Ok(Attribute::ints("pads", &[b, b, a, a]))
}

/// `[h, w, in, out]` (TF) -> `[out, in, h, w]` (ONNX).
fn hwio_to_oihw(data: &[f32], shape: [usize; 4]) -> Vec<f32> {
    let [h, w, i, o] = shape;
    let mut out = vec![0f32; data.len()];
    for y in 0..h {
        for x in 0..w {
            for c in 0..i {
                for k in 0..o {
                    out[((k * i + c) * h + y) * w + x] = data[((y * w + x) * i + c) * o + k];
                }
            }
        }
    }
    out
}

/// The convolution node shared by the plain, depthwise and pointwise convolutions.
struct ConvSpec<'a> {
    name: &'a str,
    weight: Value,
    bias: Option<Value>,
    kernel: usize,
    stride: usize,
    group: usize,
    out_channels: usize,
}

fn conv_node(model: &mut ModelBuilder, x: &Feature, spec: ConvSpec<'_>) -> Result<Feature> {
    let (before, after, size) = same_padding(x.size, spec.kernel, spec.stride);
    let kernel = i64::try_from(spec.kernel)?;
    let stride = i64::try_from(spec.stride)?;
    let mut inputs = vec![&x.value, &spec.weight];
    if let Some(bias) = &spec.bias {
        inputs.push(bias);
    }
    let value = model.node(
        "Conv",
        spec.name,
        &inputs,
        vec![
            Attribute::ints("kernel_shape", &[kernel, kernel]),
            Attribute::ints("strides", &[stride, stride]),
            pads_attribute(before, after)?,
            Attribute::int("group", i64::try_from(spec.group)?),
        ],
    )?;
    Ok(Feature {
        value,
        channels: spec.out_channels,
        size,
    })
}

/// `tf.add(tf.conv2d(x, filters, stride, 'same'), bias)` with `{prefix}/filters`
/// `[k, k, in, out]` and `{prefix}/bias` `[out]`.
pub fn conv2d(
    model: &mut ModelBuilder,
    store: &mut WeightStore,
    prefix: &str,
    x: &Feature,
    kernel: usize,
    stride: usize,
    out_channels: usize,
) -> Result<Feature> {
    let shape = [kernel, kernel, x.channels, out_channels];
    let filters = hwio_to_oihw(
        &store.take(&format!("{prefix}/filters"), &shape)?.data,
        shape,
    );
    let weight = model.initializer_f32(
        &format!("{prefix}/filters"),
        &[out_channels, x.channels, kernel, kernel],
        &filters,
    )?;
    let bias = bias(model, store, prefix, out_channels)?;
    conv_node(
        model,
        x,
        ConvSpec {
            name: prefix,
            weight,
            bias: Some(bias),
            kernel,
            stride,
            group: 1,
            out_channels,
        },
    )
}

/// `tf.add(tf.separableConv2d(x, depthwise, pointwise, [1, 1], 'same'), bias)` with
/// `{prefix}/depthwise_filter` `[3, 3, in, 1]`, `{prefix}/pointwise_filter` `[1, 1, in, out]`
/// and `{prefix}/bias` `[out]`: a grouped 3x3 convolution, then a 1x1 convolution with the bias.
pub fn separable_conv(
    model: &mut ModelBuilder,
    store: &mut WeightStore,
    prefix: &str,
    x: &Feature,
    out_channels: usize,
) -> Result<Feature> {
    // face-api's depthwiseSeparableConv: 3x3 depthwise filters, channel multiplier 1, stride 1.
    const KERNEL: usize = 3;
    let c = x.channels;
    let depth_shape = [KERNEL, KERNEL, c, 1];
    // [h, w, c, 1] -> [c, 1, h, w]: the same transpose with "in" = c, "out" = 1, then swapped.
    let depthwise = hwio_to_oihw(
        &store
            .take(&format!("{prefix}/depthwise_filter"), &depth_shape)?
            .data,
        [KERNEL, KERNEL, 1, c],
    );
    let point_shape = [1, 1, c, out_channels];
    let pointwise = hwio_to_oihw(
        &store
            .take(&format!("{prefix}/pointwise_filter"), &point_shape)?
            .data,
        point_shape,
    );
    let depth_weight = model.initializer_f32(
        &format!("{prefix}/depthwise_filter"),
        &[c, 1, KERNEL, KERNEL],
        &depthwise,
    )?;
    let point_weight = model.initializer_f32(
        &format!("{prefix}/pointwise_filter"),
        &[out_channels, c, 1, 1],
        &pointwise,
    )?;
    let bias = bias(model, store, prefix, out_channels)?;
    let depth = conv_node(
        model,
        x,
        ConvSpec {
            name: &format!("{prefix}/depthwise"),
            weight: depth_weight,
            bias: None,
            kernel: KERNEL,
            stride: 1,
            group: c,
            out_channels: c,
        },
    )?;
    conv_node(
        model,
        &depth,
        ConvSpec {
            name: prefix,
            weight: point_weight,
            bias: Some(bias),
            kernel: 1,
            stride: 1,
            group: 1,
            out_channels,
        },
    )
}

fn bias(
    model: &mut ModelBuilder,
    store: &mut WeightStore,
    prefix: &str,
    channels: usize,
) -> Result<Value> {
    let name = format!("{prefix}/bias");
    let data = store.take(&name, &[channels])?.data.clone();
    model.initializer_f32(&name, &[channels], &data)
}

/// `tf.maxPool(x, [k, k], [s, s], 'same')`: TF ignores the padded cells, as ONNX MaxPool does.
pub fn max_pool_same(
    model: &mut ModelBuilder,
    name: &str,
    x: &Feature,
    kernel: usize,
    stride: usize,
) -> Result<Feature> {
    let (before, after, size) = same_padding(x.size, kernel, stride);
    let (k, s) = (i64::try_from(kernel)?, i64::try_from(stride)?);
    let value = model.node(
        "MaxPool",
        name,
        &[&x.value],
        vec![
            Attribute::ints("kernel_shape", &[k, k]),
            Attribute::ints("strides", &[s, s]),
            pads_attribute(before, after)?,
        ],
    )?;
    Ok(Feature {
        value,
        channels: x.channels,
        size,
    })
}

/// `tf.relu(x)`.
pub fn relu(model: &mut ModelBuilder, name: &str, x: &Feature) -> Result<Feature> {
    let value = model.plain_node("Relu", name, &[&x.value])?;
    Ok(Feature { value, ..x.clone() })
}

/// `tf.add(a, b)` of two maps of the same shape.
pub fn add(model: &mut ModelBuilder, name: &str, a: &Feature, b: &Feature) -> Result<Feature> {
    ensure!(
        a.channels == b.channels && a.size == b.size,
        "internal: {name} adds a {}x{}x{} map to a {}x{}x{} one",
        a.channels,
        a.size,
        a.size,
        b.channels,
        b.size,
        b.size
    );
    let value = model.plain_node("Add", name, &[&a.value, &b.value])?;
    Ok(Feature { value, ..a.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_padding_matches_tensorflow() {
        // TF: out = ceil(in / s), pad = max((out - 1) * s + k - in, 0), the odd one after.
        assert_eq!(same_padding(112, 3, 2), (0, 1, 56));
        assert_eq!(same_padding(56, 3, 1), (1, 1, 56));
        assert_eq!(same_padding(56, 1, 2), (0, 0, 28));
        assert_eq!(same_padding(7, 3, 2), (1, 1, 4));
        assert_eq!(same_padding(5, 4, 1), (1, 2, 5));
    }

    #[test]
    fn filters_move_from_hwio_to_oihw() {
        // h = 1, w = 2, in = 2, out = 3; every value is its own TF index, so each lands once.
        let shape = [1, 2, 2, 3];
        let data: Vec<f32> = (0..12).map(|i| i as f32).collect();
        let out = hwio_to_oihw(&data, shape);
        // out[k][c][y][x] = data[((y * 2 + x) * 2 + c) * 3 + k]
        assert_eq!(out[0], data[0]); // k0 c0 x0
        assert_eq!(out[1], data[6]); // k0 c0 x1
        assert_eq!(out[2], data[3]); // k0 c1 x0
        assert_eq!(out[4], data[1]); // k1 c0 x0
        assert_eq!(out[11], data[11]); // k2 c1 x1: the last cell in both orders
    }
}
