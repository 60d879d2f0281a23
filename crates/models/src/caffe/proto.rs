//! Hand-written `prost` messages for the subset of Caffe's `caffe.proto` that the converter reads.
//!
//! Field numbers and types follow BVLC Caffe's `src/caffe/proto/caffe.proto` (proto2). Only the
//! fields needed to rebuild an inference graph are declared; `prost` skips every other field when
//! decoding a `.caffemodel`, and the text-format reader (`prototxt.rs`) rejects unknown fields that
//! could change the computation. Writing the structs by hand avoids `protoc` at build time.

/// `BlobShape`: the dimensions of a blob (`repeated int64 dim = 1 [packed = true]`).
#[derive(Clone, PartialEq, prost::Message)]
pub struct BlobShape {
    /// Dimensions, outermost first.
    #[prost(int64, repeated, tag = "1")]
    pub dim: Vec<i64>,
}

/// `BlobProto`: a stored tensor (weights or biases), with its shape either in `shape` or in the
/// legacy 4-D `num/channels/height/width` fields.
#[derive(Clone, PartialEq, prost::Message)]
pub struct BlobProto {
    /// Legacy 4-D shape: number of items (outermost dimension).
    #[prost(int64, optional, tag = "1")]
    pub num: Option<i64>,
    /// Legacy 4-D shape: channels.
    #[prost(int64, optional, tag = "2")]
    pub channels: Option<i64>,
    /// Legacy 4-D shape: height.
    #[prost(int64, optional, tag = "3")]
    pub height: Option<i64>,
    /// Legacy 4-D shape: width (innermost dimension).
    #[prost(int64, optional, tag = "4")]
    pub width: Option<i64>,
    /// Single-precision values, row-major.
    #[prost(float, repeated, tag = "5")]
    pub data: Vec<f32>,
    /// The N-D shape (newer files).
    #[prost(message, optional, tag = "7")]
    pub shape: Option<BlobShape>,
    /// Double-precision values, row-major (used instead of `data` by some writers).
    #[prost(double, repeated, tag = "8")]
    pub double_data: Vec<f64>,
}

/// `NetStateRule`: include/exclude rule of a layer (only the phase is supported).
#[derive(Clone, PartialEq, prost::Message)]
pub struct NetStateRule {
    /// `Phase`: TRAIN = 0, TEST = 1.
    #[prost(int32, optional, tag = "1")]
    pub phase: Option<i32>,
    /// Minimum net level (unsupported: rejected when set).
    #[prost(int32, optional, tag = "2")]
    pub min_level: Option<i32>,
    /// Maximum net level (unsupported: rejected when set).
    #[prost(int32, optional, tag = "3")]
    pub max_level: Option<i32>,
    /// Required stages (unsupported: rejected when set).
    #[prost(string, repeated, tag = "4")]
    pub stage: Vec<String>,
    /// Forbidden stages (unsupported: rejected when set).
    #[prost(string, repeated, tag = "5")]
    pub not_stage: Vec<String>,
}

/// `ConvolutionParameter`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ConvolutionParameter {
    /// Number of output channels.
    #[prost(uint32, optional, tag = "1")]
    pub num_output: Option<u32>,
    /// Whether a bias blob follows the weights (default true).
    #[prost(bool, optional, tag = "2")]
    pub bias_term: Option<bool>,
    /// Padding, once for all spatial axes or once per axis (default 0).
    #[prost(uint32, repeated, packed = "false", tag = "3")]
    pub pad: Vec<u32>,
    /// Kernel size, once for all spatial axes or once per axis.
    #[prost(uint32, repeated, packed = "false", tag = "4")]
    pub kernel_size: Vec<u32>,
    /// Number of groups (default 1).
    #[prost(uint32, optional, tag = "5")]
    pub group: Option<u32>,
    /// Stride, once for all spatial axes or once per axis (default 1).
    #[prost(uint32, repeated, packed = "false", tag = "6")]
    pub stride: Vec<u32>,
    /// Padding height (2-D only).
    #[prost(uint32, optional, tag = "9")]
    pub pad_h: Option<u32>,
    /// Padding width (2-D only).
    #[prost(uint32, optional, tag = "10")]
    pub pad_w: Option<u32>,
    /// Kernel height (2-D only).
    #[prost(uint32, optional, tag = "11")]
    pub kernel_h: Option<u32>,
    /// Kernel width (2-D only).
    #[prost(uint32, optional, tag = "12")]
    pub kernel_w: Option<u32>,
    /// Stride height (2-D only).
    #[prost(uint32, optional, tag = "13")]
    pub stride_h: Option<u32>,
    /// Stride width (2-D only).
    #[prost(uint32, optional, tag = "14")]
    pub stride_w: Option<u32>,
    /// Channel axis (default 1; anything else is unsupported).
    #[prost(int32, optional, tag = "16")]
    pub axis: Option<i32>,
    /// Kernel dilation (default 1; anything else is unsupported).
    #[prost(uint32, repeated, packed = "false", tag = "18")]
    pub dilation: Vec<u32>,
}

