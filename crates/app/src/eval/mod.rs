//! `app eval`: accuracy of the configured detector and estimator on labelled face images.

mod labels;
mod metrics;
mod predictions;
mod report;

use std::sync::Mutex;

use anyhow::{Context, Result, anyhow};
use estimate::{ChipSource, Estimator};
use indicatif::{ProgressBar, ProgressStyle};
use opencv::imgcodecs;
use opencv::prelude::*;
use rayon::prelude::*;

use crate::analysis::{FaceFinder, face_inputs, frame_view};
use crate::config::AppConfig;
use crate::failure::usage;

pub use labels::{LabelledImage, read_labels};
pub use metrics::{Outcome, Report};
pub use predictions::read_predictions;

/// Progress bar layout.
const PROGRESS_TEMPLATE: &str =
    "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} images ({per_sec}, eta {eta})";

/// How faces are obtained from each image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceSource {
    /// Detect and keep the largest face; no face counts as a miss.
    LargestDetected,
    /// The whole image is the face crop.
    WholeImage,
}

/// Evaluates every image of `labels` and returns the per-image outcomes, in file order.
pub fn evaluate(
    config: &AppConfig,
    labels: &[LabelledImage],
    faces: FaceSource,
) -> Result<Vec<Outcome>> {
    let models_dir = config.resolved_models_dir();
    let estimator = Estimator::from_config(&config.estimator, &models_dir)
        .map_err(|err| usage(anyhow::Error::new(err).context("cannot load the estimator")))?;
    let finders = match faces {
        FaceSource::WholeImage => Vec::new(),
        FaceSource::LargestDetected => (0..rayon::current_num_threads())
            .map(|_| {
                detect::build_detector(&config.detector, &models_dir)
                    .map(|detector| {
                        Mutex::new(FaceFinder::new(
                            detector,
                            config.processing.area,
                            estimator.padding_ratio(),
                        ))
                    })
                    .map_err(|err| {
                        usage(anyhow::Error::new(err).context("cannot build the face detector"))
                    })
            })
            .collect::<Result<Vec<_>>>()?,
    };
    tracing::info!(
        images = labels.len(),
        estimator = ?estimator.kind(),
        faces = ?faces,
        threads = rayon::current_num_threads(),
        "evaluating"
    );

    let progress = ProgressBar::new(labels.len() as u64);
    if let Ok(style) = ProgressStyle::with_template(PROGRESS_TEMPLATE) {
        progress.set_style(style);
    }
    let outcomes = labels
        .par_iter()
        .map(|image| {
            let outcome = evaluate_one(&estimator, &finders, image);
            progress.inc(1);
            outcome.with_context(|| format!("while evaluating {}", image.path.display()))
        })
        .collect::<Result<Vec<_>>>();
    progress.finish_and_clear();
    outcomes
}

fn evaluate_one(
    estimator: &Estimator,
    finders: &[Mutex<FaceFinder>],
    image: &LabelledImage,
) -> Result<Outcome> {
    let path = image
        .path
        .to_str()
        .ok_or_else(|| anyhow!("the path is not valid UTF-8"))?;
    let pixels =
        imgcodecs::imread(path, imgcodecs::IMREAD_COLOR).context("cannot read the image")?;
    if pixels.empty() {
        return Err(anyhow!(
            "cannot decode the image {}: missing or not an image",
            image.path.display()
        ));
    }
    let frame = frame_view(&pixels)?;
    let estimated = if finders.is_empty() {
        estimator.estimate_faces(&[estimate::FaceInput::whole_image(frame)])?
    } else {
        let slot = rayon::current_thread_index().unwrap_or(0) % finders.len();
        let mut finder = finders[slot]
            .lock()
            .map_err(|_| anyhow!("a detector thread panicked"))?;
        let (faces, _) = finder.find(&pixels)?;
        drop(finder);
        let largest = faces.iter().max_by_key(|face| face.crop.area());
        estimator.estimate_faces(&face_inputs(frame, largest))?
    };
    let estimated = estimated.into_iter().next();
    Ok(Outcome {
        age: image.age,
        gender: image.gender,
        fallback: estimated
            .as_ref()
            .is_some_and(|face| face.source == ChipSource::BoxFallback),
        estimate: estimated.map(|face| face.estimate),
    })
}

/// Builds the Markdown table of `outcomes` under `title`.
pub fn markdown_report(title: &str, outcomes: &[Outcome]) -> String {
    report::markdown(title, &Report::new(outcomes))
}
