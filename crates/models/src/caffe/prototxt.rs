//! Maps a parsed `.prototxt` ([`TextMessage`] tree) onto the typed messages of `proto.rs`.
//!
//! Fields that could change what the net computes are read; fields that only matter for training
//! (fillers, learning-rate multipliers, engines) are skipped; any other field is an error naming
//! the field and its line, so that an option the converter does not implement is never silently
//! dropped. Parameter blocks of layer types the converter does not support (`concat_param`, ...) are
//! skipped here: the converter reports the unsupported layer type itself.

use super::layer_type;
use super::proto::{
    BlobShape, ConvolutionParameter, DropoutParameter, InnerProductParameter, InputParameter,
    LayerParameter, LrnParameter, NetParameter, NetStateRule, PoolingParameter, ReluParameter,
    SoftmaxParameter, V1LayerParameter,
};
use super::text_format::{self, TextField, TextMessage, TextValue};

use crate::error::{Context, Result, bail, invalid};

/// Parses the text of a Caffe `.prototxt` into a [`NetParameter`].
pub fn parse_net(text: &str) -> Result<NetParameter> {
    let tree = text_format::parse(text)?;
    net_parameter(&tree)
}

fn net_parameter(message: &TextMessage) -> Result<NetParameter> {
    let mut net = NetParameter::default();
    for field in &message.fields {
        match field.name.as_str() {
            "name" => net.name = Some(string(field)?),
            "input" => net.input.push(string(field)?),
            "input_dim" => net.input_dim.push(number(field)?),
            "input_shape" => net.input_shape.push(blob_shape(nested(field)?)?),
            "layer" => net
                .layer
                .push(layer_parameter(nested(field)?).with_context(|| {
                    format!("in the `layer` block starting on line {}", field.line)
                })?),
            "layers" => net
                .layers
                .push(v1_layer_parameter(nested(field)?).with_context(|| {
                    format!("in the `layers` block starting on line {}", field.line)
                })?),
            "force_backward" | "debug_info" => {}
            _ => return Err(unknown(field, "NetParameter")),
        }
    }
    Ok(net)
}

fn layer_parameter(message: &TextMessage) -> Result<LayerParameter> {
    let mut layer = LayerParameter::default();
    for field in &message.fields {
        match field.name.as_str() {
            "name" => layer.name = Some(string(field)?),
            "type" => layer.r#type = Some(string(field)?),
            "bottom" => layer.bottom.push(string(field)?),
            "top" => layer.top.push(string(field)?),
            "include" => layer.include.push(net_state_rule(nested(field)?)?),
            "exclude" => layer.exclude.push(net_state_rule(nested(field)?)?),
            "convolution_param" => layer.convolution_param = Some(convolution(nested(field)?)?),
            "dropout_param" => layer.dropout_param = Some(dropout(nested(field)?)?),
            "inner_product_param" => {
                layer.inner_product_param = Some(inner_product(nested(field)?)?)
            }
            "lrn_param" => layer.lrn_param = Some(lrn(nested(field)?)?),
            "pooling_param" => layer.pooling_param = Some(pooling(nested(field)?)?),
            "relu_param" => layer.relu_param = Some(relu(nested(field)?)?),
            "softmax_param" => layer.softmax_param = Some(softmax(nested(field)?)?),
            "input_param" => layer.input_param = Some(input(nested(field)?)?),
            "param" | "loss_weight" | "propagate_down" | "phase" => {}
            other if other.ends_with("_param") => {}
            _ => return Err(unknown(field, "LayerParameter")),
        }
    }
    Ok(layer)
}

fn v1_layer_parameter(message: &TextMessage) -> Result<V1LayerParameter> {
    let mut layer = V1LayerParameter::default();
    for field in &message.fields {
        match field.name.as_str() {
            "name" => layer.name = Some(string(field)?),
            "type" => layer.r#type = Some(v1_layer_type(field)?),
            "bottom" => layer.bottom.push(string(field)?),
            "top" => layer.top.push(string(field)?),
            "include" => layer.include.push(net_state_rule(nested(field)?)?),
            "exclude" => layer.exclude.push(net_state_rule(nested(field)?)?),
            "convolution_param" => layer.convolution_param = Some(convolution(nested(field)?)?),
            "dropout_param" => layer.dropout_param = Some(dropout(nested(field)?)?),
            "inner_product_param" => {
                layer.inner_product_param = Some(inner_product(nested(field)?)?)
            }
            "lrn_param" => layer.lrn_param = Some(lrn(nested(field)?)?),
            "pooling_param" => layer.pooling_param = Some(pooling(nested(field)?)?),
            "relu_param" => layer.relu_param = Some(relu(nested(field)?)?),
            "softmax_param" => layer.softmax_param = Some(softmax(nested(field)?)?),
            "blobs_lr" | "weight_decay" | "loss_weight" | "param" | "blob_share_mode" => {}
            other if other.ends_with("_param") => {}
            _ => return Err(unknown(field, "V1LayerParameter")),
        }
    }
    Ok(layer)
}

