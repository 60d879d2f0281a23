//! The faces in an image, with the `detect` crate alone: each face's box (the original program's
//! corners `x1,y1,x2,y2` in the image's pixels) and the detector's confidence.
//!
//! ```text
//! cargo run -p detect-image -- IMAGE [haar|dnn|yunet]
//! ```
//!
//! Prints one CSV line per face, `x1,y1,x2,y2,confidence`, best first for the detectors that
//! score their faces. The models come from `$AGENDER_MODELS`, else `./models`.

use std::process::ExitCode;

use detect::{DetectorConfig, DetectorKind};
use opencv::imgcodecs;
use opencv::prelude::*;

/// The detector used when none is named: the most accurate, and the one with landmarks.
const DEFAULT_DETECTOR: DetectorKind = DetectorKind::Yunet;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("detect-image: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: detect-image IMAGE [haar|dnn|yunet]")?;
    let kind = match args.next() {
        Some(name) => name
            .parse::<DetectorKind>()
            .map_err(|err| err.to_string())?,
        None => DEFAULT_DETECTOR,
    };
    let image = imgcodecs::imread(&path, imgcodecs::IMREAD_COLOR)
        .map_err(|err| format!("cannot read {path}: {err}"))?;
    if image.empty() {
        return Err(format!("cannot decode {path}: missing or not an image"));
    }
    let config = DetectorConfig {
        kind,
        ..DetectorConfig::default()
    };
    let mut detector = detect::build_detector(&config, &face::default_models_dir())
        .map_err(|err| err.to_string())?;
    let frame = detect::bgr_view(&image).map_err(|err| err.to_string())?;
    let faces = detector.detect(&frame).map_err(|err| err.to_string())?;
    println!("x1,y1,x2,y2,confidence");
    for detection in faces {
        let confidence = detection
            .confidence
            .map_or_else(String::new, |score| format!("{score:.4}"));
        let face = detection.face;
        println!(
            "{},{},{},{},{confidence}",
            face.x1, face.y1, face.x2, face.y2
        );
    }
    Ok(())
}