/// `PoolingParameter.PoolMethod`: MAX = 0.
pub const POOL_MAX: i32 = 0;
/// `PoolingParameter.PoolMethod`: AVE = 1.
pub const POOL_AVE: i32 = 1;
/// `PoolingParameter.RoundMode`: CEIL = 0 (Caffe's default).
pub const ROUND_CEIL: i32 = 0;
/// `PoolingParameter.RoundMode`: FLOOR = 1.
pub const ROUND_FLOOR: i32 = 1;

/// `PoolingParameter`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PoolingParameter {
    /// `PoolMethod`: MAX = 0, AVE = 1, STOCHASTIC = 2 (default MAX).
    #[prost(int32, optional, tag = "1")]
    pub pool: Option<i32>,
    /// Square kernel size.
    #[prost(uint32, optional, tag = "2")]
    pub kernel_size: Option<u32>,
    /// Stride for both axes (default 1).
    #[prost(uint32, optional, tag = "3")]
    pub stride: Option<u32>,
    /// Padding for both axes (default 0).
    #[prost(uint32, optional, tag = "4")]
    pub pad: Option<u32>,
    /// Kernel height.
    #[prost(uint32, optional, tag = "5")]
    pub kernel_h: Option<u32>,
    /// Kernel width.
    #[prost(uint32, optional, tag = "6")]
    pub kernel_w: Option<u32>,
    /// Stride height.
    #[prost(uint32, optional, tag = "7")]
    pub stride_h: Option<u32>,
    /// Stride width.
    #[prost(uint32, optional, tag = "8")]
    pub stride_w: Option<u32>,
    /// Padding height.
    #[prost(uint32, optional, tag = "9")]
    pub pad_h: Option<u32>,
    /// Padding width.
    #[prost(uint32, optional, tag = "10")]
    pub pad_w: Option<u32>,
    /// Pool over the whole spatial extent (kernel = input size).
    #[prost(bool, optional, tag = "12")]
    pub global_pooling: Option<bool>,
    /// `RoundMode`: CEIL = 0 (default), FLOOR = 1 (newer Caffe only).
    #[prost(int32, optional, tag = "13")]
    pub round_mode: Option<i32>,
}

/// `LRNParameter.NormRegion`: ACROSS_CHANNELS = 0.
pub const LRN_ACROSS_CHANNELS: i32 = 0;

/// `LRNParameter`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LrnParameter {
    /// Number of channels summed over (default 5, must be odd).
    #[prost(uint32, optional, tag = "1")]
    pub local_size: Option<u32>,
    /// Scale (default 1); Caffe divides it by `local_size`.
    #[prost(float, optional, tag = "2")]
    pub alpha: Option<f32>,
    /// Exponent (default 0.75).
    #[prost(float, optional, tag = "3")]
    pub beta: Option<f32>,
    /// `NormRegion`: ACROSS_CHANNELS = 0 (default), WITHIN_CHANNEL = 1 (unsupported).
    #[prost(int32, optional, tag = "4")]
    pub norm_region: Option<i32>,
    /// Additive constant (default 1).
    #[prost(float, optional, tag = "5")]
    pub k: Option<f32>,
}

/// `InnerProductParameter`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct InnerProductParameter {
    /// Number of outputs.
    #[prost(uint32, optional, tag = "1")]
    pub num_output: Option<u32>,
    /// Whether a bias blob follows the weights (default true).
    #[prost(bool, optional, tag = "2")]
    pub bias_term: Option<bool>,
    /// First axis flattened into the product (default 1; anything else is unsupported).
    #[prost(int32, optional, tag = "5")]
    pub axis: Option<i32>,
    /// Weights stored as `[K, num_output]` instead of `[num_output, K]` (default false).
    #[prost(bool, optional, tag = "6")]
    pub transpose: Option<bool>,
}

/// `DropoutParameter` (identity at inference; read only so that the text reader accepts it).
#[derive(Clone, PartialEq, prost::Message)]
pub struct DropoutParameter {
    /// Training-time dropout probability.
    #[prost(float, optional, tag = "1")]
    pub dropout_ratio: Option<f32>,
}

/// `ReLUParameter`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ReluParameter {
    /// Slope for negative inputs (default 0: plain ReLU).
    #[prost(float, optional, tag = "1")]
    pub negative_slope: Option<f32>,
}

/// `SoftmaxParameter`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SoftmaxParameter {
    /// Axis of the softmax (default 1).
    #[prost(int32, optional, tag = "2")]
    pub axis: Option<i32>,
}

/// `InputParameter`: shapes of the tops of an `Input` layer.
#[derive(Clone, PartialEq, prost::Message)]
pub struct InputParameter {
    /// One shape per top, or one shape shared by all tops.
    #[prost(message, repeated, tag = "1")]
    pub shape: Vec<BlobShape>,
}

