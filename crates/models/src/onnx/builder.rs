//! [`ModelBuilder`]: collects inputs, initializers, nodes, outputs and metadata, then encodes an
//! ONNX `ModelProto` deterministically.

use std::collections::BTreeSet;
use std::path::Path;

use prost::Message;
use tract_onnx::pb::tensor_proto::DataType;
use tract_onnx::pb::{
    GraphProto, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto, TensorProto,
    TensorShapeProto, TypeProto, ValueInfoProto, type_proto,
};

use super::{Attribute, Dim};
use crate::error::{Context, Result, bail, ensure, invalid};
use crate::fsutil::write_atomically;

/// ONNX IR version written into every model (IR 8 = ONNX 1.10..1.12, valid for opsets 1..=16).
pub const IR_VERSION: i64 = 8;

/// Highest default-domain opset that [`IR_VERSION`] allows.
const MAX_OPSET_FOR_IR_VERSION: i64 = 16;

/// `producer_name` of every model we write.
pub const PRODUCER_NAME: &str = "agender-xtask";

/// A named tensor of the graph under construction (a graph input, an initializer or a node's
/// output). Only the builder creates values, so every value refers to something that exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    name: String,
}

impl Value {
    /// The tensor's name in the graph.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Builds one ONNX model (a single graph in the default operator domain).
#[derive(Clone, Debug)]
pub struct ModelBuilder {
    graph_name: String,
    opset: i64,
    producer_version: String,
    doc_string: String,
    inputs: Vec<ValueInfoProto>,
    outputs: Vec<ValueInfoProto>,
    initializers: Vec<TensorProto>,
    nodes: Vec<NodeProto>,
    metadata: Vec<StringStringEntryProto>,
    /// Every tensor name and node name used so far: ONNX requires both to be unique.
    names: BTreeSet<String>,
}

impl ModelBuilder {
    /// Starts an empty model whose graph is called `graph_name`, importing the default ONNX
    /// operator set at version `opset` (checked by [`ModelBuilder::encode`]: 1..=16).
    pub fn new(graph_name: &str, opset: i64) -> Self {
        ModelBuilder {
            graph_name: graph_name.to_owned(),
            opset,
            producer_version: env!("CARGO_PKG_VERSION").to_owned(),
            doc_string: String::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            initializers: Vec::new(),
            nodes: Vec::new(),
            metadata: Vec::new(),
            names: BTreeSet::new(),
        }
    }

    /// Sets `producer_version` (default: this crate's version), e.g. a converter version.
    pub fn producer_version(&mut self, version: &str) -> &mut Self {
        version.clone_into(&mut self.producer_version);
        self
    }

    /// Sets the model's human-readable description.
    pub fn doc_string(&mut self, text: &str) -> &mut Self {
        text.clone_into(&mut self.doc_string);
        self
    }

    /// Adds a `metadata_props` entry. Entries keep insertion order; a repeated key is an error
    /// at [`ModelBuilder::encode`] time.
    pub fn metadata(&mut self, key: &str, value: &str) -> &mut Self {
        self.metadata.push(StringStringEntryProto {
            key: key.to_owned(),
            value: value.to_owned(),
        });
        self
    }

    /// Declares a float32 graph input with the given shape (use [`Dim::batch`] for the batch).
    pub fn input_f32(&mut self, name: &str, dims: &[Dim]) -> Result<Value> {
        let value = self.claim(name)?;
        self.inputs.push(float_value_info(name, dims)?);
        Ok(value)
    }

    /// Adds a float32 initializer (a weight). `data` is row-major and must hold exactly
    /// `shape.iter().product()` elements. Stored little-endian in `raw_data`.
    pub fn initializer_f32(&mut self, name: &str, shape: &[usize], data: &[f32]) -> Result<Value> {
        check_element_count(name, shape, data.len())?;
        let raw: Vec<u8> = data.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.initializer(name, shape, DataType::Float, raw)
    }

    /// Adds an int64 initializer (shapes, axes, permutations given as tensors).
    pub fn initializer_i64(&mut self, name: &str, shape: &[usize], data: &[i64]) -> Result<Value> {
        check_element_count(name, shape, data.len())?;
        let raw: Vec<u8> = data.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.initializer(name, shape, DataType::Int64, raw)
    }

