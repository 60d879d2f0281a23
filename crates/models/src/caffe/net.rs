//! A Caffe net definition normalised from either layer format: one declared input and the list of
//! layers (TEST phase) with their typed parameters.

use super::layer_type::{self, LayerKind};
use super::proto::{
    BlobShape, ConvolutionParameter, InnerProductParameter, LayerParameter, LrnParameter,
    NetParameter, NetStateRule, PoolingParameter, ReluParameter, SoftmaxParameter,
    V1LayerParameter,
};

use crate::error::{Result, bail, ensure, invalid};

/// Caffe's `Phase` enum value for inference (TEST = 1); deploy nets run in this phase.
const PHASE_TEST: i32 = 1;

/// Number of dimensions of an image blob: batch, channels, height, width.
const IMAGE_BLOB_RANK: usize = 4;

/// The single input blob of a net.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetInput {
    /// Caffe blob name (usually `data`).
    pub blob: String,
    /// Shape without the batch dimension (the batch becomes symbolic in ONNX).
    pub shape: Vec<usize>,
}

/// What a layer computes, with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum LayerOp {
    /// Convolution.
    Convolution(ConvolutionParameter),
    /// ReLU (leaky when `negative_slope` is set).
    Relu(ReluParameter),
    /// Max or average pooling.
    Pooling(PoolingParameter),
    /// Local response normalisation.
    Lrn(LrnParameter),
    /// Fully connected layer.
    InnerProduct(InnerProductParameter),
    /// Dropout: identity at inference.
    Dropout,
    /// Softmax.
    Softmax(SoftmaxParameter),
}

/// One layer of the net.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// Layer name (weights are matched on it).
    pub name: String,
    /// Type as written in the file (`Convolution` or `CONVOLUTION`), for messages.
    pub type_name: String,
    /// Input blob names.
    pub bottoms: Vec<String>,
    /// Output blob names.
    pub tops: Vec<String>,
    /// The operation.
    pub op: LayerOp,
}

/// A normalised net definition.
#[derive(Debug, Clone, PartialEq)]
pub struct NetDefinition {
    /// The net's input.
    pub input: NetInput,
    /// Layers in file order, inference-phase only.
    pub layers: Vec<Layer>,
}

/// The layer types accepted, for error messages.
const SUPPORTED: &str =
    "Convolution, ReLU, Pooling, LRN, InnerProduct, Dropout, Softmax (and Input)";

impl NetDefinition {
    /// Normalises a parsed definition. Layers excluded from the TEST phase are dropped; any
    /// unsupported layer type is an error naming the layer and its type.
    pub fn from_proto(net: &NetParameter) -> Result<NetDefinition> {
        ensure!(
            net.layer.is_empty() || net.layers.is_empty(),
            "the definition mixes `layer` and old-style `layers` blocks"
        );
        let mut inputs = legacy_inputs(net)?;
        let mut layers = Vec::new();
        read_layers(&net.layer, &mut inputs, &mut layers)?;
        read_layers(&net.layers, &mut inputs, &mut layers)?;
        let input = match inputs.len() {
            1 => inputs.remove(0),
            0 => bail!(
                "the definition declares no input (`input` + `input_dim`/`input_shape`, or an Input layer)"
            ),
            n => bail!("the definition declares {n} inputs; only single-input nets are supported"),
        };
        ensure!(!layers.is_empty(), "the definition has no layers");
        Ok(NetDefinition { input, layers })
    }
}

/// Appends the TEST-phase layers of one format to `layers`, and the net inputs its Input layers
/// declare to `inputs`; any unsupported layer type is an error naming the layer and its type.
fn read_layers<L: CaffeLayer>(
    format_layers: &[L],
    inputs: &mut Vec<NetInput>,
    layers: &mut Vec<Layer>,
) -> Result<()> {
    for (index, layer) in format_layers.iter().enumerate() {
        if !in_test_phase(layer.include(), layer.exclude())? {
            continue;
        }
        let name = layer_name(layer.name(), index);
        let (type_name, kind) = layer.kind();
        match kind {
            Some(LayerKind::Input) => {
                inputs.extend(input_layer(layer.input_shapes(), layer.top(), &name)?)
            }
            Some(kind) => layers.push(Layer {
                op: layer.op(kind),
                name,
                type_name,
                bottoms: layer.bottom().to_vec(),
                tops: layer.top().to_vec(),
            }),
            None => bail!(
                "layer `{name}` has type `{type_name}`, which the converter does not support (supported: {SUPPORTED})"
            ),
        }
    }
    Ok(())
}