/// `LayerParameter`: a layer in the current format (`layer { type: "Convolution" ... }`).
#[derive(Clone, PartialEq, prost::Message)]
pub struct LayerParameter {
    /// Layer name (matches weights between prototxt and caffemodel).
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    /// Layer type as a string, such as "Convolution".
    #[prost(string, optional, tag = "2")]
    pub r#type: Option<String>,
    /// Input blob names.
    #[prost(string, repeated, tag = "3")]
    pub bottom: Vec<String>,
    /// Output blob names.
    #[prost(string, repeated, tag = "4")]
    pub top: Vec<String>,
    /// Learned parameters.
    #[prost(message, repeated, tag = "7")]
    pub blobs: Vec<BlobProto>,
    /// Include rules.
    #[prost(message, repeated, tag = "8")]
    pub include: Vec<NetStateRule>,
    /// Exclude rules.
    #[prost(message, repeated, tag = "9")]
    pub exclude: Vec<NetStateRule>,
    /// Convolution parameters.
    #[prost(message, optional, tag = "106")]
    pub convolution_param: Option<ConvolutionParameter>,
    /// Dropout parameters.
    #[prost(message, optional, tag = "108")]
    pub dropout_param: Option<DropoutParameter>,
    /// Inner-product parameters.
    #[prost(message, optional, tag = "117")]
    pub inner_product_param: Option<InnerProductParameter>,
    /// LRN parameters.
    #[prost(message, optional, tag = "118")]
    pub lrn_param: Option<LrnParameter>,
    /// Pooling parameters.
    #[prost(message, optional, tag = "121")]
    pub pooling_param: Option<PoolingParameter>,
    /// ReLU parameters.
    #[prost(message, optional, tag = "123")]
    pub relu_param: Option<ReluParameter>,
    /// Softmax parameters.
    #[prost(message, optional, tag = "125")]
    pub softmax_param: Option<SoftmaxParameter>,
    /// Input-layer parameters.
    #[prost(message, optional, tag = "143")]
    pub input_param: Option<InputParameter>,
}

/// `V1LayerParameter`: a layer in the old format (`layers { type: CONVOLUTION ... }`).
#[derive(Clone, PartialEq, prost::Message)]
pub struct V1LayerParameter {
    /// Input blob names.
    #[prost(string, repeated, tag = "2")]
    pub bottom: Vec<String>,
    /// Output blob names.
    #[prost(string, repeated, tag = "3")]
    pub top: Vec<String>,
    /// Layer name.
    #[prost(string, optional, tag = "4")]
    pub name: Option<String>,
    /// `V1LayerParameter.LayerType` enum value (its name: `layer_type::v1_name`).
    #[prost(int32, optional, tag = "5")]
    pub r#type: Option<i32>,
    /// Learned parameters.
    #[prost(message, repeated, tag = "6")]
    pub blobs: Vec<BlobProto>,
    /// Convolution parameters.
    #[prost(message, optional, tag = "10")]
    pub convolution_param: Option<ConvolutionParameter>,
    /// Dropout parameters.
    #[prost(message, optional, tag = "12")]
    pub dropout_param: Option<DropoutParameter>,
    /// Inner-product parameters.
    #[prost(message, optional, tag = "17")]
    pub inner_product_param: Option<InnerProductParameter>,
    /// LRN parameters.
    #[prost(message, optional, tag = "18")]
    pub lrn_param: Option<LrnParameter>,
    /// Pooling parameters.
    #[prost(message, optional, tag = "19")]
    pub pooling_param: Option<PoolingParameter>,
    /// ReLU parameters.
    #[prost(message, optional, tag = "30")]
    pub relu_param: Option<ReluParameter>,
    /// Include rules.
    #[prost(message, repeated, tag = "32")]
    pub include: Vec<NetStateRule>,
    /// Exclude rules.
    #[prost(message, repeated, tag = "33")]
    pub exclude: Vec<NetStateRule>,
    /// Softmax parameters.
    #[prost(message, optional, tag = "39")]
    pub softmax_param: Option<SoftmaxParameter>,
}

/// `NetParameter`: a whole net, from a prototxt (topology) or a caffemodel (topology + weights).
#[derive(Clone, PartialEq, prost::Message)]
pub struct NetParameter {
    /// Net name.
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    /// Old-format layers (V1).
    #[prost(message, repeated, tag = "2")]
    pub layers: Vec<V1LayerParameter>,
    /// Deprecated net inputs (blob names).
    #[prost(string, repeated, tag = "3")]
    pub input: Vec<String>,
    /// Deprecated 4-D input dimensions, four per input.
    #[prost(int64, repeated, packed = "false", tag = "4")]
    pub input_dim: Vec<i64>,
    /// Deprecated input shapes, one per input.
    #[prost(message, repeated, tag = "8")]
    pub input_shape: Vec<BlobShape>,
    /// Current-format layers.
    #[prost(message, repeated, tag = "100")]
    pub layer: Vec<LayerParameter>,
}
