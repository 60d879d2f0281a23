//! The files a command reads and writes, named as the user knows them, for the check that no
//! output replaces an input or another output ([`crate::path_clash`]).

use std::path::{Path, PathBuf};

use video_io::Source;

use crate::config::PipelineConfig;
use crate::path_clash::{RolePath, files_in};

/// What a run or an evaluation reads: the config file, the model files and the input (every file
/// of an input folder, since any of them may be read).
pub fn inputs(config: &PipelineConfig, config_file: Option<&Path>) -> Vec<RolePath> {
    let mut inputs = Vec::new();
    if let Some(path) = config_file {
        inputs.push(RolePath::new("the config file", path));
    }
    inputs.extend(
        files_in(&config.resolved_models_dir())
            .into_iter()
            .map(|path| RolePath::new("the model file", path)),
    );
    inputs
}

/// What the pipeline's input reads.
pub fn source_inputs(config: &PipelineConfig) -> Vec<RolePath> {
    match Source::parse(&config.input.source) {
        Source::File(path) | Source::Image(path) => vec![RolePath::new("the input", path)],
        Source::Directory { path, .. } | Source::ImageDirectory(path) => files_in(&path)
            .into_iter()
            .map(|file| {
                RolePath::new(
                    format!("a file of the input folder {}", path.display()),
                    file,
                )
            })
            .collect(),
        Source::Camera(_) => Vec::new(),
    }
}

/// What a pipeline run writes: the annotated video, the records and the run's figures.
pub fn run_outputs(config: &PipelineConfig, stats_json: Option<&Path>) -> Vec<RolePath> {
    let named =
        |role: &str, path: &Option<PathBuf>| path.as_ref().map(|path| RolePath::new(role, path));
    [
        named(
            "the output video (--output / output.video)",
            &config.output.video,
        ),
        named(
            "the JSON Lines output (--json / output.json)",
            &config.output.json,
        ),
        named("the CSV output (--csv / output.csv)", &config.output.csv),
        named("--stats-json", &stats_json.map(Path::to_path_buf)),
    ]
    .into_iter()
    .flatten()
    .collect()
}
