//! Decoding hand-built groups: values exactly as TensorFlow.js's `decodeWeights` gives them.

use crate::tfjs::manifest;
use crate::tfjs::weights::{Shard, decode};

fn shard(name: &str, bytes: Vec<u8>) -> Shard {
    Shard {
        name: name.to_owned(),
        bytes,
    }
}

#[test]
fn float32_uint8_and_uint16_weights_decode_in_order() {
    let text = r#"[{"paths": ["s1"], "weights": [
        {"name": "a", "shape": [2], "dtype": "float32"},
        {"name": "b", "shape": [3], "dtype": "float32",
         "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1.0}},
        {"name": "c", "shape": [1, 2], "dtype": "float32",
         "quantization": {"dtype": "uint16", "scale": 0.25, "min": 2.0}}
    ]}]"#;
    let groups = manifest::parse(text).expect("parses");
    let mut bytes = Vec::new();
    bytes.extend(1.5f32.to_le_bytes());
    bytes.extend((-3.25f32).to_le_bytes());
    bytes.extend([0u8, 1, 255]);
    bytes.extend(4u16.to_le_bytes());
    bytes.extend(1000u16.to_le_bytes());
    let map = decode(&groups, &[shard("s1", bytes)], "m.json").expect("decodes");
    assert_eq!(map.tensors["a"].data, [1.5, -3.25]);
    assert_eq!(map.tensors["b"].data, [-1.0, -0.5, 126.5]);
    assert_eq!(map.tensors["c"].data, [3.0, 252.0]);
    assert_eq!(map.tensors["c"].shape, [1, 2]);
    assert_eq!(map.tensors["c"].file, "s1");
}

#[test]
fn dequantisation_rounds_once_from_double_like_javascript() {
    // entry_flow/conv_in/filters' quantisation; for q = 5 the f64 result rounded once differs
    // from float32 arithmetic, so this catches a decoder that computes in f32.
    let (scale, min) = (0.005431825039433498f64, -0.7441600304023892f64);
    let text = format!(
        r#"[{{"paths": ["s"], "weights": [{{"name": "w", "shape": [1], "dtype": "float32",
            "quantization": {{"dtype": "uint8", "scale": {scale}, "min": {min}}}}}]}}]"#
    );
    let groups = manifest::parse(&text).expect("parses");
    let map = decode(&groups, &[shard("s", vec![5])], "m.json").expect("decodes");
    let expected = (5.0 * scale + min) as f32;
    assert_eq!(map.tensors["w"].data, [expected]);
    assert_ne!(expected, 5.0f32 * scale as f32 + min as f32);
}

#[test]
fn a_weight_spanning_two_shards_is_joined_and_a_short_second_shard_is_named() {
    let text = r#"[{"paths": ["p1", "p2"], "weights": [
        {"name": "x", "shape": [2], "dtype": "float32"},
        {"name": "y", "shape": [2], "dtype": "float32"}]}]"#;
    let groups = manifest::parse(text).expect("parses");
    let values: Vec<u8> = [1.0f32, 2.0, 3.0, 4.0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let (first, second) = values.split_at(6);
    let map = decode(
        &groups,
        &[shard("p2", second.to_vec()), shard("p1", first.to_vec())],
        "m.json",
    )
    .expect("decodes in the manifest's order, whatever the order given");
    assert_eq!(map.tensors["x"].data, [1.0, 2.0]);
    assert_eq!(map.tensors["y"].data, [3.0, 4.0]);
    let error = decode(
        &groups,
        &[
            shard("p1", first.to_vec()),
            shard("p2", second[..5].to_vec()),
        ],
        "m.json",
    )
    .expect_err("short");
    let error = crate::error::chain(&error);
    assert!(
        error.contains("p2 is truncated") && error.contains("weight y"),
        "{error}"
    );
}
