//! face-api.js's AgeGenderNet (`src/ageGenderNet/AgeGenderNet.ts`) as one ONNX graph:
//! TinyXception(2), `tf.avgPool(features, [7, 7], [2, 2], 'valid')` to a 512-vector, then two
//! fully connected heads (`fc/age` 512 -> 1, `fc/gender` 512 -> 2, `matMul + bias`) and
//! `tf.softmax` of the gender logits (`forwardInput`).
//!
//! Graph input `input`: f32 `[N, 112, 112, 3]`, NHWC RGB, already normalised as face-api's
//! `forwardInput` does (`(x - meanRgb) / 256`). Graph output `age_gender`: f32 `[N, 3]` = age in
//! years, P(male), P(female) (face-api's softmax order: `probMale = gender[0]`). One output
//! because the estimate crate's net runner reads a net's first output.

use super::lower::Feature;
use super::store::WeightStore;
use super::tiny_xception::{self, FEATURE_CHANNELS, INPUT_SIZE};
use super::weights::WeightMap;
use crate::error::Result;
use crate::onnx::{Attribute, Dim, ModelBuilder};

/// Name of the graph input.
pub const INPUT_NAME: &str = "input";
/// Name of the graph output.
pub const OUTPUT_NAME: &str = "age_gender";
/// Values per face in the output: age, P(male), P(female).
pub const OUTPUTS_PER_FACE: usize = 3;
/// ONNX opset of the graph (Softmax over one axis).
pub const OPSET: i64 = 13;
/// The net's name in messages.
const NET: &str = "face-api's AgeGenderNet";
/// RGB input channels.
const CHANNELS: usize = 3;
/// `tf.avgPool(bottleneckFeatures, [7, 7], [2, 2], 'valid')` in `runNet`.
const POOL_KERNEL: i64 = 7;
const POOL_STRIDE: i64 = 2;
/// Output sizes of the two heads (`fc/age/weights` `[512, 1]`, `fc/gender/weights` `[512, 2]`).
const AGE_OUTPUTS: usize = 1;
const GENDER_OUTPUTS: usize = 2;

/// Builds the graph from decoded weights, refusing any missing, misshapen or extra weight.
pub fn build(weights: WeightMap, metadata: &[(&str, &str)]) -> Result<ModelBuilder> {
    let mut store = WeightStore::new(weights, NET);
    let mut model = ModelBuilder::new("faceapi_age_gender", OPSET);
    let input = model.input_f32(
        INPUT_NAME,
        &Dim::batched(&[INPUT_SIZE, INPUT_SIZE, CHANNELS]),
    )?;
    // face-api works in NHWC; ONNX convolutions in NCHW.
    let nchw = model.node(
        "Transpose",
        "input/nchw",
        &[&input],
        vec![Attribute::ints("perm", &[0, 3, 1, 2])],
    )?;
    let features = tiny_xception::build(
        &mut model,
        &mut store,
        Feature {
            value: nchw,
            channels: CHANNELS,
            size: INPUT_SIZE,
        },
    )?;
    let pooled = model.node(
        "AveragePool",
        "avg_pool",
        &[&features.value],
        vec![
            Attribute::ints("kernel_shape", &[POOL_KERNEL, POOL_KERNEL]),
            Attribute::ints("strides", &[POOL_STRIDE, POOL_STRIDE]),
        ],
    )?;
    // Flatten, softmax and concatenation work per face: along axis 1, after the batch.
    let per_face = || vec![Attribute::int("axis", 1)];
    let flat = model.node("Flatten", "avg_pool/flatten", &[&pooled], per_face())?;
    let age = dense(&mut model, &mut store, "fc/age", &flat, AGE_OUTPUTS)?;
    let logits = dense(&mut model, &mut store, "fc/gender", &flat, GENDER_OUTPUTS)?;
    let gender = model.node("Softmax", "fc/gender/softmax", &[&logits], per_face())?;
    let both = model.node("Concat", OUTPUT_NAME, &[&age, &gender], per_face())?;
    model.output_f32(&both, OUTPUT_NAME, &Dim::batched(&[OUTPUTS_PER_FACE]))?;
    store.finish()?;
    model.doc_string(
        "face-api.js AgeGenderNet converted from its TensorFlow.js weights by agender's xtask \
         (tfjs module). Input [N,112,112,3] NHWC RGB, (x - [122.782, 117.001, 104.298]) / 256. \
         Output [N,3]: age in years, P(male), P(female).",
    );
    for (key, value) in metadata {
        model.metadata(key, value);
    }
    Ok(model)
}

/// `tf.add(tf.matMul(x, weights), bias)` with `{prefix}/weights` `[512, outputs]`.
fn dense(
    model: &mut ModelBuilder,
    store: &mut WeightStore,
    prefix: &str,
    x: &crate::onnx::Value,
    outputs: usize,
) -> Result<crate::onnx::Value> {
    let weights_name = format!("{prefix}/weights");
    let weights = store
        .take(&weights_name, &[FEATURE_CHANNELS, outputs])?
        .data
        .clone();
    let bias_name = format!("{prefix}/bias");
    let bias = store.take(&bias_name, &[outputs])?.data.clone();
    let w = model.initializer_f32(&weights_name, &[FEATURE_CHANNELS, outputs], &weights)?;
    let b = model.initializer_f32(&bias_name, &[outputs], &bias)?;
    model.plain_node("Gemm", prefix, &[x, &w, &b])
}
