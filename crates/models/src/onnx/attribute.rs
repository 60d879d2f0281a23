//! Node attributes (`kernel_shape`, `strides`, `epsilon`, ...), built with typed constructors.

use tract_onnx::pb::AttributeProto;
use tract_onnx::pb::attribute_proto::AttributeType;

/// One named attribute of a node, e.g. `Attribute::ints("strides", &[2, 2])`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    proto: AttributeProto,
}

impl Attribute {
    /// An attribute of type `kind` whose value `set` stores in its field of the proto.
    fn new(name: &str, kind: AttributeType, set: impl FnOnce(&mut AttributeProto)) -> Self {
        let mut proto = AttributeProto {
            name: name.to_owned(),
            r#type: kind as i32,
            ..AttributeProto::default()
        };
        set(&mut proto);
        Attribute { proto }
    }

    /// An integer attribute (`axis`, `keepdims`, `ceil_mode`, `transB`, ...).
    pub fn int(name: &str, value: i64) -> Self {
        Self::new(name, AttributeType::Int, |p| p.i = value)
    }

    /// A list of integers (`kernel_shape`, `strides`, `pads`, `perm`, ...).
    pub fn ints(name: &str, values: &[i64]) -> Self {
        Self::new(name, AttributeType::Ints, |p| p.ints = values.to_vec())
    }

    /// A float attribute (`epsilon`, `alpha`, `beta`, `bias`, ...).
    pub fn float(name: &str, value: f32) -> Self {
        Self::new(name, AttributeType::Float, |p| p.f = value)
    }

    /// A list of floats.
    pub fn floats(name: &str, values: &[f32]) -> Self {
        Self::new(name, AttributeType::Floats, |p| p.floats = values.to_vec())
    }

    /// A string attribute (`auto_pad`, `mode`, ...), stored as UTF-8 bytes.
    pub fn string(name: &str, value: &str) -> Self {
        Self::new(name, AttributeType::String, |p| {
            p.s = value.as_bytes().to_vec()
        })
    }

    /// The attribute's name.
    pub fn name(&self) -> &str {
        &self.proto.name
    }

    /// The protobuf form, consumed by the builder.
    pub(crate) fn into_proto(self) -> AttributeProto {
        self.proto
    }
}
