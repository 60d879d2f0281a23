//! The pipeline's configuration: one section per stage, every key optional with the original
//! program's value as default, unknown keys rejected. A front end reads it from its own file
//! format (the app from TOML) and may override keys before [`PipelineConfig::validate`].

use std::path::PathBuf;

use serde::Deserialize;

use crate::error::{PipelineError, Result, bail_config};

/// The original program shrinks every frame to about 480x340 pixels of area before detection.
pub const DEFAULT_PROCESSING_AREA: u32 = 480 * 340;

/// Everything one run of the pipeline needs to know.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PipelineConfig {
    /// Directory with the fetched and converted models.
    pub models_dir: Option<PathBuf>,
    /// Where frames come from.
    pub input: InputConfig,
    /// What is written.
    pub output: OutputConfig,
    /// Size of the frame the detector sees.
    pub processing: ProcessingConfig,
    /// Face detector.
    pub detector: detect::DetectorConfig,
    /// Gender and age estimator.
    pub estimator: estimate::EstimatorConfig,
    /// Face tracking and label stabilisation.
    pub tracking: track::TrackerConfig,
}

/// `[input]`: the video source.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InputConfig {
    /// A video file, a directory (a random video in it, as the original did), a camera index, an
    /// image, or a directory of images.
    pub source: String,
    /// Seed for the random pick from a directory (reproducible); random when absent.
    pub seed: Option<u64>,
    /// Stop after this many frames; the whole input when absent.
    pub max_frames: Option<u64>,
}

impl InputConfig {
    /// The source `source` names, with the random pick of a folder seeded by `seed`.
    pub fn source(&self) -> video_io::Source {
        video_io::Source::parse(&self.source).with_seed(self.seed)
    }
}

impl Default for InputConfig {
    fn default() -> Self {
        Self {
            source: "videos".to_owned(),
            seed: None,
            max_frames: None,
        }
    }
}

/// `[output]`: the annotated video.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputConfig {
    /// Annotated video file; none is written when absent.
    pub video: Option<PathBuf>,
    /// FourCC of the video codec: `avc1` (H.264, plays everywhere), `mp4v`, `MJPG`, ...
    pub codec: String,
    /// x264 speed preset of H.264 output (`ultrafast` ... `veryslow`); other codecs ignore it.
    pub preset: video_io::H264Preset,
    /// H.264 constant rate factor, 0 (lossless) to 51: lower is better and larger; other codecs
    /// ignore it.
    pub crf: u8,
    /// x264 tuning of H.264 output on top of the preset (`zerolatency`, `film`, ...); absent: the
    /// preset alone. Other codecs ignore it.
    pub tune: Option<video_io::H264Tune>,
    /// JSON Lines file with one object per frame (schema in `docs/OUTPUT.md`).
    pub json: Option<PathBuf>,
    /// CSV file with one row per face.
    pub csv: Option<PathBuf>,
}

impl OutputConfig {
    /// `preset`, `crf` and `tune` as the H.264 writer takes them; an error names the key and its
    /// range.
    pub fn h264_settings(&self) -> Result<video_io::H264Settings> {
        video_io::H264Settings::new(self.preset, self.crf)
            .map(|settings| settings.with_tune(self.tune))
            .map_err(|err| PipelineError::config_caused_by("invalid output.crf", err))
    }
}

impl Default for OutputConfig {
    fn default() -> Self {
        Self {
            video: Some(PathBuf::from("out/annotated.mp4")),
            codec: "avc1".to_owned(),
            preset: video_io::H264Preset::default(),
            crf: video_io::DEFAULT_CRF,
            tune: None,
            json: None,
            csv: None,
        }
    }
}

/// `[processing]`: the smaller frame that detection runs on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProcessingConfig {
    /// Pixel area of the processing frame; the aspect ratio of the input is kept.
    pub area: u32,
    /// Threads that detect faces, each on whole frames with its own detector; 0 (the default) is
    /// automatic: one thread, and one more at a time, up to one per CPU core (at most 8), while
    /// the frame loop waits for detection; 1 detects on the frame loop's thread with OpenCV's own
    /// threads. Output does not depend on it.
    pub detect_workers: u32,
}

impl Default for ProcessingConfig {
    fn default() -> Self {
        Self {
            area: DEFAULT_PROCESSING_AREA,
            detect_workers: AUTO_DETECT_WORKERS,
        }
    }
}

/// `processing.detect_workers` value that asks for the automatic count: one detection worker to
/// start with and up to one per CPU core while the frame loop waits for detection.
pub const AUTO_DETECT_WORKERS: u32 = 0;

/// Largest `processing.detect_workers` accepted: each worker holds a detector and up to two
/// frames, so a typo such as 1000 would exhaust memory instead of speeding anything up.
pub const MAX_DETECT_WORKERS: u32 = 64;

impl PipelineConfig {
    /// Checks values that the types alone cannot.
    pub fn validate(&self) -> Result<()> {
        if self.processing.area == 0 {
            bail_config!(
                "processing.area must be a positive number of pixels (the original uses {DEFAULT_PROCESSING_AREA}), got 0"
            );
        }
        if self.processing.detect_workers > MAX_DETECT_WORKERS {
            bail_config!(
                "processing.detect_workers = {} is more than {MAX_DETECT_WORKERS}: use at most one per CPU core, or {AUTO_DETECT_WORKERS} for one per core",
                self.processing.detect_workers
            );
        }
        if self.input.source.trim().is_empty() {
            bail_config!(
                "input.source is empty: give a video file, a directory, a camera index or an image"
            );
        }
        if self.input.max_frames == Some(0) {
            bail_config!("input.max_frames must be at least 1 when given, got 0");
        }
        self.tracking
            .validate()
            .map_err(|err| PipelineError::config_caused_by("invalid [tracking] section", err))?;
        self.output
            .codec
            .parse::<video_io::Codec>()
            .map_err(|err| PipelineError::config_caused_by("invalid output.codec", err))?;
        self.output.h264_settings()?;
        Ok(())
    }

    /// The models directory: the `models_dir` key, else [`face::default_models_dir`]
    /// (`$AGENDER_MODELS`, else `./models`).
    pub fn resolved_models_dir(&self) -> PathBuf {
        self.models_dir
            .clone()
            .unwrap_or_else(face::default_models_dir)
    }
}