fn v1_layer_type(field: &TextField) -> Result<i32> {
    match &field.value {
        TextValue::Identifier(name) => layer_type::v1_number(name).ok_or_else(|| {
            invalid(format!(
                "line {}: `{name}` is not a Caffe V1 layer type",
                field.line
            ))
        }),
        _ => number(field),
    }
}

fn net_state_rule(message: &TextMessage) -> Result<NetStateRule> {
    let mut rule = NetStateRule::default();
    for field in &message.fields {
        match field.name.as_str() {
            "phase" => rule.phase = Some(enumeration(field, &[("TRAIN", 0), ("TEST", 1)])?),
            "min_level" => rule.min_level = Some(number(field)?),
            "max_level" => rule.max_level = Some(number(field)?),
            "stage" => rule.stage.push(string(field)?),
            "not_stage" => rule.not_stage.push(string(field)?),
            _ => return Err(unknown(field, "NetStateRule")),
        }
    }
    Ok(rule)
}

fn convolution(message: &TextMessage) -> Result<ConvolutionParameter> {
    let mut p = ConvolutionParameter::default();
    for field in &message.fields {
        match field.name.as_str() {
            "num_output" => p.num_output = Some(number(field)?),
            "bias_term" => p.bias_term = Some(boolean(field)?),
            "pad" => p.pad.push(number(field)?),
            "kernel_size" => p.kernel_size.push(number(field)?),
            "group" => p.group = Some(number(field)?),
            "stride" => p.stride.push(number(field)?),
            "pad_h" => p.pad_h = Some(number(field)?),
            "pad_w" => p.pad_w = Some(number(field)?),
            "kernel_h" => p.kernel_h = Some(number(field)?),
            "kernel_w" => p.kernel_w = Some(number(field)?),
            "stride_h" => p.stride_h = Some(number(field)?),
            "stride_w" => p.stride_w = Some(number(field)?),
            "axis" => p.axis = Some(number(field)?),
            "dilation" => p.dilation.push(number(field)?),
            "weight_filler" | "bias_filler" | "engine" | "force_nd_im2col" => {}
            _ => return Err(unknown(field, "ConvolutionParameter")),
        }
    }
    Ok(p)
}

fn pooling(message: &TextMessage) -> Result<PoolingParameter> {
    let mut p = PoolingParameter::default();
    for field in &message.fields {
        match field.name.as_str() {
            "pool" => {
                p.pool = Some(enumeration(
                    field,
                    &[("MAX", 0), ("AVE", 1), ("STOCHASTIC", 2)],
                )?)
            }
            "kernel_size" => p.kernel_size = Some(number(field)?),
            "stride" => p.stride = Some(number(field)?),
            "pad" => p.pad = Some(number(field)?),
            "kernel_h" => p.kernel_h = Some(number(field)?),
            "kernel_w" => p.kernel_w = Some(number(field)?),
            "stride_h" => p.stride_h = Some(number(field)?),
            "stride_w" => p.stride_w = Some(number(field)?),
            "pad_h" => p.pad_h = Some(number(field)?),
            "pad_w" => p.pad_w = Some(number(field)?),
            "global_pooling" => p.global_pooling = Some(boolean(field)?),
            "round_mode" => p.round_mode = Some(enumeration(field, &[("CEIL", 0), ("FLOOR", 1)])?),
            "engine" => {}
            _ => return Err(unknown(field, "PoolingParameter")),
        }
    }
    Ok(p)
}

fn lrn(message: &TextMessage) -> Result<LrnParameter> {
    let mut p = LrnParameter::default();
    for field in &message.fields {
        match field.name.as_str() {
            "local_size" => p.local_size = Some(number(field)?),
            "alpha" => p.alpha = Some(float(field)?),
            "beta" => p.beta = Some(float(field)?),
            "k" => p.k = Some(float(field)?),
            "norm_region" => {
                p.norm_region = Some(enumeration(
                    field,
                    &[("ACROSS_CHANNELS", 0), ("WITHIN_CHANNEL", 1)],
                )?)
            }
            "engine" => {}
            _ => return Err(unknown(field, "LRNParameter")),
        }
    }
    Ok(p)
}

fn inner_product(message: &TextMessage) -> Result<InnerProductParameter> {
    let mut p = InnerProductParameter::default();
    for field in &message.fields {
        match field.name.as_str() {
            "num_output" => p.num_output = Some(number(field)?),
            "bias_term" => p.bias_term = Some(boolean(field)?),
            "axis" => p.axis = Some(number(field)?),
            "transpose" => p.transpose = Some(boolean(field)?),
            "weight_filler" | "bias_filler" => {}
            _ => return Err(unknown(field, "InnerProductParameter")),
        }
    }
    Ok(p)
}

