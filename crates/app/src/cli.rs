//! Command-line interface: the config file plus overrides for the fields people change most.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use detect::DetectorKind;
use estimate::{EstimatorKind, LandmarkSource};

/// Watch video and, for every face in every frame, estimate gender and age.
///
/// Settings come from a TOML file (`--config`); the options below override the most common of
/// its keys. Without `--config` the built-in defaults are used: Haar detector, SSR-Net estimator,
/// a random clip from `videos/`, annotated video written to `out/annotated.mp4`.
#[derive(Debug, Parser)]
#[command(
    name = "app",
    version,
    about,
    long_about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do; without a subcommand the video pipeline runs.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Options of the video pipeline.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Subcommands besides the default video pipeline.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the video pipeline (the default when no subcommand is given).
    Run(RunArgs),
    /// Measure accuracy on labelled face images (a CSV `path,age,gender`).
    Eval(EvalArgs),
}

/// Options of `app eval`.
#[derive(Debug, Args, Clone)]
pub struct EvalArgs {
    /// Labels file: CSV with the header `path,age,gender`, paths relative to the file, gender M
    /// or F.
    #[arg(long, value_name = "CSV")]
    pub labels: PathBuf,

    /// Treat each whole image as the face crop (for datasets that are already cropped) instead of
    /// detecting and keeping the largest face.
    #[arg(long)]
    pub no_detect: bool,

    /// Also write the figures as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Where the aligned estimators take landmarks from. Overrides
    /// `estimator.alignment.landmarks`.
    #[arg(long, value_name = "SOURCE", value_parser = landmarks_parser())]
    pub landmarks: Option<LandmarkSource>,

    /// Also estimate every face mirrored and average. Sets `estimator.flip_average`.
    #[arg(long)]
    pub flip_average: bool,

    /// Score another program's answers on the same photos instead of running ours: CSV with
    /// the header `path,age,gender,male_probability` (empty values for a photo without a face).
    #[arg(long, value_name = "CSV")]
    pub predictions: Option<PathBuf>,

    /// Config file whose detector, estimator and processing sections are used.
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Face detector. Overrides `detector.kind`.
    #[arg(long, value_name = "KIND", value_parser = detector_parser())]
    pub detector: Option<DetectorKind>,

    /// Gender and age estimator. Overrides `estimator.kind`.
    #[arg(long, value_name = "KIND", value_parser = estimator_parser())]
    pub estimator: Option<EstimatorKind>,

    /// Directory holding the fetched models. Overrides `models_dir`.
    #[arg(long, value_name = "DIR")]
    pub models_dir: Option<PathBuf>,
}

impl EvalArgs {
    /// The overrides that `app eval` shares with the pipeline.
    pub fn as_run_args(&self) -> RunArgs {
        RunArgs {
            config: self.config.clone(),
            detector: self.detector,
            estimator: self.estimator,
            models_dir: self.models_dir.clone(),
            headless: true,
            ..RunArgs::default()
        }
    }
}

/// Options of the video pipeline; each one overrides a key of the config file.
#[derive(Debug, Args, Clone, Default)]
pub struct RunArgs {
    /// TOML config file (see `config/*.toml` and the README's config reference).
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Input: a video file, a directory (a random video in it), a camera index such as `0`,
    /// an image, or a directory of images. Overrides `input.source`.
    #[arg(short, long, value_name = "SOURCE")]
    pub input: Option<String>,

    /// Seed for the random pick from a directory, for a reproducible choice. Overrides
    /// `input.seed`.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Annotated video to write (`.mp4`, H.264 by default). Overrides `output.video`.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write per-frame results as JSON Lines to this file. Overrides `output.json`.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Write one CSV row per face to this file. Overrides `output.csv`.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,

    /// Do not write an annotated video, even if the config names one.
    #[arg(long, conflicts_with = "output")]
    pub no_output: bool,

    /// Face detector. Overrides `detector.kind`.
    #[arg(long, value_name = "KIND", value_parser = detector_parser())]
    pub detector: Option<DetectorKind>,

    /// Gender and age estimator. Overrides `estimator.kind`.
    #[arg(long, value_name = "KIND", value_parser = estimator_parser())]
    pub estimator: Option<EstimatorKind>,

    /// Never open windows (also automatic when there is no display). Overrides
    /// `display.enabled`.
    #[arg(long)]
    pub headless: bool,

    /// Stop after this many frames. Overrides `input.max_frames`.
    #[arg(long, value_name = "N")]
    pub max_frames: Option<u64>,

    /// Directory holding the models fetched by `cargo xtask fetch-models`. Overrides
    /// `models_dir` (and the AGENDER_MODELS environment variable).
    #[arg(long, value_name = "DIR")]
    pub models_dir: Option<PathBuf>,

    /// Write the run's figures (frames, faces, FPS, mean and median ms per stage) as JSON to this
    /// file (used by `cargo xtask bench`).
    #[arg(long, value_name = "FILE")]
    pub stats_json: Option<PathBuf>,

    /// Only decode, shrink and detect (no estimation, drawing or output): the detection-bound
    /// limit of the pipeline, for benchmarks.
    #[arg(long)]
    pub detect_only: bool,

    /// Face detection threads, each on whole frames (overrides `processing.detect_workers`; 0 =
    /// automatic: one, and up to one per CPU core while the frame loop waits for detection; 1 = on
    /// the frame loop's thread with OpenCV's own threads).
    #[arg(long, value_name = "N")]
    pub detect_workers: Option<u32>,

    /// Play the input this many times in one run (reopened at its end), e.g. to watch memory over
    /// a long run. `--max-frames` applies to each pass.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub passes: u32,
}

/// The detectors' names, as the config file spells them.
fn detector_parser() -> impl TypedValueParser<Value = DetectorKind> {
    PossibleValuesParser::new(DetectorKind::ALL.map(DetectorKind::name))
        .try_map(|name| name.parse::<DetectorKind>())
}

/// The estimators' names, as the config file spells them.
fn estimator_parser() -> impl TypedValueParser<Value = EstimatorKind> {
    PossibleValuesParser::new(EstimatorKind::ALL.map(EstimatorKind::name))
        .try_map(|name| name.parse::<EstimatorKind>())
}

/// The landmark sources' names, as the config file spells them.
fn landmarks_parser() -> impl TypedValueParser<Value = LandmarkSource> {
    PossibleValuesParser::new(LandmarkSource::ALL.map(LandmarkSource::name))
        .try_map(|name| name.parse::<LandmarkSource>())
}