/// A layer in either format: `LayerParameter` and `V1LayerParameter` hold the same fields under
/// the same names, and differ in how they give the type and in the Input layer (new format only).
trait CaffeLayer {
    /// The type as written in the file, and its kind when the converter supports it.
    fn kind(&self) -> (String, Option<LayerKind>);
    /// The shapes of an Input layer.
    fn input_shapes(&self) -> &[BlobShape];
    /// The layer name.
    fn name(&self) -> Option<&str>;
    /// The include rules.
    fn include(&self) -> &[NetStateRule];
    /// The exclude rules.
    fn exclude(&self) -> &[NetStateRule];
    /// The input blob names.
    fn bottom(&self) -> &[String];
    /// The output blob names.
    fn top(&self) -> &[String];
    /// The operation of `kind` from its parameter block (defaults when the block is absent).
    fn op(&self, kind: LayerKind) -> LayerOp;
}

/// Implements the accessors of [`CaffeLayer`] that read the fields both formats share.
macro_rules! shared_layer_fields {
    () => {
        fn name(&self) -> Option<&str> {
            self.name.as_deref()
        }
        fn include(&self) -> &[NetStateRule] {
            &self.include
        }
        fn exclude(&self) -> &[NetStateRule] {
            &self.exclude
        }
        fn bottom(&self) -> &[String] {
            &self.bottom
        }
        fn top(&self) -> &[String] {
            &self.top
        }
        fn op(&self, kind: LayerKind) -> LayerOp {
            match kind {
                LayerKind::Convolution => LayerOp::Convolution(block(&self.convolution_param)),
                LayerKind::Relu => LayerOp::Relu(block(&self.relu_param)),
                LayerKind::Pooling => LayerOp::Pooling(block(&self.pooling_param)),
                LayerKind::Lrn => LayerOp::Lrn(block(&self.lrn_param)),
                LayerKind::InnerProduct => LayerOp::InnerProduct(block(&self.inner_product_param)),
                LayerKind::Softmax => LayerOp::Softmax(block(&self.softmax_param)),
                // Input layers become the net input in `read_layers`; a stray one is identity.
                LayerKind::Dropout | LayerKind::Input => LayerOp::Dropout,
            }
        }
    };
}

/// A copy of a layer's parameter block, or caffe.proto's defaults when the file has none.
fn block<T: Clone + Default>(param: &Option<T>) -> T {
    param.clone().unwrap_or_default()
}

impl CaffeLayer for LayerParameter {
    fn kind(&self) -> (String, Option<LayerKind>) {
        let type_name = self.r#type.clone().unwrap_or_default();
        let kind = LayerKind::from_name(&type_name);
        (type_name, kind)
    }
    fn input_shapes(&self) -> &[BlobShape] {
        self.input_param
            .as_ref()
            .map_or(&[], |p| p.shape.as_slice())
    }
    shared_layer_fields!();
}

impl CaffeLayer for V1LayerParameter {
    fn kind(&self) -> (String, Option<LayerKind>) {
        let number = self.r#type.unwrap_or_default();
        let type_name =
            layer_type::v1_name(number).map_or_else(|| format!("#{number}"), str::to_owned);
        (type_name, LayerKind::from_v1(number))
    }
    fn input_shapes(&self) -> &[BlobShape] {
        &[]
    }
    shared_layer_fields!();
}

fn layer_name(name: Option<&str>, index: usize) -> String {
    match name {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => format!("layer{index}"),
    }
}

/// Caffe's `Net::StateMeetsRule` for the TEST phase; level and stage rules are rejected.
fn in_test_phase(include: &[NetStateRule], exclude: &[NetStateRule]) -> Result<bool> {
    ensure!(
        include.is_empty() || exclude.is_empty(),
        "a layer has both include and exclude rules"
    );
    for rule in include.iter().chain(exclude) {
        ensure!(
            rule.min_level.is_none()
                && rule.max_level.is_none()
                && rule.stage.is_empty()
                && rule.not_stage.is_empty(),
            "include/exclude rules on levels or stages are not supported"
        );
    }
    let meets = |rule: &NetStateRule| rule.phase.is_none_or(|p| p == PHASE_TEST);
    if !include.is_empty() {
        return Ok(include.iter().any(meets));
    }
    Ok(!exclude.iter().any(meets))
}

