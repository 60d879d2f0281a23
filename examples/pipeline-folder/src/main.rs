//! Every video of a folder through the `pipeline` crate with YuNet and the ensemble estimator
//! (the app's `config/accurate.toml`), tracking on: one JSON Lines file of faces per video
//! (`NAME.jsonl` in the output folder, schema in `docs/OUTPUT.md`) and a summary line each.
//!
//! ```text
//! cargo run -p pipeline-folder -- VIDEO_FOLDER OUTPUT_FOLDER
//! ```
//!
//! The models come from `$AGENDER_MODELS`, else `./models`. Ctrl-C is not handled: a stop flag
//! that nobody sets is passed, so each video runs to its end.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use pipeline::{Pipeline, PipelineConfig};

/// File endings taken as videos.
const VIDEO_EXTENSIONS: [&str; 6] = ["mp4", "avi", "mkv", "mov", "webm", "ts"];

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("pipeline-folder: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let (Some(videos), Some(outputs)) = (args.next(), args.next()) else {
        return Err("usage: pipeline-folder VIDEO_FOLDER OUTPUT_FOLDER".to_owned());
    };
    let mut config = PipelineConfig::default();
    config.detector.kind = detect::DetectorKind::Yunet;
    config.estimator.kind = estimate::EstimatorKind::Ensemble;
    config.tracking.enabled = true;
    config.output.video = None;
    // The pipeline is built once: the models load once for all the videos.
    let mut pipeline = Pipeline::new(&config).map_err(|err| pipeline::message_chain(&err))?;
    let never = AtomicBool::new(false);
    for video in videos_in(&videos)? {
        let stem = video.file_stem().unwrap_or_default().to_string_lossy();
        config.input.source = video.to_string_lossy().into_owned();
        config.output.json = Some(outputs.join(format!("{stem}.jsonl")));
        let sinks =
            pipeline::output_sinks(&config.output).map_err(|err| pipeline::message_chain(&err))?;
        let stats = pipeline
            .run(&config.input.source(), sinks, &never)
            .map_err(|err| format!("{}: {}", video.display(), pipeline::message_chain(&err)))?;
        println!(
            "{}: {} frames, {} faces, {:.1} FPS",
            video.display(),
            stats.frames,
            stats.faces,
            stats.fps()
        );
    }
    Ok(())
}

/// The videos of `folder`, sorted by name.
fn videos_in(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(folder)
        .map_err(|err| format!("cannot read the folder {}: {err}", folder.display()))?;
    let mut videos: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension().is_some_and(|ext| {
                VIDEO_EXTENSIONS
                    .iter()
                    .any(|known| ext.eq_ignore_ascii_case(known))
            })
        })
        .collect();
    videos.sort();
    Ok(videos)
}
