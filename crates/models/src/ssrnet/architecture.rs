//! The SSR-Net 3_3_3_64 architecture as a table of weight-bearing layers and their shapes
//! (`../shared/docs/models.md` section 1, layer names as Keras 2 generated them).

/// Side of the square input image (the `64` in `ssrnet_*_3_3_3_64_1.0_1.0.h5`).
pub const INPUT_SIZE: usize = 64;
/// Input channels (BGR).
pub const INPUT_CHANNELS: usize = 3;
/// Channels of the x stream (ReLU / average pool) convolutions.
pub const X_CHANNELS: usize = 32;
/// Channels of the s stream (tanh / max pool) convolutions.
pub const S_CHANNELS: usize = 16;
/// Kernel size of the stream convolutions.
pub const STREAM_KERNEL: usize = 3;
/// Channels of each stage's 1x1 feature convolution.
pub const STAGE_FEATURE_CHANNELS: usize = 10;
/// Bins per stage: s1 = s2 = s3 = 3 (the `3_3_3` in the file name).
pub const STAGE_BINS: usize = 3;
/// Flat feature size of stage 1: 4 x 4 x 10.
pub const STAGE1_FLAT: usize = 4 * 4 * STAGE_FEATURE_CHANNELS;
/// Flat feature size of stages 2 and 3: 3 x 3 x 10.
pub const STAGE23_FLAT: usize = 3 * 3 * STAGE_FEATURE_CHANNELS;
/// Number of stages.
pub const STAGES: usize = 3;

/// Which of the two SSR-Net weight files is converted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SsrNetTarget {
    /// `ssrnet_age_*.h5`: output is the age in years.
    Age,
    /// `ssrnet_gender_*.h5`: output >= 0.5 means Male.
    Gender,
}

impl SsrNetTarget {
    /// The final scale V of the soft stagewise regression (models.md: 101 for age, 1 for gender).
    pub fn output_scale(self) -> f32 {
        match self {
            SsrNetTarget::Age => 101.0,
            SsrNetTarget::Gender => 1.0,
        }
    }

    /// Name of the stage-`k` prediction layer (`k` = 1..=3), which differs between the files.
    pub fn pred_layer(self, stage: usize) -> String {
        match self {
            SsrNetTarget::Age => format!("pred_age_stage{stage}"),
            SsrNetTarget::Gender => format!("pred_stage{stage}"),
        }
    }

    /// Lowercase name for graph names and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            SsrNetTarget::Age => "age",
            SsrNetTarget::Gender => "gender",
        }
    }
}

/// The kind of a weight-bearing layer, with the sizes that fix its weight shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerKind {
    /// `Conv2D`: `kernel:0` `[k, k, in, out]` (HWIO), `bias:0` `[out]`.
    Conv2d {
        /// Kernel side.
        kernel: usize,
        /// Input channels.
        inputs: usize,
        /// Output channels.
        outputs: usize,
    },
    /// `BatchNormalization`: `gamma:0`, `beta:0`, `moving_mean:0`, `moving_variance:0`, each `[c]`.
    BatchNorm {
        /// Channels.
        channels: usize,
    },
    /// `Dense`: `kernel:0` `[in, out]`, `bias:0` `[out]`.
    Dense {
        /// Input features.
        inputs: usize,
        /// Output units.
        units: usize,
    },
}

/// One named weight tensor a layer must hold, with its required shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightSpec {
    /// Keras weight name without the `:0` suffix, e.g. `kernel`.
    pub name: &'static str,
    /// Required shape.
    pub shape: Vec<usize>,
}

impl LayerKind {
    /// The weights a layer of this kind holds, in Keras' order.
    pub fn weights(self) -> Vec<WeightSpec> {
        let spec = |name, shape| WeightSpec { name, shape };
        match self {
            LayerKind::Conv2d {
                kernel,
                inputs,
                outputs,
            } => vec![
                spec("kernel", vec![kernel, kernel, inputs, outputs]),
                spec("bias", vec![outputs]),
            ],
            LayerKind::BatchNorm { channels } => vec![
                spec("gamma", vec![channels]),
                spec("beta", vec![channels]),
                spec("moving_mean", vec![channels]),
                spec("moving_variance", vec![channels]),
            ],
            LayerKind::Dense { inputs, units } => vec![
                spec("kernel", vec![inputs, units]),
                spec("bias", vec![units]),
            ],
        }
    }
}