fn dropout(message: &TextMessage) -> Result<DropoutParameter> {
    let mut p = DropoutParameter::default();
    for field in &message.fields {
        match field.name.as_str() {
            "dropout_ratio" => p.dropout_ratio = Some(float(field)?),
            "scale_train" => {}
            _ => return Err(unknown(field, "DropoutParameter")),
        }
    }
    Ok(p)
}

fn relu(message: &TextMessage) -> Result<ReluParameter> {
    let mut p = ReluParameter::default();
    for field in &message.fields {
        match field.name.as_str() {
            "negative_slope" => p.negative_slope = Some(float(field)?),
            "engine" => {}
            _ => return Err(unknown(field, "ReLUParameter")),
        }
    }
    Ok(p)
}

fn softmax(message: &TextMessage) -> Result<SoftmaxParameter> {
    let mut p = SoftmaxParameter::default();
    for field in &message.fields {
        match field.name.as_str() {
            "axis" => p.axis = Some(number(field)?),
            "engine" => {}
            _ => return Err(unknown(field, "SoftmaxParameter")),
        }
    }
    Ok(p)
}

fn input(message: &TextMessage) -> Result<InputParameter> {
    let mut p = InputParameter::default();
    for field in &message.fields {
        match field.name.as_str() {
            "shape" => p.shape.push(blob_shape(nested(field)?)?),
            _ => return Err(unknown(field, "InputParameter")),
        }
    }
    Ok(p)
}

fn blob_shape(message: &TextMessage) -> Result<BlobShape> {
    let mut shape = BlobShape::default();
    for field in &message.fields {
        match field.name.as_str() {
            "dim" => shape.dim.push(number(field)?),
            _ => return Err(unknown(field, "BlobShape")),
        }
    }
    Ok(shape)
}

fn unknown(field: &TextField, message: &str) -> crate::error::ModelsError {
    invalid(format!(
        "line {}: field `{}` of {message} is not supported by the converter",
        field.line, field.name
    ))
}

fn nested(field: &TextField) -> Result<&TextMessage> {
    match &field.value {
        TextValue::Message(message) => Ok(message),
        other => bail!(
            "line {}: `{}` must be a message, found {}",
            field.line,
            field.name,
            other.kind()
        ),
    }
}

fn string(field: &TextField) -> Result<String> {
    match &field.value {
        TextValue::String(s) => Ok(s.clone()),
        other => bail!(
            "line {}: `{}` must be a quoted string, found {}",
            field.line,
            field.name,
            other.kind()
        ),
    }
}

/// Reads an integer field of any width (`u32`, `i32`, `i64`), rejecting out-of-range values.
fn number<T: std::str::FromStr>(field: &TextField) -> Result<T> {
    match &field.value {
        TextValue::Number(n) => n.parse::<T>().map_err(|_| {
            invalid(format!(
                "line {}: `{}` must be an integer in range for {}, found `{n}`",
                field.line,
                field.name,
                std::any::type_name::<T>()
            ))
        }),
        other => bail!(
            "line {}: `{}` must be an integer, found {}",
            field.line,
            field.name,
            other.kind()
        ),
    }
}

fn float(field: &TextField) -> Result<f32> {
    let text = match &field.value {
        TextValue::Number(n) | TextValue::Identifier(n) => n.as_str(),
        other => bail!(
            "line {}: `{}` must be a number, found {}",
            field.line,
            field.name,
            other.kind()
        ),
    };
    // The text format allows a trailing `f` / `F` on floats.
    let trimmed = text
        .strip_suffix(['f', 'F'])
        .filter(|t| !t.ends_with(['n', 'N']))
        .unwrap_or(text);
    let lowered = trimmed.to_ascii_lowercase();
    let value = match lowered.as_str() {
        "inf" | "infinity" | "+inf" => Some(f32::INFINITY),
        "-inf" | "-infinity" => Some(f32::NEG_INFINITY),
        "nan" => Some(f32::NAN),
        _ => lowered.parse::<f32>().ok(),
    };
    value.ok_or_else(|| {
        invalid(format!(
            "line {}: `{}` must be a number, found `{text}`",
            field.line, field.name
        ))
    })
}

fn boolean(field: &TextField) -> Result<bool> {
    match &field.value {
        TextValue::Identifier(word) if matches!(word.as_str(), "true" | "True" | "t") => Ok(true),
        TextValue::Identifier(word) if matches!(word.as_str(), "false" | "False" | "f") => {
            Ok(false)
        }
        TextValue::Number(n) if n == "1" => Ok(true),
        TextValue::Number(n) if n == "0" => Ok(false),
        other => bail!(
            "line {}: `{}` must be true or false, found {}",
            field.line,
            field.name,
            other.kind()
        ),
    }
}