    fn initializer(
        &mut self,
        name: &str,
        shape: &[usize],
        data_type: DataType,
        raw_data: Vec<u8>,
    ) -> Result<Value> {
        let value = self.claim(name)?;
        let dims = shape
            .iter()
            .map(|&d| {
                i64::try_from(d).map_err(|_| {
                    invalid(format!("initializer {name}: dim {d} does not fit in i64"))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        self.initializers.push(TensorProto {
            dims,
            data_type: data_type as i32,
            name: name.to_owned(),
            raw_data,
            ..TensorProto::default()
        });
        Ok(value)
    }

    /// Adds a node of type `op_type` (e.g. `"Conv"`) with one output. The output tensor is named
    /// like the node, so `name` must be unique in the graph.
    pub fn node(
        &mut self,
        op_type: &str,
        name: &str,
        inputs: &[&Value],
        attributes: Vec<Attribute>,
    ) -> Result<Value> {
        let mut outputs = self.node_with_outputs(op_type, name, inputs, attributes, 1)?;
        outputs
            .pop()
            .with_context(|| format!("node {name}: no output created"))
    }

    /// Adds a node without attributes (`Relu`, `Add`, `Mul`, ...), as [`ModelBuilder::node`].
    pub fn plain_node(&mut self, op_type: &str, name: &str, inputs: &[&Value]) -> Result<Value> {
        self.node(op_type, name, inputs, Vec::new())
    }

    /// Adds a node with `output_count` outputs, named `<name>` for the first and
    /// `<name>:<i>` for the others.
    pub fn node_with_outputs(
        &mut self,
        op_type: &str,
        name: &str,
        inputs: &[&Value],
        attributes: Vec<Attribute>,
        output_count: usize,
    ) -> Result<Vec<Value>> {
        ensure!(output_count > 0, "node {name}: needs at least one output");
        let mut attribute_names = BTreeSet::new();
        for attribute in &attributes {
            ensure!(
                attribute_names.insert(attribute.name().to_owned()),
                "node {name}: attribute {} given twice",
                attribute.name()
            );
        }
        let output_names: Vec<String> = (0..output_count)
            .map(|i| match i {
                0 => name.to_owned(),
                _ => format!("{name}:{i}"),
            })
            .collect();
        let outputs = output_names
            .iter()
            .map(|n| self.claim(n))
            .collect::<Result<Vec<_>>>()?;
        self.nodes.push(NodeProto {
            input: inputs.iter().map(|v| v.name.clone()).collect(),
            output: output_names,
            name: name.to_owned(),
            op_type: op_type.to_owned(),
            domain: String::new(),
            attribute: attributes.into_iter().map(Attribute::into_proto).collect(),
            doc_string: String::new(),
        });
        Ok(outputs)
    }

    /// Declares `value` as a float32 graph output called `name` with shape `dims`. When the value
    /// has another name, an `Identity` node called `name` is inserted.
    pub fn output_f32(&mut self, value: &Value, name: &str, dims: &[Dim]) -> Result<Value> {
        let output = if value.name == name {
            value.clone()
        } else {
            self.plain_node("Identity", name, &[value])?
        };
        ensure!(
            self.outputs.iter().all(|o| o.name != name),
            "output {name} declared twice"
        );
        self.outputs.push(float_value_info(name, dims)?);
        Ok(output)
    }

    /// The assembled `ModelProto` (checks opset range, outputs present, metadata keys unique).
    pub fn to_model_proto(&self) -> Result<ModelProto> {
        ensure!(
            (1..=MAX_OPSET_FOR_IR_VERSION).contains(&self.opset),
            "opset {} is outside 1..={MAX_OPSET_FOR_IR_VERSION} allowed by IR version {IR_VERSION}",
            self.opset
        );
        ensure!(
            !self.inputs.is_empty(),
            "graph {} has no input",
            self.graph_name
        );
        ensure!(
            !self.outputs.is_empty(),
            "graph {} has no output",
            self.graph_name
        );
        let mut keys = BTreeSet::new();
        for entry in &self.metadata {
            if !keys.insert(entry.key.as_str()) {
                bail!("metadata key {} given twice", entry.key);
            }
        }
        Ok(ModelProto {
            ir_version: IR_VERSION,
            opset_import: vec![OperatorSetIdProto {
                domain: String::new(),
                version: self.opset,
            }],
            producer_name: PRODUCER_NAME.to_owned(),
            producer_version: self.producer_version.clone(),
            doc_string: self.doc_string.clone(),
            graph: Some(GraphProto {
                node: self.nodes.clone(),
                name: self.graph_name.clone(),
                initializer: self.initializers.clone(),
                input: self.inputs.clone(),
                output: self.outputs.clone(),
                ..GraphProto::default()
            }),
            metadata_props: self.metadata.clone(),
            ..ModelProto::default()
        })
    }

    /// The protobuf bytes of the model: identical for identical builder calls.
    pub fn encode(&self) -> Result<Vec<u8>> {
        Ok(self.to_model_proto()?.encode_to_vec())
    }

    /// Encodes the model and writes it to `path` atomically (temporary file in the same folder,
    /// then rename), so a crash never leaves a truncated model behind.
    pub fn write(&self, path: &Path) -> Result<()> {
        let bytes = self.encode()?;
        write_atomically(path, &bytes)
    }

    /// Reserves a tensor/node name, refusing duplicates and empty names.
    fn claim(&mut self, name: &str) -> Result<Value> {
        ensure!(!name.is_empty(), "empty tensor name");
        ensure!(
            self.names.insert(name.to_owned()),
            "tensor name {name} is used twice in graph {}",
            self.graph_name
        );
        Ok(Value {
            name: name.to_owned(),
        })
    }
}

fn check_element_count(name: &str, shape: &[usize], len: usize) -> Result<()> {
    let expected = shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .with_context(|| format!("initializer {name}: shape {shape:?} overflows"))?;
    ensure!(
        expected == len,
        "initializer {name}: shape {shape:?} needs {expected} values, got {len}"
    );
    Ok(())
}

fn float_value_info(name: &str, dims: &[Dim]) -> Result<ValueInfoProto> {
    let dim = dims
        .iter()
        .map(Dim::to_proto)
        .collect::<Result<Vec<_>>>()
        .with_context(|| format!("shape of {name}"))?;
    Ok(ValueInfoProto {
        name: name.to_owned(),
        r#type: Some(TypeProto {
            denotation: String::new(),
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: DataType::Float as i32,
                shape: Some(TensorShapeProto { dim }),
            })),
        }),
        doc_string: String::new(),
    })
}
