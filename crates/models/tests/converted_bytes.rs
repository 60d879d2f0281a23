//! Each converter turns the mirror's upstream files into exactly the ONNX bytes the parity tests
//! were run on. A change to a converter that alters its output, even by one rounding, fails here
//! and has to be checked against the parity figures before the digest below is updated; so does a
//! build whose dependencies parse or compute differently (the face-api weights are dequantised
//! from the manifest's decimal `scale` and `min`).

mod common;

use std::path::Path;

use anyhow::Result;
use models::ssrnet::SsrNetTarget;
use models::{caffe, ssrnet, tfjs};
use sha2::{Digest, Sha256};

use common::{age_h5, gender_h5, mirror_dir};

/// sha256 of the converted files, as `cargo xtask fetch-models` writes them.
const SSRNET_AGE_SHA256: &str = "40c3ed662d5b8fa0073fb89a5f5be78db039ba67f8a4879ae091bbf1241cf328";
const SSRNET_GENDER_SHA256: &str =
    "7cd45c097e66af2bca78234207eadf0c5887768732e7104eba9ce65e9ef5f6ba";
const CAFFE_AGE_SHA256: &str = "5306434d26595bdb566b855531fd849a42c041bd57b39b0e3c9a5c1516807904";
const CAFFE_GENDER_SHA256: &str =
    "52ff91cd12aac3e348af2e9af733206adaabca9c76b33a8bd8dbce7983f989ba";
const FACEAPI_SHA256: &str = "7225a1a30be0aaaacb2ec0aba920fc24b3d22604d44ad04d0755c77c0f06132b";

fn sha256_of(path: &Path) -> Result<String> {
    Ok(hex::encode(Sha256::digest(std::fs::read(path)?)))
}

fn assert_digest(what: &str, path: &Path, expected: &str) -> Result<()> {
    let actual = sha256_of(path)?;
    assert_eq!(
        actual, expected,
        "{what}: the converter's output changed; check the parity tests, then update the digest"
    );
    Ok(())
}

#[test]
fn ssrnet_converts_to_the_same_bytes() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let age = dir.path().join("ssrnet_age.onnx");
    let gender = dir.path().join("ssrnet_gender.onnx");
    ssrnet::convert(&age_h5(), SsrNetTarget::Age, &age)?;
    ssrnet::convert(&gender_h5(), SsrNetTarget::Gender, &gender)?;
    assert_digest("SSR-Net age", &age, SSRNET_AGE_SHA256)?;
    assert_digest("SSR-Net gender", &gender, SSRNET_GENDER_SHA256)
}

#[test]
fn the_levi_hassner_nets_convert_to_the_same_bytes() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mirror = mirror_dir();
    for (net, expected) in [("age", CAFFE_AGE_SHA256), ("gender", CAFFE_GENDER_SHA256)] {
        let out = dir.path().join(format!("levi_hassner_{net}.onnx"));
        caffe::convert(
            &mirror.join(format!("deploy_{net}.prototxt")),
            &mirror.join(format!("{net}_net.caffemodel")),
            &out,
        )?;
        assert_digest(&format!("Levi & Hassner {net}"), &out, expected)?;
    }
    Ok(())
}

#[test]
fn the_faceapi_net_converts_to_the_same_bytes() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mirror = mirror_dir();
    let out = dir.path().join("faceapi_age_gender.onnx");
    tfjs::convert_age_gender(
        &mirror.join("age_gender_model-weights_manifest.json"),
        &[&mirror.join("age_gender_model-shard1")],
        &out,
    )?;
    assert_digest("face-api AgeGenderNet", &out, FACEAPI_SHA256)
}
