//! Node attributes (`kernel_shape`, `strides`, `epsilon`, ...), built with typed constructors.

use tract_onnx::pb::AttributeProto;
use tract_onnx::pb::attribute_proto::AttributeType;

/// One named attribute of a node, e.g. `Attribute::ints("strides", &[2, 2])`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    proto: AttributeProto,
}

impl Attribute {
    fn proto(name: &str, kind: AttributeType) -> AttributeProto {
        AttributeProto {
            name: name.to_owned(),
            r#type: kind as i32,
            ..AttributeProto::default()
        }
    }

    /// An integer attribute (`axis`, `keepdims`, `ceil_mode`, `transB`, ...).
    pub fn int(name: &str, value: i64) -> Self {
        let mut proto = Self::proto(name, AttributeType::Int);
        proto.i = value;
        Attribute { proto }
    }

    /// A list of integers (`kernel_shape`, `strides`, `pads`, `perm`, ...).
    pub fn ints(name: &str, values: &[i64]) -> Self {
        let mut proto = Self::proto(name, AttributeType::Ints);
        proto.ints = values.to_vec();
        Attribute { proto }
    }

    /// A float attribute (`epsilon`, `alpha`, `beta`, `bias`, ...).
    pub fn float(name: &str, value: f32) -> Self {
        let mut proto = Self::proto(name, AttributeType::Float);
        proto.f = value;
        Attribute { proto }
    }

    /// A list of floats.
    pub fn floats(name: &str, values: &[f32]) -> Self {
        let mut proto = Self::proto(name, AttributeType::Floats);
        proto.floats = values.to_vec();
        Attribute { proto }
    }

    /// A string attribute (`auto_pad`, `mode`, ...), stored as UTF-8 bytes.
    pub fn string(name: &str, value: &str) -> Self {
        let mut proto = Self::proto(name, AttributeType::String);
        proto.s = value.as_bytes().to_vec();
        Attribute { proto }
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
