//! Parity of the converted face-api AgeGenderNet (our TF.js -> ONNX converter, run by tract)
//! with face-api's own JavaScript runtime, whose outputs `scripts/faceapi_oracle/run.sh`
//! committed in `tests/data/faceapi_oracle.json`.
//!
//! Inputs on both sides: the shared PNG crops, brought to 112x112 by the integer nearest-
//! neighbour rule `src = floor(dst * in / 112)`, and two synthetic images from the formulas the
//! JSON records. Against face-api.js 0.22.2 the blob is [`faceapi_blob`]'s (divisor 256); against
//! the `@vladmandic/face-api` fork (divisor 255) the test builds the fork's blob itself. Every
//! age and gender probability must agree within 1e-4.

mod common;

use estimate::BgrImage;
use estimate::faceapi::{
    FACEAPI_AGE_GENDER_MODEL, FACEAPI_INPUT_SIZE, FACEAPI_MEAN_RGB, FaceApiNet, faceapi_blob,
};

/// Largest accepted difference from face-api's outputs (issue 20's acceptance).
const TOLERANCE: f32 = 1e-4;
/// The `@vladmandic/face-api` fork's divisor (`normalize(...).div(255)` in its TinyXception).
const FORK_DIVISOR: f32 = 255.0;
/// Channels of a chip.
const CHANNELS: usize = 3;

/// The oracle's record of one input.
struct Expected {
    input: String,
    age: f32,
    male: f32,
}

fn oracle() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/faceapi_oracle.json"
    );
    let text = std::fs::read_to_string(path).expect("faceapi_oracle.json readable");
    serde_json::from_str(&text).expect("faceapi_oracle.json parses")
}

fn runtime_outputs(oracle: &serde_json::Value, package: &str) -> Vec<Expected> {
    let runtime = oracle["runtimes"]
        .as_array()
        .expect("runtimes")
        .iter()
        .find(|r| r["package"] == package)
        .unwrap_or_else(|| panic!("{package} missing from the oracle"));
    let number = |v: &serde_json::Value, key: &str| v[key].as_f64().expect(key) as f32;
    runtime["outputs"]
        .as_array()
        .expect("outputs")
        .iter()
        .map(|o| Expected {
            input: o["input"].as_str().expect("input").to_owned(),
            age: number(o, "age"),
            male: number(o, "male_probability"),
        })
        .collect()
}

/// Nearest neighbour to 112x112 with integers, `src = floor(dst * in / out)` (as the oracle).
fn nearest_112(bgr: &[u8], width: usize, height: usize) -> Vec<u8> {
    let side = FACEAPI_INPUT_SIZE;
    let mut out = Vec::with_capacity(side * side * CHANNELS);
    for y in 0..side {
        let sy = y * height / side;
        for x in 0..side {
            let sx = x * width / side;
            let at = (sy * width + sx) * CHANNELS;
            out.extend_from_slice(&bgr[at..at + CHANNELS]);
        }
    }
    out
}

/// The oracle's synthetic images (RGB formulas), as BGR chips.
fn synthetic(name: &str) -> Vec<u8> {
    let formula = |x: usize, y: usize, c: usize| -> usize {
        match name {
            "synthetic_gradient" => (2 * x + 3 * y + 85 * c) % 256,
            "synthetic_checker" => ((x / 8 + y / 8) % 2) * 160 + 32 * c + 16,
            other => panic!("unknown synthetic input {other}"),
        }
    };
    let side = FACEAPI_INPUT_SIZE;
    let mut out = Vec::with_capacity(side * side * CHANNELS);
    for y in 0..side {
        for x in 0..side {
            for c in (0..CHANNELS).rev() {
                out.push(u8::try_from(formula(x, y, c)).expect("formula gives a byte"));
            }
        }
    }
    out
}

/// The 112x112 BGR chip of each oracle input, in the oracle's order.
fn chips(expected: &[Expected]) -> Vec<Vec<u8>> {
    expected
        .iter()
        .map(|e| {
            if e.input.ends_with(".png") {
                let crop = common::read_png_as_bgr(&common::parity_file(&e.input));
                nearest_112(&crop.data, crop.width, crop.height)
            } else {
                synthetic(&e.input)
            }
        })
        .collect()
}

fn views(chips: &[Vec<u8>]) -> Vec<BgrImage<'_>> {
    chips
        .iter()
        .map(|c| BgrImage::packed(FACEAPI_INPUT_SIZE, FACEAPI_INPUT_SIZE, c).expect("chip"))
        .collect()
}

fn load_net() -> FaceApiNet {
    let path = test_data::model(FACEAPI_AGE_GENDER_MODEL);
    FaceApiNet::load(&path).unwrap_or_else(|e| panic!("loading {}: {e}", path.display()))
}

/// Runs `blob` and checks every output against `expected`; returns the largest deviation.
fn check(net: &FaceApiNet, blob: &[f32], expected: &[Expected], package: &str) -> f32 {
    let outputs = net.run_blob(blob, expected.len()).expect("net runs");
    let mut worst = 0f32;
    for (i, e) in expected.iter().enumerate() {
        let (age, male) = (outputs.ages[i], outputs.male_probabilities[i]);
        let deviation = (age - e.age).abs().max((male - e.male).abs());
        assert!(
            deviation <= TOLERANCE,
            "{package} on {}: age {age} vs {}, P(male) {male} vs {}",
            e.input,
            e.age,
            e.male
        );
        worst = worst.max(deviation);
    }
    worst
}

#[test]
fn faceapi_net_matches_face_api_js_on_crops_and_synthetic_inputs() {
    let expected = runtime_outputs(&oracle(), "face-api.js");
    assert_eq!(expected.len(), 11, "nine crops and two synthetic inputs");
    let chips = chips(&expected);
    let blob = faceapi_blob(&views(&chips)).expect("blob");
    let worst = check(&load_net(), &blob, &expected, "face-api.js");
    eprintln!("largest deviation from face-api.js: {worst:e}");
}

#[test]
fn faceapi_net_matches_the_vladmandic_fork_with_its_own_divisor() {
    let expected = runtime_outputs(&oracle(), "@vladmandic/face-api");
    let chips = chips(&expected);
    let blob: Vec<f32> = chips
        .iter()
        .flat_map(|chip| chip.chunks_exact(CHANNELS))
        .flat_map(|bgr| {
            (0..CHANNELS).map(move |c| {
                (f32::from(bgr[CHANNELS - 1 - c]) - FACEAPI_MEAN_RGB[c]) / FORK_DIVISOR
            })
        })
        .collect();
    let worst = check(&load_net(), &blob, &expected, "@vladmandic/face-api");
    eprintln!("largest deviation from @vladmandic/face-api: {worst:e}");
}

#[test]
fn the_two_runtimes_differ_so_the_divisor_matters() {
    // Guards the test above: were the fork's numbers the same as face-api.js's, using one blob for
    // both would pass unnoticed.
    let oracle = oracle();
    let original = runtime_outputs(&oracle, "face-api.js");
    let fork = runtime_outputs(&oracle, "@vladmandic/face-api");
    let largest = original
        .iter()
        .zip(&fork)
        .map(|(a, b)| (a.age - b.age).abs())
        .fold(0f32, f32::max);
    assert!(
        largest > 10.0 * TOLERANCE,
        "largest age difference {largest}"
    );
}
