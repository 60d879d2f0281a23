//! Building what a run needs from the config: the face finders (one per detection worker) and the
//! analyzer (estimator and tracker), with the start-up lines that say what was built.

use std::path::Path;
use std::sync::Arc;

use crate::error::{Context, Result};
use detect::DetectorRuntime;

use crate::analyzer::FrameAnalyzer;
use crate::config::{AUTO_DETECT_WORKERS, PipelineConfig};
use crate::detect_stage::{DetectionPlan, FinderFactory, resolve_worker_count};
use crate::error::PipelineError;
use crate::finder::FaceFinder;

/// The face finders detection starts with and how it may add more (`processing.detect_workers`):
/// a fixed count builds that many finders now (one: detection on the frame loop's thread); the
/// automatic count on a machine of several cores builds one now and the others, up to one per
/// core, when the frame loop waits for detection (see `detect_stage`). With worker threads OpenCV
/// runs single-threaded: each worker keeps one core busy with whole frames.
pub fn build_detection(
    config: &PipelineConfig,
    models_dir: &Path,
    padding_ratio: f32,
) -> Result<DetectionPlan> {
    let configured = config.processing.detect_workers;
    let max_workers = resolve_worker_count(configured);
    let grows = configured == AUTO_DETECT_WORKERS && max_workers > 1;
    let factory: FinderFactory = {
        let detector_config = config.detector.clone();
        let models_dir = models_dir.to_path_buf();
        let area = config.processing.area;
        Arc::new(move || {
            let detector =
                detect::build_detector(&detector_config, &models_dir).map_err(|err| {
                    PipelineError::config_caused_by("cannot build the face detector", err)
                })?;
            Ok(FaceFinder::new(detector, area, padding_ratio))
        })
    };
    let plan = if grows {
        DetectionPlan::growing(factory()?, max_workers, factory)
    } else {
        DetectionPlan::fixed((0..max_workers).map(|_| factory()).collect::<Result<_>>()?)
    };
    if plan.uses_workers() {
        // Each worker keeps one core busy with its own frame; OpenCV's own threads (detection
        // with Haar and DNN, the shrinking of every frame) would only compete with the workers.
        opencv::core::set_num_threads(1).context("cannot set OpenCV's thread count")?;
    }
    log_detection_threads(&plan, config.detector.kind.runtime());
    Ok(plan)
}

/// Says at start-up which threads detect faces, and with what.
fn log_detection_threads(plan: &DetectionPlan, runtime: DetectorRuntime) {
    let engine = match runtime {
        DetectorRuntime::OpenCv => "OpenCV single-threaded",
        DetectorRuntime::Tract => "tract, single-threaded",
    };
    let workers = plan.workers();
    if let Some(max_workers) = plan.max_workers() {
        tracing::info!(
            workers,
            max_workers,
            "face detection on worker threads, one frame each ({engine}): one to start with, up \
             to {max_workers} (one per core) while the frame loop waits for detection"
        );
        return;
    }
    if workers > 1 {
        tracing::info!(
            workers,
            "face detection on {workers} threads, one frame each ({engine})"
        );
        return;
    }
    match runtime {
        DetectorRuntime::OpenCv => {
            let opencv_threads = opencv::core::get_num_threads().unwrap_or_default();
            tracing::info!(
                opencv_threads,
                "face detection on the frame loop's thread, OpenCV on {opencv_threads} threads"
            );
        }
        DetectorRuntime::Tract => {
            tracing::info!("face detection on the frame loop's thread (tract, single-threaded)");
        }
    }
}

/// The estimator and optional tracker the config names, and the start-up line describing the
/// detector, estimator, model files and tracking.
pub fn build_analyzer(
    config: &PipelineConfig,
    models_dir: &Path,
) -> Result<(FrameAnalyzer, String)> {
    let estimator = estimate::Estimator::from_config(&config.estimator, models_dir)
        .map_err(|err| PipelineError::config_caused_by("cannot load the estimator", err))?;
    let nets = match (estimator.model_paths(), estimator.landmark_source()) {
        (Some(paths), _) => format!(
            "age model {}, gender model {}",
            paths.age.display(),
            paths.gender.display()
        ),
        (None, landmarks) => {
            let files: Vec<String> = estimator
                .model_files()
                .iter()
                .map(|path| path.display().to_string())
                .collect();
            format!(
                "models {}, landmarks from the {}",
                files.join(", "),
                landmarks.unwrap_or("detector")
            )
        }
    };
    let flip = if estimator.flip_average() {
        ", with mirror-image averaging"
    } else {
        ""
    };
    let description = format!(
        "detector {}; estimator {} ({nets}, padding ratio {}{flip})",
        config.detector.kind.name(),
        estimator.kind(),
        estimator.padding_ratio(),
    );
    let tracker =
        if config.tracking.enabled {
            Some(track::Tracker::new(config.tracking.clone()).map_err(|err| {
                PipelineError::config_caused_by("invalid [tracking] section", err)
            })?)
        } else {
            None
        };
    let description = if config.tracking.enabled {
        format!(
            "{description}; tracking on (re-estimate every {} frames, age smoothing {:?}, gender smoothing {:?})",
            config.tracking.reestimate_interval,
            config.tracking.age_smoothing,
            config.tracking.gender_smoothing
        )
    } else {
        format!("{description}; tracking off (per-frame labels, as the original)")
    };
    Ok((FrameAnalyzer::new(estimator, tracker), description))
}
