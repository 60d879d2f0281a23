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

/// Defines, for each row `reader: Message { fields } skip names skip_if predicate;`, a
/// `fn reader(text) -> Result<Message>` that reads each field of a text message into the struct
/// field of the same name (or the name given after `=`), with `set` for an optional field and
/// `push` for a repeated one, each value read by the reader named after it. The `skip` names and
/// the names the `skip_if` predicate accepts are read and dropped; any other field is an error
/// naming it and the message (its caffe.proto name after `as` where that differs).
macro_rules! message_readers {
    ($(
        $reader:ident: $message:ident $(as $proto:literal)? {
            $($field:ident $(= $key:literal)?: $store:ident $read:expr),* $(,)?
        }
        $(skip $($skip:literal)|+)?
        $(skip_if $skip_if:expr)?;
    )*) => {$(
        fn $reader(text: &TextMessage) -> Result<$message> {
            let mut message = $message::default();
            for field in &text.fields {
                match field.name.as_str() {
                    $(message_readers!(@key $field $($key)?) => {
                        message_readers!(@$store message.$field, ($read)(field)?)
                    })*
                    $($($skip)|+ => {})?
                    $(name if ($skip_if)(name) => {})?
                    _ => return Err(unknown(field, message_readers!(@key $message $($proto)?))),
                }
            }
            Ok(message)
        }
    )*};
    (@key $name:ident $key:literal) => { $key };
    (@key $name:ident) => { stringify!($name) };
    (@set $place:expr, $value:expr) => { $place = Some($value) };
    (@push $place:expr, $value:expr) => { $place.push($value) };
}

/// Defines the reader of one of the two layer formats: the fields both share (same names, same
/// readers), then the format's own; blocks of layer types the converter does not support
/// (`concat_param`, ...) are skipped, as the converter reports the layer type itself.
macro_rules! layer_reader {
    ($reader:ident: $message:ident { $($own:tt)* } skip $($skip:literal)|+;) => {
        message_readers! {
            $reader: $message {
                name: set string,
                bottom: push string,
                top: push string,
                include: push nested(net_state_rule),
                exclude: push nested(net_state_rule),
                convolution_param: set nested(convolution),
                dropout_param: set nested(dropout),
                inner_product_param: set nested(inner_product),
                lrn_param: set nested(lrn),
                pooling_param: set nested(pooling),
                relu_param: set nested(relu),
                softmax_param: set nested(softmax),
                $($own)*
            }
            skip $($skip)|+
            skip_if |name: &str| name.ends_with("_param");
        }
    };
}

layer_reader! {
    layer_parameter: LayerParameter {
        r#type = "type": set string,
        input_param: set nested(input),
    } skip "param" | "loss_weight" | "propagate_down" | "phase";
}

layer_reader! {
    v1_layer_parameter: V1LayerParameter {
        r#type = "type": set v1_layer_type,
    } skip "blobs_lr" | "weight_decay" | "loss_weight" | "param" | "blob_share_mode";
}

/// caffe.proto's `Phase`.
const PHASES: &[(&str, i32)] = &[("TRAIN", 0), ("TEST", 1)];
/// caffe.proto's `PoolingParameter.PoolMethod`.
const POOL_METHODS: &[(&str, i32)] = &[("MAX", 0), ("AVE", 1), ("STOCHASTIC", 2)];
/// caffe.proto's `PoolingParameter.RoundMode`.
const ROUND_MODES: &[(&str, i32)] = &[("CEIL", 0), ("FLOOR", 1)];
/// caffe.proto's `LRNParameter.NormRegion`.
const NORM_REGIONS: &[(&str, i32)] = &[("ACROSS_CHANNELS", 0), ("WITHIN_CHANNEL", 1)];

message_readers! {
    net_parameter: NetParameter {
        name: set string,
        input: push string,
        input_dim: push number,
        input_shape: push nested(blob_shape),
        layer: push layer_block(layer_parameter),
        layers: push layer_block(v1_layer_parameter),
    } skip "force_backward" | "debug_info";

    net_state_rule: NetStateRule {
        phase: set one_of(PHASES),
        min_level: set number,
        max_level: set number,
        stage: push string,
        not_stage: push string,
    };

    convolution: ConvolutionParameter {
        num_output: set number,
        bias_term: set boolean,
        pad: push number,
        kernel_size: push number,
        group: set number,
        stride: push number,
        pad_h: set number,
        pad_w: set number,
        kernel_h: set number,
        kernel_w: set number,
        stride_h: set number,
        stride_w: set number,
        axis: set number,
        dilation: push number,
    } skip "weight_filler" | "bias_filler" | "engine" | "force_nd_im2col";

    pooling: PoolingParameter {
        pool: set one_of(POOL_METHODS),
        kernel_size: set number,
        stride: set number,
        pad: set number,
        kernel_h: set number,
        kernel_w: set number,
        stride_h: set number,
        stride_w: set number,
        pad_h: set number,
        pad_w: set number,
        global_pooling: set boolean,
        round_mode: set one_of(ROUND_MODES),
    } skip "engine";

    lrn: LrnParameter as "LRNParameter" {
        local_size: set number,
        alpha: set float,
        beta: set float,
        k: set float,
        norm_region: set one_of(NORM_REGIONS),
    } skip "engine";

    inner_product: InnerProductParameter {
        num_output: set number,
        bias_term: set boolean,
        axis: set number,
        transpose: set boolean,
    } skip "weight_filler" | "bias_filler";

    dropout: DropoutParameter { dropout_ratio: set float } skip "scale_train";
    relu: ReluParameter as "ReLUParameter" { negative_slope: set float } skip "engine";
    softmax: SoftmaxParameter { axis: set number } skip "engine";
    input: InputParameter { shape: push nested(blob_shape) };
    blob_shape: BlobShape { dim: push number };
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

fn unknown(field: &TextField, message: &str) -> crate::error::ModelsError {
    invalid(format!(
        "line {}: field `{}` of {message} is not supported by the converter",
        field.line, field.name
    ))
}

/// A reader of a message-valued field: the field must hold a message, which `read` reads.
fn nested<T>(read: fn(&TextMessage) -> Result<T>) -> impl Fn(&TextField) -> Result<T> {
    move |field| read(message_of(field)?)
}

/// [`nested`] for a `layer` / `layers` block, whose errors also name the line the block starts on.
fn layer_block<T>(read: fn(&TextMessage) -> Result<T>) -> impl Fn(&TextField) -> Result<T> {
    move |field| {
        read(message_of(field)?).with_context(|| {
            format!(
                "in the `{}` block starting on line {}",
                field.name, field.line
            )
        })
    }
}

fn message_of(field: &TextField) -> Result<&TextMessage> {
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

/// A reader of an enum field: one of the `values` names, or a number.
fn one_of(values: &'static [(&'static str, i32)]) -> impl Fn(&TextField) -> Result<i32> {
    move |field| enumeration(field, values)
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