/// A weight-bearing layer of the architecture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerSpec {
    /// Keras layer name, e.g. `conv2d_3`.
    pub name: String,
    /// Kind and sizes.
    pub kind: LayerKind,
}

/// Names of one stage's dense layers (models.md, "Per stage k").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageLayerNames {
    /// 1x1 conv on the s-tensor.
    pub s_conv: String,
    /// 1x1 conv on the x-tensor.
    pub x_conv: String,
    /// Dense mixing the s features (`dense_1` / `dense_4` / `dense_7`).
    pub s_mix: String,
    /// Dense mixing the x features (`dense_2` / `dense_5` / `dense_8`).
    pub x_mix: String,
    /// Dense of the feature product to `delta_k` (`delta_s1` / ...).
    pub delta: String,
    /// Dense to the 6 stage features (`dense_3` / `dense_6` / `dense_9`).
    pub feature: String,
    /// Dense to the 3 bin probabilities (`pred_age_stage{k}` or `pred_stage{k}`).
    pub pred: String,
    /// Dense to the 3 local bin shifts (`local_delta_stage{k}`).
    pub local: String,
}

/// Layer names of stage `stage` (1..=3).
pub fn stage_layer_names(target: SsrNetTarget, stage: usize) -> StageLayerNames {
    // Keras numbered layers in creation order: stage k owns conv2d_{8+2k-1}, conv2d_{8+2k} and
    // dense_{3k-2}..dense_{3k}.
    let first_dense = 3 * (stage - 1) + 1;
    StageLayerNames {
        s_conv: format!("conv2d_{}", 8 + 2 * stage - 1),
        x_conv: format!("conv2d_{}", 8 + 2 * stage),
        s_mix: format!("dense_{first_dense}"),
        x_mix: format!("dense_{}", first_dense + 1),
        delta: format!("delta_s{stage}"),
        feature: format!("dense_{}", first_dense + 2),
        pred: target.pred_layer(stage),
        local: format!("local_delta_stage{stage}"),
    }
}

/// Flat feature size entering stage `stage`'s dense layers.
pub fn stage_flat_size(stage: usize) -> usize {
    if stage == 1 {
        STAGE1_FLAT
    } else {
        STAGE23_FLAT
    }
}

/// Every weight-bearing layer of SSR-Net 3_3_3_64, for the given file.
pub fn layers(target: SsrNetTarget) -> Vec<LayerSpec> {
    let mut layers = Vec::new();
    let mut push = |name: String, kind| layers.push(LayerSpec { name, kind });
    // Streams: conv2d_1..4 + batch_normalization_1..4 (x), conv2d_5..8 + _5..8 (s).
    for (first, channels) in [(1, X_CHANNELS), (5, S_CHANNELS)] {
        for i in 0..4 {
            let index = first + i;
            let inputs = if i == 0 { INPUT_CHANNELS } else { channels };
            push(
                format!("conv2d_{index}"),
                LayerKind::Conv2d {
                    kernel: STREAM_KERNEL,
                    inputs,
                    outputs: channels,
                },
            );
            push(
                format!("batch_normalization_{index}"),
                LayerKind::BatchNorm { channels },
            );
        }
    }
    for stage in 1..=STAGES {
        let names = stage_layer_names(target, stage);
        let flat = stage_flat_size(stage);
        let conv = |inputs| LayerKind::Conv2d {
            kernel: 1,
            inputs,
            outputs: STAGE_FEATURE_CHANNELS,
        };
        let dense = |inputs, units| LayerKind::Dense { inputs, units };
        push(names.s_conv, conv(S_CHANNELS));
        push(names.x_conv, conv(X_CHANNELS));
        push(names.s_mix, dense(flat, STAGE_BINS));
        push(names.x_mix, dense(flat, STAGE_BINS));
        push(names.delta, dense(flat, 1));
        push(names.feature, dense(STAGE_BINS, 2 * STAGE_BINS));
        push(names.pred, dense(2 * STAGE_BINS, STAGE_BINS));
        push(names.local, dense(2 * STAGE_BINS, STAGE_BINS));
    }
    layers
}
