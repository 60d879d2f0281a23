//! Parity of our SSR-Net conversion with the original Keras outputs in
//! `../shared/parity/expected.json`: every face blob, the batch of five and the non-face extras.

mod common;

use anyhow::{Context, Result};
use models::ssrnet::{self, SsrNetTarget};
use serde_json::Value;

use common::{Runnable, age_h5, gender_h5, parity_dir, read_f32_file};

/// Allowed age deviation from Keras, in years.
const AGE_TOLERANCE: f32 = 1e-3;
/// Allowed gender-score deviation from Keras.
const GENDER_TOLERANCE: f32 = 1e-4;
/// Floats in one 64x64x3 blob.
const BLOB_LEN: usize = 64 * 64 * 3;

struct Nets {
    age: Runnable,
    gender: Runnable,
    _dir: tempfile::TempDir,
}

fn convert_both() -> Result<Nets> {
    let dir = tempfile::tempdir()?;
    let age = dir.path().join("ssrnet_age.onnx");
    let gender = dir.path().join("ssrnet_gender.onnx");
    ssrnet::convert(&age_h5(), SsrNetTarget::Age, &age)?;
    ssrnet::convert(&gender_h5(), SsrNetTarget::Gender, &gender)?;
    Ok(Nets {
        age: Runnable::load(&age)?,
        gender: Runnable::load(&gender)?,
        _dir: dir,
    })
}

fn expected() -> Result<Value> {
    let path = parity_dir().join("expected.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    Ok(serde_json::from_str(&text)?)
}

fn number(value: &Value, key: &str) -> Result<f32> {
    value
        .get(key)
        .and_then(Value::as_f64)
        .map(|v| v as f32)
        .with_context(|| format!("expected.json: no number {key} in {value}"))
}

fn text<'v>(value: &'v Value, key: &str) -> Result<&'v str> {
    value
        .get(key)
        .and_then(Value::as_str)
        .with_context(|| format!("expected.json: no string {key}"))
}

fn check(label: &str, what: &str, got: f32, want: f32, tolerance: f32) -> Option<String> {
    let deviation = (got - want).abs();
    (deviation > tolerance || !got.is_finite())
        .then(|| format!("{label}: {what} {got} vs Keras {want} (|d| = {deviation} > {tolerance})"))
}

/// Runs one blob through both nets and compares with the record's `age`/`gender`.
fn check_single(nets: &Nets, record: &Value, failures: &mut Vec<String>) -> Result<()> {
    let bin = text(record, "blob_bin")?;
    let blob = read_f32_file(&parity_dir().join(bin))?;
    assert_eq!(blob.len(), BLOB_LEN, "{bin} size");
    let age = nets.age.run(&blob, 1)?[0];
    let gender = nets.gender.run(&blob, 1)?[0];
    failures.extend(check(
        bin,
        "age",
        age,
        number(record, "age")?,
        AGE_TOLERANCE,
    ));
    failures.extend(check(
        bin,
        "gender",
        gender,
        number(record, "gender")?,
        GENDER_TOLERANCE,
    ));
    Ok(())
}

#[test]
fn converted_ssrnet_matches_keras_on_every_parity_blob() -> Result<()> {
    let nets = convert_both()?;
    let expected = expected()?;
    let crops = expected["crops"].as_array().context("crops")?;
    let extras = expected["extras_not_faces"].as_array().context("extras")?;
    assert_eq!(crops.len(), 5, "five face crops in expected.json");
    assert!(extras.len() >= 4, "the non-face extras and the astronaut");
    let mut failures = Vec::new();
    for record in crops.iter().chain(extras) {
        check_single(&nets, record, &mut failures)?;
    }
    assert!(
        failures.is_empty(),
        "parity failures:\n{}",
        failures.join("\n")
    );
    Ok(())
}

#[test]
fn converted_ssrnet_matches_keras_on_the_batch_of_five() -> Result<()> {
    let nets = convert_both()?;
    let expected = expected()?;
    let batch = read_f32_file(&parity_dir().join("blob_batch5.bin"))?;
    assert_eq!(batch.len(), 5 * BLOB_LEN);
    let ages = nets.age.run(&batch, 5)?;
    let genders = nets.gender.run(&batch, 5)?;
    let crops = expected["crops"].as_array().context("crops")?;
    let mut failures = Vec::new();
    for (i, record) in crops.iter().enumerate() {
        let label = format!("batch5[{i}]");
        failures.extend(check(
            &label,
            "age",
            ages[i],
            number(record, "age_batch5")?,
            AGE_TOLERANCE,
        ));
        failures.extend(check(
            &label,
            "gender",
            genders[i],
            number(record, "gender_batch5")?,
            GENDER_TOLERANCE,
        ));
    }
    assert!(
        failures.is_empty(),
        "batch parity failures:\n{}",
        failures.join("\n")
    );
    Ok(())
}

#[test]
fn the_astronaut_is_the_one_female_and_the_faces_are_male() -> Result<()> {
    let nets = convert_both()?;
    let blob = read_f32_file(&parity_dir().join("extra_astronaut_face_blob.bin"))?;
    let astronaut = nets.gender.run(&blob, 1)?[0];
    assert!(
        astronaut < 0.5,
        "astronaut gender score {astronaut} should be Female (< 0.5)"
    );
    let batch = read_f32_file(&parity_dir().join("blob_batch5.bin"))?;
    for (i, score) in nets.gender.run(&batch, 5)?.iter().enumerate() {
        assert!(*score >= 0.5, "face {i}: score {score} should be Male");
    }
    Ok(())
}
