//! Broken AgeGenderNet files are refused with a message naming the weight and the file.

use super::fixtures::{MANIFEST, SHARD, conversion_error, index_of, real_files};
use crate::tfjs::manifest::Quantization;
use crate::tfjs::weights::{Shard, decode};

#[test]
fn a_renamed_weight_is_missing_and_unexpected() {
    let (mut groups, shards) = real_files();
    let i = index_of(&groups, "middle_flow/main_block_1/separable_conv2/bias");
    groups[0].weights[i].name = "middle_flow/main_block_1/separable_conv2/biases".to_owned();
    let error = conversion_error(&groups, &shards);
    assert!(
        error.contains("weight middle_flow/main_block_1/separable_conv2/bias")
            && error.contains("missing from age_gender_model-weights_manifest.json"),
        "{error}"
    );
}

#[test]
fn an_extra_weight_is_refused_by_name() {
    let (mut groups, mut shards) = real_files();
    let mut extra = groups[0].weights[index_of(&groups, "fc/age/bias")].clone();
    extra.name = "fc/emotion/bias".to_owned();
    groups[0].weights.push(extra);
    shards[0].bytes.extend(0.5f32.to_le_bytes());
    let error = conversion_error(&groups, &shards);
    assert!(
        error.contains("does not have: fc/emotion/bias (in age_gender_model-shard1)"),
        "{error}"
    );
}

#[test]
fn a_wrong_shape_is_refused_with_both_shapes() {
    let (mut groups, shards) = real_files();
    // Same element count, so the bytes still line up: only the layout check can catch it.
    let i = index_of(&groups, "fc/gender/weights");
    groups[0].weights[i].shape = vec![2, 512];
    let error = conversion_error(&groups, &shards);
    assert!(
        error.contains("weight fc/gender/weights in age_gender_model-shard1 has shape [2, 512]")
            && error.contains("needs [512, 2]"),
        "{error}"
    );
}

#[test]
fn a_truncated_shard_names_the_first_weight_it_cannot_hold() {
    let (groups, mut shards) = real_files();
    let len = shards[0].bytes.len();
    // The last weight is fc/gender/bias: two float32 values.
    shards[0].bytes.truncate(len - 3);
    let error = conversion_error(&groups, &shards);
    assert!(
        error.contains("age_gender_model-shard1 is truncated") && error.contains("fc/gender/bias"),
        "{error}"
    );
    shards[0].bytes.truncate(1000);
    let error = conversion_error(&groups, &shards);
    assert!(
        error.contains("is truncated")
            && error.contains("entry_flow/reduction_block_0/separable_conv0/depthwise_filter"),
        "{error}"
    );
}

#[test]
fn bytes_after_the_last_weight_are_refused() {
    let (groups, mut shards) = real_files();
    shards[0].bytes.extend([0u8; 4]);
    let error = conversion_error(&groups, &shards);
    assert!(
        error.contains("hold 4 bytes after their last weight") && error.contains(MANIFEST),
        "{error}"
    );
}

#[test]
fn bad_quantisations_are_refused_by_weight_and_file() {
    let cases: [(Option<f64>, Option<f64>, &str, &str); 4] = [
        (Some(f64::NAN), Some(0.0), "uint8", "bad quantisation"),
        (Some(-0.01), Some(0.0), "uint8", "bad quantisation"),
        (Some(0.01), None, "uint8", "without both `scale` and `min`"),
        (Some(0.01), Some(0.0), "float16", "only uint8 and uint16"),
    ];
    for (scale, min, dtype, message) in cases {
        let (mut groups, shards) = real_files();
        let i = index_of(&groups, "exit_flow/separable_conv/pointwise_filter");
        groups[0].weights[i].quantization = Some(Quantization {
            dtype: dtype.to_owned(),
            scale,
            min,
        });
        let error = conversion_error(&groups, &shards);
        assert!(
            error.contains("exit_flow/separable_conv/pointwise_filter")
                && error.contains(SHARD)
                && error.contains(message),
            "{error}"
        );
    }
}

#[test]
fn a_missing_or_foreign_shard_file_is_refused() {
    let (groups, shards) = real_files();
    let error = crate::error::chain(&decode(&groups, &[], MANIFEST).expect_err("no shard given"));
    assert!(
        error.contains("shard age_gender_model-shard1 of age_gender_model-weights_manifest.json"),
        "{error}"
    );
    let foreign = Shard {
        name: "face_recognition_model-shard1".to_owned(),
        bytes: shards[0].bytes.clone(),
    };
    let error = crate::error::chain(
        &decode(&groups, &[shards[0].clone(), foreign], MANIFEST).expect_err("foreign shard"),
    );
    assert!(
        error.contains("face_recognition_model-shard1 is not a shard of"),
        "{error}"
    );
}

#[test]
fn a_manifest_that_is_not_json_is_refused() {
    let error = crate::error::chain(
        &crate::tfjs::manifest::parse("age_gender_model-shard1").expect_err("not JSON"),
    );
    assert!(
        error.contains("not a TensorFlow.js weights manifest"),
        "{error}"
    );
}
