//! The gender and age of every face crop (JPEG or PNG) in a folder, with the `estimate` crate
//! alone: no detector, no OpenCV. Each image is taken as one face; the aligned estimators find
//! its landmarks with dlib's shape predictor.
//!
//! ```text
//! cargo run -p estimate-crops -- FOLDER [ssrnet|caffe|dlib|faceapi|ensemble]
//! ```
//!
//! Prints one CSV line per image, `file,gender,male_probability,age`, in file-name order. The
//! models come from `$AGENDER_MODELS`, else `./models` (`cargo xtask fetch-models`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use estimate::{Estimator, EstimatorConfig, EstimatorKind, FaceInput};
use face::BgrImage;

/// The estimator used when none is named: the most accurate single net on face crops.
const DEFAULT_ESTIMATOR: EstimatorKind = EstimatorKind::Faceapi;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("estimate-crops: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args_os().skip(1);
    let folder = args
        .next()
        .map(PathBuf::from)
        .ok_or("usage: estimate-crops FOLDER [ssrnet|caffe|dlib|faceapi|ensemble]")?;
    let kind = match args.next() {
        Some(name) => name
            .to_string_lossy()
            .parse::<EstimatorKind>()
            .map_err(|err| err.to_string())?,
        None => DEFAULT_ESTIMATOR,
    };
    let config = EstimatorConfig {
        kind,
        ..EstimatorConfig::default()
    };
    let estimator = Estimator::from_config(&config, &face::default_models_dir())
        .map_err(|err| format!("cannot load the {kind} estimator: {err}"))?;
    println!("file,gender,male_probability,age");
    for path in images_in(&folder)? {
        let (width, height, bgr) = read_bgr(&path)?;
        let image = BgrImage::packed(width, height, &bgr).map_err(|err| err.to_string())?;
        let estimates = estimator
            .estimate_faces(&[FaceInput::whole_image(image)])
            .map_err(|err| format!("{}: {err}", path.display()))?;
        for face in estimates {
            let estimate = face.estimate;
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            println!(
                "{name},{},{:.4},{}",
                estimate.gender,
                estimate.gender_score,
                estimate.age.label()
            );
        }
    }
    Ok(())
}

/// The JPEG and PNG files of `folder`, sorted by name.
fn images_in(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(folder)
        .map_err(|err| format!("cannot read the folder {}: {err}", folder.display()))?;
    let mut images: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension().is_some_and(|ext| {
                ["jpg", "jpeg", "png"]
                    .iter()
                    .any(|known| ext.eq_ignore_ascii_case(known))
            })
        })
        .collect();
    images.sort();
    Ok(images)
}

/// Decodes an image into packed BGR bytes, the channel order the nets were trained on.
fn read_bgr(path: &Path) -> Result<(usize, usize, Vec<u8>), String> {
    let rgb = image::open(path)
        .map_err(|err| format!("cannot decode {}: {err}", path.display()))?
        .into_rgb8();
    let (width, height) = (rgb.width() as usize, rgb.height() as usize);
    let bgr = rgb
        .pixels()
        .flat_map(|pixel| [pixel[2], pixel[1], pixel[0]])
        .collect();
    Ok((width, height, bgr))
}
