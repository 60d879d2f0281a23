//! Builders for small Caffe nets: deterministic values, blobs in the legacy and the N-D shape
//! forms, and caffemodel bytes in both layer formats.

use prost::Message;

use crate::caffe::proto::{BlobProto, BlobShape, LayerParameter, NetParameter, V1LayerParameter};

/// Deterministic pseudo-random values in [-1, 1) (a 32-bit LCG; the seed picks the sequence).
pub fn values(seed: u32, count: usize) -> Vec<f32> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..count)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 8) as f32 / (1u32 << 23) as f32 - 1.0
        })
        .collect()
}

/// A blob with its shape in the legacy `num/channels/height/width` fields (V1-era files).
pub fn legacy_blob(dims: [i64; 4], data: Vec<f32>) -> BlobProto {
    BlobProto {
        num: Some(dims[0]),
        channels: Some(dims[1]),
        height: Some(dims[2]),
        width: Some(dims[3]),
        data,
        ..Default::default()
    }
}

/// A blob with an N-D `shape` (current files).
pub fn shaped_blob(dims: &[i64], data: Vec<f32>) -> BlobProto {
    BlobProto {
        shape: Some(BlobShape { dim: dims.to_vec() }),
        data,
        ..Default::default()
    }
}

/// The bytes of a caffemodel holding old-format layers `(name, blobs)`.
pub fn v1_caffemodel(layers: Vec<(&str, Vec<BlobProto>)>) -> Vec<u8> {
    let net = NetParameter {
        name: Some("test".into()),
        layers: layers
            .into_iter()
            .map(|(name, blobs)| V1LayerParameter {
                name: Some(name.into()),
                blobs,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    net.encode_to_vec()
}

/// The bytes of a caffemodel holding current-format layers `(name, blobs)`.
pub fn new_caffemodel(layers: Vec<(&str, Vec<BlobProto>)>) -> Vec<u8> {
    let net = NetParameter {
        name: Some("test".into()),
        layer: layers
            .into_iter()
            .map(|(name, blobs)| LayerParameter {
                name: Some(name.into()),
                blobs,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    net.encode_to_vec()
}

/// A current-format definition: an `Input` layer of `input_shape`, a 1x1 identity convolution on
/// `channels` channels named `id` (so the model file has weights), then `rest`.
pub fn identity_then(input_shape: [usize; 4], rest: &str) -> (String, Vec<u8>) {
    let [n, c, h, w] = input_shape;
    let text = format!(
        "name: 'pool_test'\n\
         layer {{ name: 'data' type: 'Input' top: 'data' input_param {{ shape {{ dim: {n} dim: {c} dim: {h} dim: {w} }} }} }}\n\
         layer {{ name: 'id' type: 'Convolution' bottom: 'data' top: 'id' convolution_param {{ num_output: {c} kernel_size: 1 }} }}\n\
         {rest}\n"
    );
    let mut identity = vec![0.0; c * c];
    for i in 0..c {
        identity[i * c + i] = 1.0;
    }
    let model = new_caffemodel(vec![(
        "id",
        vec![
            shaped_blob(&[c as i64, c as i64, 1, 1], identity),
            shaped_blob(&[c as i64], vec![0.0; c]),
        ],
    )]);
    (text, model)
}
