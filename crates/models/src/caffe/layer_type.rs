//! Caffe layer types: the V1 `LayerType` enum table and the mapping of both formats onto the
//! layer kinds the converter understands.

/// `V1LayerParameter.LayerType` names and numbers, as in BVLC Caffe's `caffe.proto`.
const V1_LAYER_TYPES: [(&str, i32); 40] = [
    ("NONE", 0),
    ("ABSVAL", 35),
    ("ACCURACY", 1),
    ("ARGMAX", 30),
    ("BNLL", 2),
    ("CONCAT", 3),
    ("CONTRASTIVE_LOSS", 37),
    ("CONVOLUTION", 4),
    ("DATA", 5),
    ("DECONVOLUTION", 39),
    ("DROPOUT", 6),
    ("DUMMY_DATA", 32),
    ("EUCLIDEAN_LOSS", 7),
    ("ELTWISE", 25),
    ("EXP", 38),
    ("FLATTEN", 8),
    ("HDF5_DATA", 9),
    ("HDF5_OUTPUT", 10),
    ("HINGE_LOSS", 28),
    ("IM2COL", 11),
    ("IMAGE_DATA", 12),
    ("INFOGAIN_LOSS", 13),
    ("INNER_PRODUCT", 14),
    ("LRN", 15),
    ("MEMORY_DATA", 29),
    ("MULTINOMIAL_LOGISTIC_LOSS", 16),
    ("MVN", 34),
    ("POOLING", 17),
    ("POWER", 26),
    ("RELU", 18),
    ("SIGMOID", 19),
    ("SIGMOID_CROSS_ENTROPY_LOSS", 27),
    ("SILENCE", 36),
    ("SOFTMAX", 20),
    ("SOFTMAX_LOSS", 21),
    ("SPLIT", 22),
    ("SLICE", 33),
    ("TANH", 23),
    ("WINDOW_DATA", 24),
    ("THRESHOLD", 31),
];

/// The number of a V1 layer type name (`CONVOLUTION` -> 4), if it is one.
pub fn v1_number(name: &str) -> Option<i32> {
    V1_LAYER_TYPES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
}

/// The name of a V1 layer type number (4 -> `CONVOLUTION`), if it is one.
pub fn v1_name(number: i32) -> Option<&'static str> {
    V1_LAYER_TYPES
        .iter()
        .find(|(_, v)| *v == number)
        .map(|(n, _)| *n)
}

/// The layer types the converter can translate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerKind {
    /// `Input` (new format only): declares the net input.
    Input,
    /// `Convolution` / `CONVOLUTION`.
    Convolution,
    /// `ReLU` / `RELU`.
    Relu,
    /// `Pooling` / `POOLING`.
    Pooling,
    /// `LRN` / `LRN`.
    Lrn,
    /// `InnerProduct` / `INNER_PRODUCT`.
    InnerProduct,
    /// `Dropout` / `DROPOUT` (identity at inference).
    Dropout,
    /// `Softmax` / `SOFTMAX`.
    Softmax,
}

impl LayerKind {
    /// The kind of a new-format layer type string, or `None` when unsupported.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "Input" => LayerKind::Input,
            "Convolution" => LayerKind::Convolution,
            "ReLU" => LayerKind::Relu,
            "Pooling" => LayerKind::Pooling,
            "LRN" => LayerKind::Lrn,
            "InnerProduct" => LayerKind::InnerProduct,
            "Dropout" => LayerKind::Dropout,
            "Softmax" => LayerKind::Softmax,
            _ => return None,
        })
    }

    /// The kind of a V1 layer type number, or `None` when unsupported.
    pub fn from_v1(number: i32) -> Option<Self> {
        Some(match v1_name(number)? {
            "CONVOLUTION" => LayerKind::Convolution,
            "RELU" => LayerKind::Relu,
            "POOLING" => LayerKind::Pooling,
            "LRN" => LayerKind::Lrn,
            "INNER_PRODUCT" => LayerKind::InnerProduct,
            "DROPOUT" => LayerKind::Dropout,
            "SOFTMAX" => LayerKind::Softmax,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_table_round_trips_and_maps_supported_types() {
        assert_eq!(v1_number("CONVOLUTION"), Some(4));
        assert_eq!(v1_name(20), Some("SOFTMAX"));
        assert_eq!(LayerKind::from_v1(14), Some(LayerKind::InnerProduct));
        assert_eq!(LayerKind::from_v1(3), None, "CONCAT is not supported");
        assert_eq!(LayerKind::from_v1(999), None);
        assert_eq!(LayerKind::from_name("LRN"), Some(LayerKind::Lrn));
        assert_eq!(LayerKind::from_name("Concat"), None);
        for (name, number) in V1_LAYER_TYPES {
            assert_eq!(v1_name(number), Some(name));
        }
    }
}
