//! face-api.js's TinyXception feature extractor (`src/xception/TinyXception.ts`) as ONNX nodes,
//! with its weight names (`extractParamsFromWeightMap.ts`):
//!
//! ```text
//! entry_flow/conv_in            3x3 conv, stride 2, 3 -> 32, then ReLU        112 -> 56
//! entry_flow/reduction_block_0  32 -> 64 (input not activated)                 56 -> 28
//! entry_flow/reduction_block_1  64 -> 128                                       28 -> 14
//! middle_flow/main_block_{0,1}  128 -> 128 (AgeGenderNet: TinyXception(2))
//! exit_flow/reduction_block     128 -> 256                                      14 -> 7
//! exit_flow/separable_conv      256 -> 512, then ReLU
//! ```
//!
//! A reduction block is `[relu] -> sep0 -> relu -> sep1 -> maxPool 3x3/2 same`, plus a 1x1
//! stride-2 `expansion_conv` of the block's (not activated) input. A main block is
//! `relu -> sep0 -> relu -> sep1 -> relu -> sep2`, plus its input. Every separable convolution
//! is face-api's `depthwiseSeparableConv` (3x3 depthwise, 1x1 pointwise, bias, stride 1, same).

use super::lower::{self, Feature};
use super::store::WeightStore;
use crate::error::Result;
use crate::onnx::ModelBuilder;

/// Side of the square input (`input.toBatchTensor(112, true)` in `forwardInput`).
pub const INPUT_SIZE: usize = 112;
/// Main blocks of AgeGenderNet's extractor (`new TinyXception(2)` in `AgeGenderNet.ts`).
pub const MAIN_BLOCKS: usize = 2;
/// Output channels of `entry_flow/conv_in`.
const CONV_IN_CHANNELS: usize = 32;
/// Output channels of the two entry reduction blocks.
const ENTRY_BLOCK_CHANNELS: [usize; 2] = [64, 128];
/// Output channels of `exit_flow/reduction_block`.
const EXIT_BLOCK_CHANNELS: usize = 256;
/// Output channels of `exit_flow/separable_conv`: the feature vector length.
pub const FEATURE_CHANNELS: usize = 512;
/// Kernel and stride of `conv_in` (`conv(x, params.entry_flow.conv_in, [2, 2])`, 3x3 filters).
const CONV_IN_KERNEL: usize = 3;
const CONV_IN_STRIDE: usize = 2;
/// Reduction blocks: `tf.maxPool(out, [3, 3], [2, 2], 'same')` and a 1x1 stride-2 expansion.
const POOL_KERNEL: usize = 3;
const REDUCTION_STRIDE: usize = 2;
/// `expansion_conv` filters are `[1, 1, in, out]`.
const EXPANSION_KERNEL: usize = 1;
/// A main block holds `separable_conv0` to `separable_conv2`.
const MAIN_BLOCK_CONVS: usize = 3;

/// Adds the extractor on `input` (NCHW, 3 x 112 x 112, already normalised) and returns its
/// 512 x 7 x 7 output.
pub fn build(model: &mut ModelBuilder, store: &mut WeightStore, input: Feature) -> Result<Feature> {
    let conv_in = lower::conv2d(
        model,
        store,
        "entry_flow/conv_in",
        &input,
        CONV_IN_KERNEL,
        CONV_IN_STRIDE,
        CONV_IN_CHANNELS,
    )?;
    let mut out = lower::relu(model, "entry_flow/conv_in/relu", &conv_in)?;
    for (index, &channels) in ENTRY_BLOCK_CHANNELS.iter().enumerate() {
        let prefix = format!("entry_flow/reduction_block_{index}");
        // reductionBlock(out, params.entry_flow.reduction_block_0, false): conv_in's ReLU already ran.
        out = reduction_block(model, store, &prefix, &out, channels, index != 0)?;
    }
    for index in 0..MAIN_BLOCKS {
        out = main_block(
            model,
            store,
            &format!("middle_flow/main_block_{index}"),
            &out,
        )?;
    }
    out = reduction_block(
        model,
        store,
        "exit_flow/reduction_block",
        &out,
        EXIT_BLOCK_CHANNELS,
        true,
    )?;
    let sep = lower::separable_conv(
        model,
        store,
        "exit_flow/separable_conv",
        &out,
        FEATURE_CHANNELS,
    )?;
    lower::relu(model, "exit_flow/separable_conv/relu", &sep)
}

fn reduction_block(
    model: &mut ModelBuilder,
    store: &mut WeightStore,
    prefix: &str,
    x: &Feature,
    channels: usize,
    activate_input: bool,
) -> Result<Feature> {
    let input = if activate_input {
        lower::relu(model, &format!("{prefix}/relu_in"), x)?
    } else {
        x.clone()
    };
    let sep0 = lower::separable_conv(
        model,
        store,
        &format!("{prefix}/separable_conv0"),
        &input,
        channels,
    )?;
    let relu0 = lower::relu(model, &format!("{prefix}/relu0"), &sep0)?;
    let sep1 = lower::separable_conv(
        model,
        store,
        &format!("{prefix}/separable_conv1"),
        &relu0,
        channels,
    )?;
    let pooled = lower::max_pool_same(
        model,
        &format!("{prefix}/max_pool"),
        &sep1,
        POOL_KERNEL,
        REDUCTION_STRIDE,
    )?;
    let expansion = lower::conv2d(
        model,
        store,
        &format!("{prefix}/expansion_conv"),
        x,
        EXPANSION_KERNEL,
        REDUCTION_STRIDE,
        channels,
    )?;
    lower::add(model, &format!("{prefix}/add"), &pooled, &expansion)
}

fn main_block(
    model: &mut ModelBuilder,
    store: &mut WeightStore,
    prefix: &str,
    x: &Feature,
) -> Result<Feature> {
    let mut out = x.clone();
    for index in 0..MAIN_BLOCK_CONVS {
        let relu = lower::relu(model, &format!("{prefix}/relu{index}"), &out)?;
        out = lower::separable_conv(
            model,
            store,
            &format!("{prefix}/separable_conv{index}"),
            &relu,
            x.channels,
        )?;
    }
    lower::add(model, &format!("{prefix}/add"), &out, x)
}
