//! Caffe's across-channel LRN, `y = x * (k + alpha / n * sum(x^2 over n channels))^(-beta)`,
//! written with elementary ONNX operators instead of ONNX `LRN`.
//!
//! tract evaluates ONNX `LRN` element by element through dynamic ndarray indexing: about 10 ms
//! for the 96 x 28 x 28 map of the Levi-Hassner nets, a third of a whole forward pass. The same
//! formula as `Mul -> Conv -> Pow -> Mul` runs on tract's optimised kernels: the windowed channel
//! sum is a 1x1 convolution whose `C x C` band matrix holds `alpha / n` inside the window (the
//! window is clipped at the first and last channel, as in Caffe) and whose bias is `k`. For
//! `beta = 0.75` the power is `Sqrt -> Sqrt -> Mul -> Div`, cheaper still than `Pow`.

use super::proto::{LRN_ACROSS_CHANNELS, LrnParameter};
use super::tensor::{Tensor, image_shape};
use crate::error::{Result, ensure};
use crate::onnx::{Attribute, ModelBuilder};

/// caffe.proto's `LRNParameter` defaults.
const DEFAULT_LOCAL_SIZE: u32 = 5;
/// caffe.proto default `alpha`.
const DEFAULT_ALPHA: f32 = 1.0;
/// caffe.proto default `beta`.
const DEFAULT_BETA: f32 = 0.75;
/// caffe.proto default `k`.
const DEFAULT_K: f32 = 1.0;
/// The `beta` computed with two square roots instead of a general power (Caffe's default and the
/// value of every AlexNet-style net, the Levi-Hassner ones included).
const SQRT_PATH_BETA: f32 = 0.75;
/// Largest channel count accepted: the band matrix has `channels^2` weights (4 GiB at 32768).
const MAX_CHANNELS: usize = 16_384;

/// The `C x C` weights of the windowed channel sum: `scale` where output channel `o` reads input
/// channel `i` (`|o - i| <= half`), else 0; row-major `[o][i]`.
pub(super) fn band_matrix(channels: usize, half: usize, scale: f32) -> Vec<f32> {
    let mut weights = vec![0f32; channels * channels];
    for (o, row) in weights.chunks_exact_mut(channels).enumerate() {
        for (i, weight) in row.iter_mut().enumerate() {
            if o.abs_diff(i) <= half {
                *weight = scale;
            }
        }
    }
    weights
}

/// Lowers a Caffe LRN layer (ACROSS_CHANNELS only; odd `local_size` as Caffe requires).
pub(super) fn lrn(
    model: &mut ModelBuilder,
    name: &str,
    bottom: &Tensor,
    p: &LrnParameter,
) -> Result<Tensor> {
    let [channels, _, _] = image_shape(bottom)?;
    ensure!(
        channels <= MAX_CHANNELS,
        "LRN over {channels} channels is not supported (at most {MAX_CHANNELS})"
    );
    ensure!(
        p.norm_region.unwrap_or(LRN_ACROSS_CHANNELS) == LRN_ACROSS_CHANNELS,
        "only ACROSS_CHANNELS normalisation is supported"
    );
    let size = p.local_size.unwrap_or(DEFAULT_LOCAL_SIZE);
    ensure!(
        size % 2 == 1,
        "local_size {size} must be odd (as Caffe requires)"
    );
    let alpha = p.alpha.unwrap_or(DEFAULT_ALPHA);
    let beta = p.beta.unwrap_or(DEFAULT_BETA);
    let k = p.k.unwrap_or(DEFAULT_K);
    let half = (size as usize - 1) / 2;

    let named = |step: &str| format!("{name}_{step}");
    let squares = model.plain_node("Mul", &named("square"), &[&bottom.value, &bottom.value])?;
    let band = model.initializer_f32(
        &named("window"),
        &[channels, channels, 1, 1],
        &band_matrix(channels, half, alpha / size as f32),
    )?;
    let bias = model.initializer_f32(&named("k"), &[channels], &vec![k; channels])?;
    let scale = model.node(
        "Conv",
        &named("scale"),
        &[&squares, &band, &bias],
        vec![Attribute::ints("kernel_shape", &[1, 1])],
    )?;
    let value = if beta == SQRT_PATH_BETA {
        // scale^0.75 = sqrt(scale) * sqrt(sqrt(scale)): two square roots cost far less than a
        // general power in tract (`powf` per element).
        let root = model.plain_node("Sqrt", &named("sqrt"), &[&scale])?;
        let fourth_root = model.plain_node("Sqrt", &named("fourth_root"), &[&root])?;
        let power = model.plain_node("Mul", &named("power"), &[&root, &fourth_root])?;
        model.plain_node("Div", name, &[&bottom.value, &power])?
    } else {
        let exponent = model.initializer_f32(&named("minus_beta"), &[], &[-beta])?;
        let factor = model.plain_node("Pow", &named("factor"), &[&scale, &exponent])?;
        model.plain_node("Mul", name, &[&bottom.value, &factor])?
    };
    Ok(bottom.with_value(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_matrix_clips_the_window_at_the_edges() {
        let band = band_matrix(4, 1, 0.5);
        #[rustfmt::skip]
        let expected = [
            0.5, 0.5, 0.0, 0.0,
            0.5, 0.5, 0.5, 0.0,
            0.0, 0.5, 0.5, 0.5,
            0.0, 0.0, 0.5, 0.5,
        ];
        assert_eq!(band, expected);
    }
}