fn enumeration(field: &TextField, values: &[(&str, i32)]) -> Result<i32> {
    match &field.value {
        TextValue::Identifier(word) => values
            .iter()
            .find(|(n, _)| n == word)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                let names: Vec<&str> = values.iter().map(|(n, _)| *n).collect();
                invalid(format!(
                    "line {}: `{}` must be one of {names:?}, found `{word}`",
                    field.line, field.name
                ))
            }),
        TextValue::Number(_) => number(field),
        other => bail!(
            "line {}: `{}` must be an enum value, found {}",
            field.line,
            field.name,
            other.kind()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_shipped_v1_style_definition() {
        let text = "name: \"CaffeNet\"\ninput: \"data\"\ninput_dim: 1\ninput_dim: 3\ninput_dim: 227\ninput_dim: 227\n\
            layers { name: \"conv1\" type: CONVOLUTION bottom: \"data\" top: \"conv1\"\n\
              blobs_lr: 1 weight_decay: 1\n\
              convolution_param { num_output: 96 kernel_size: 7 stride: 4 weight_filler { type: \"gaussian\" std: 0.01 } } }\n\
            layers { name: \"pool1\" type: POOLING bottom: \"conv1\" top: \"pool1\" pooling_param { pool: AVE kernel_size: 3 stride: 2 } }\n\
            layers { name: \"norm1\" type: LRN bottom: \"pool1\" top: \"norm1\" lrn_param { local_size: 5 alpha: 0.0001 beta: 0.75 } }\n";
        let net = parse_net(text).unwrap();
        assert_eq!(net.input, vec!["data".to_string()]);
        assert_eq!(net.input_dim, vec![1, 3, 227, 227]);
        assert_eq!(net.layers.len(), 3);
        assert_eq!(net.layers[0].r#type, Some(4));
        let conv = net.layers[0].convolution_param.as_ref().unwrap();
        assert_eq!(
            (
                conv.num_output,
                conv.kernel_size.as_slice(),
                conv.stride.as_slice()
            ),
            (Some(96), &[7][..], &[4][..])
        );
        assert_eq!(net.layers[1].pooling_param.as_ref().unwrap().pool, Some(1));
        let lrn = net.layers[2].lrn_param.as_ref().unwrap();
        assert_eq!(
            (lrn.local_size, lrn.alpha, lrn.beta),
            (Some(5), Some(0.0001), Some(0.75))
        );
    }

    #[test]
    fn reads_new_style_layers_with_input_layer() {
        let text = "layer { name: 'data' type: 'Input' top: 'data' input_param { shape { dim: 1 dim: 3 dim: 8 dim: 8 } } }\n\
            layer { name: 'fc' type: 'InnerProduct' bottom: 'data' top: 'fc' param { lr_mult: 1 } inner_product_param { num_output: 4 bias_term: false } }\n\
            layer { name: 'relu' type: 'ReLU' bottom: 'fc' top: 'fc' relu_param { negative_slope: 0.1 } }";
        let net = parse_net(text).unwrap();
        assert_eq!(net.layer.len(), 3);
        assert_eq!(
            net.layer[0].input_param.as_ref().unwrap().shape[0].dim,
            vec![1, 3, 8, 8]
        );
        assert_eq!(
            net.layer[1].inner_product_param.as_ref().unwrap().bias_term,
            Some(false)
        );
        assert_eq!(
            net.layer[2].relu_param.as_ref().unwrap().negative_slope,
            Some(0.1)
        );
    }

    #[test]
    fn rejects_unknown_fields_bad_values_and_unknown_v1_types() {
        let error = crate::error::chain(
            &parse_net("layer {\n name: 'c'\n convolution_param { dilatation: 2 } }").unwrap_err(),
        );
        assert!(
            error.contains("line 3") && error.contains("dilatation"),
            "{error}"
        );
        let error = crate::error::chain(&parse_net("layers { type: CONVOLUTON }").unwrap_err());
        assert!(error.contains("CONVOLUTON"), "{error}");
        let error = crate::error::chain(&parse_net("input_dim: -1.5").unwrap_err());
        assert!(error.contains("input_dim"), "{error}");
        let error = crate::error::chain(
            &parse_net("layer { pooling_param { pool: MEDIAN } }").unwrap_err(),
        );
        assert!(error.contains("MEDIAN"), "{error}");
        let error = crate::error::chain(
            &parse_net("layer { convolution_param { num_output: 4294967296 } }").unwrap_err(),
        );
        assert!(error.contains("num_output"), "{error}");
        let error = crate::error::chain(&parse_net("layer { name: 7 }").unwrap_err());
        assert!(error.contains("quoted string"), "{error}");
    }
}
