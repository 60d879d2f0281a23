//! The TOML config file: the pipeline's sections (`[input]`, `[output]`, `[processing]`,
//! `[detector]`, `[estimator]`, `[tracking]`, `models_dir`) and the app's own `[display]`, every
//! key optional with the original program's value as default, unknown keys rejected; and the
//! command line's overrides of it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use pipeline::PipelineConfig;
use serde::Deserialize;

use crate::cli::RunArgs;

/// The section of the config file that is the app's, not the pipeline's.
const DISPLAY_SECTION: &str = "display";
/// How serde starts the list of the pipeline's top-level keys in an unknown-key error.
const PIPELINE_KEYS_LIST: &str = "expected one of `models_dir`,";

/// The whole configuration file.
#[derive(Debug, Clone, Default)]
pub struct AppConfig {
    /// Everything but the windows.
    pub pipeline: PipelineConfig,
    /// Windows.
    pub display: DisplayConfig,
}

/// `[display]`: the original's two windows.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DisplayConfig {
    /// Show the windows when a display is available.
    pub enabled: bool,
    /// Also show the unannotated source frame in a second window, as the original did.
    pub show_source: bool,
}

impl Default for DisplayConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            show_source: true,
        }
    }
}

impl AppConfig {
    /// Reads a config file; every error names it.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "cannot read the config file {}: check the path",
                path.display()
            )
        })?;
        // Parsed with spans, so that errors in either part quote the offending line.
        let invalid = |mut err: toml::de::Error| {
            err.set_input(Some(&text));
            let mut message = err.to_string().trim().to_owned();
            if message.contains(PIPELINE_KEYS_LIST) {
                // `[display]` was taken out before the pipeline's part was read.
                message.push_str(&format!(", or `{DISPLAY_SECTION}`"));
            }
            anyhow::anyhow!("invalid config file {}: {message}", path.display())
        };
        let mut root = toml::de::DeTable::parse(&text).map_err(invalid)?;
        let display = match root.get_mut().remove(DISPLAY_SECTION) {
            Some(section) => DisplayConfig::deserialize(toml::de::ValueDeserializer::from(section))
                .map_err(invalid)?,
            None => DisplayConfig::default(),
        };
        let pipeline =
            PipelineConfig::deserialize(toml::de::Deserializer::from(root)).map_err(invalid)?;
        Ok(Self { pipeline, display })
    }

    /// Applies the command line's overrides, then `AGENDER_MODELS` unless `--models-dir` is given.
    pub fn apply_overrides(&mut self, args: &RunArgs) {
        let config = &mut self.pipeline;
        if let Some(input) = &args.input {
            config.input.source = input.clone();
        }
        if let Some(seed) = args.seed {
            config.input.seed = Some(seed);
        }
        if let Some(max_frames) = args.max_frames {
            config.input.max_frames = Some(max_frames);
        }
        if let Some(output) = &args.output {
            config.output.video = Some(output.clone());
        }
        if let Some(json) = &args.json {
            config.output.json = Some(json.clone());
        }
        if let Some(csv) = &args.csv {
            config.output.csv = Some(csv.clone());
        }
        if args.no_output {
            config.output.video = None;
        }
        if let Some(detector) = args.detector {
            config.detector.kind = detector;
        }
        if let Some(estimator) = args.estimator {
            config.estimator.kind = estimator;
        }
        if args.headless {
            self.display.enabled = false;
        }
        if let Some(workers) = args.detect_workers {
            config.processing.detect_workers = workers;
        }
        if let Some(dir) = &args.models_dir {
            config.models_dir = Some(dir.clone());
        } else if let Some(dir) =
            std::env::var_os(face::MODELS_DIR_ENV).filter(|dir| !dir.is_empty())
        {
            config.models_dir = Some(PathBuf::from(dir));
        }
    }

    /// Checks values that the types alone cannot.
    pub fn validate(&self) -> Result<()> {
        Ok(self.pipeline.validate()?)
    }
}
