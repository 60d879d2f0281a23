//! `app eval`: accuracy of the configured detector and estimator on labelled face images.

mod labels;
mod metrics;
mod predictions;
mod report;

use std::sync::Mutex;

use crate::error::{Context, Result, run_error};
use estimate::{ChipSource, Estimator};
use opencv::imgcodecs;
use opencv::prelude::*;
use rayon::prelude::*;

use crate::config::PipelineConfig;
use crate::error::PipelineError;
use crate::estimation::face_inputs;
use crate::finder::{FaceFinder, frame_view};

pub use labels::{LabelledImage, read_labels};
pub use metrics::{AGE_BANDS, Outcome, Report};
pub use predictions::read_predictions;

/// How faces are obtained from each image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceSource {
    /// Detect and keep the largest face; no face counts as a miss.
    LargestDetected,
    /// The whole image is the face crop.
    WholeImage,
}

/// Evaluates every image of `labels` and returns the per-image outcomes, in file order;
/// `image_done` is called (from any thread) after each image, for a progress display.
pub fn evaluate(
    config: &PipelineConfig,
    labels: &[LabelledImage],
    faces: FaceSource,
    image_done: &(dyn Fn() + Sync),
) -> Result<Vec<Outcome>> {
    let models_dir = config.resolved_models_dir();
    let estimator = Estimator::from_config(&config.estimator, &models_dir)
        .map_err(|err| PipelineError::config_caused_by("cannot load the estimator", err))?;
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
                        PipelineError::config_caused_by("cannot build the face detector", err)
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

    labels
        .par_iter()
        .map(|image| {
            let outcome = evaluate_one(&estimator, &finders, image);
            image_done();
            outcome.with_context(|| format!("while evaluating {}", image.path.display()))
        })
        .collect::<Result<Vec<_>>>()
}

fn evaluate_one(
    estimator: &Estimator,
    finders: &[Mutex<FaceFinder>],
    image: &LabelledImage,
) -> Result<Outcome> {
    let path = image
        .path
        .to_str()
        .ok_or_else(|| run_error!("the path is not valid UTF-8"))?;
    let pixels =
        imgcodecs::imread(path, imgcodecs::IMREAD_COLOR).context("cannot read the image")?;
    if pixels.empty() {
        return Err(run_error!(
            "cannot decode the image {}: missing or not an image",
            image.path.display()
        ));
    }
    let frame = frame_view(&pixels)?;
    let estimated = if finders.is_empty() {
        estimator
            .estimate_faces(&[estimate::FaceInput::whole_image(frame)])
            .context("gender and age estimation failed")?
    } else {
        let slot = rayon::current_thread_index().unwrap_or(0) % finders.len();
        let mut finder = finders[slot]
            .lock()
            .map_err(|_| run_error!("a detector thread panicked"))?;
        let (faces, _) = finder.find(&pixels)?;
        drop(finder);
        let largest = faces
            .iter()
            .max_by_key(|face| face.crop.pixel_width() * face.crop.pixel_height());
        estimator
            .estimate_faces(&face_inputs(frame, largest))
            .context("gender and age estimation failed")?
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