/// Inputs declared with `input:` plus `input_dim` (four per input) or `input_shape`.
fn legacy_inputs(net: &NetParameter) -> Result<Vec<NetInput>> {
    if net.input.is_empty() {
        ensure!(
            net.input_dim.is_empty() && net.input_shape.is_empty(),
            "input dimensions are given without an `input` name"
        );
        return Ok(Vec::new());
    }
    let shapes: Vec<Vec<i64>> = if !net.input_shape.is_empty() {
        ensure!(
            net.input_dim.is_empty(),
            "give either `input_dim` or `input_shape`, not both"
        );
        net.input_shape.iter().map(|s| s.dim.clone()).collect()
    } else {
        ensure!(
            net.input_dim.len() == IMAGE_BLOB_RANK * net.input.len(),
            "{} `input_dim` values for {} inputs; expected four per input",
            net.input_dim.len(),
            net.input.len()
        );
        net.input_dim
            .chunks(IMAGE_BLOB_RANK)
            .map(<[i64]>::to_vec)
            .collect()
    };
    ensure!(
        shapes.len() == net.input.len(),
        "{} input shapes for {} inputs",
        shapes.len(),
        net.input.len()
    );
    net.input
        .iter()
        .zip(shapes)
        .map(|(blob, dims)| net_input(blob, &dims))
        .collect()
}

fn input_layer(shapes: &[BlobShape], tops: &[String], name: &str) -> Result<Vec<NetInput>> {
    ensure!(!tops.is_empty(), "Input layer `{name}` has no top");
    ensure!(
        shapes.len() == 1 || shapes.len() == tops.len(),
        "Input layer `{name}` has {} shapes for {} tops",
        shapes.len(),
        tops.len()
    );
    tops.iter()
        .enumerate()
        .map(|(i, top)| net_input(top, &shapes[if shapes.len() == 1 { 0 } else { i }].dim))
        .collect()
}

fn net_input(blob: &str, dims: &[i64]) -> Result<NetInput> {
    ensure!(
        dims.len() == IMAGE_BLOB_RANK,
        "input `{blob}` has shape {dims:?}; expected 4 dimensions (N, C, H, W)"
    );
    let shape = dims[1..]
        .iter()
        .map(|&d| usize::try_from(d).ok().filter(|&d| d > 0))
        .collect::<Option<Vec<usize>>>()
        .ok_or_else(|| {
            invalid(format!(
                "input `{blob}` has a non-positive dimension in {dims:?}"
            ))
        })?;
    Ok(NetInput {
        blob: blob.to_owned(),
        shape,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caffe::prototxt::parse_net;

    #[test]
    fn unsupported_layer_types_are_named_in_both_formats() {
        let v1 = parse_net("input: 'data' input_dim: 1 input_dim: 3 input_dim: 4 input_dim: 4\nlayers { name: 'cat' type: CONCAT bottom: 'data' top: 'c' }").unwrap();
        let error = NetDefinition::from_proto(&v1).unwrap_err().to_string();
        assert!(
            error.contains("`cat`") && error.contains("CONCAT"),
            "{error}"
        );
        let new = parse_net("input: 'data' input_shape { dim: 1 dim: 3 dim: 4 dim: 4 }\nlayer { name: 'bn' type: 'BatchNorm' bottom: 'data' top: 'b' }").unwrap();
        let error = NetDefinition::from_proto(&new).unwrap_err().to_string();
        assert!(
            error.contains("`bn`") && error.contains("BatchNorm"),
            "{error}"
        );
    }

    #[test]
    fn train_only_layers_are_dropped_and_inputs_are_read_from_each_form() {
        let text = "layer { name: 'in' type: 'Input' top: 'data' input_param { shape { dim: 2 dim: 3 dim: 5 dim: 6 } } }\n\
            layer { name: 'drop' type: 'Dropout' bottom: 'data' top: 'data' include { phase: TRAIN } }\n\
            layer { name: 'sm' type: 'Softmax' bottom: 'data' top: 'prob' exclude { phase: TRAIN } }";
        let net = NetDefinition::from_proto(&parse_net(text).unwrap()).unwrap();
        assert_eq!(
            net.input,
            NetInput {
                blob: "data".into(),
                shape: vec![3, 5, 6]
            }
        );
        assert_eq!(
            net.layers
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>(),
            vec!["sm"]
        );
        let missing =
            parse_net("layer { name: 'sm' type: 'Softmax' bottom: 'x' top: 'y' }").unwrap();
        assert!(
            NetDefinition::from_proto(&missing)
                .unwrap_err()
                .to_string()
                .contains("no input")
        );
        let three_dims = parse_net("input: 'x' input_dim: 1 input_dim: 3 input_dim: 4").unwrap();
        assert!(
            NetDefinition::from_proto(&three_dims)
                .unwrap_err()
                .to_string()
                .contains("four per input")
        );
    }
}
