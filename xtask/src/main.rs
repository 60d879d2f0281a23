//! `cargo xtask`: project tasks (see `cargo xtask --help`).

mod bench;
mod progress;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use models::fetch::FileSource;
use models::manifest::DestinationDirs;
use models::{FetchModelsOptions, fetch_models};
use tracing_subscriber::EnvFilter;

/// Environment variable naming a mirror folder (same as `--mirror`).
const MIRROR_ENV: &str = "AGENDER_MIRROR";
/// Environment variable overriding the models folder (same as `--models-dir`).
const MODELS_ENV: &str = "AGENDER_MODELS";
/// Environment variable naming the shared data folder (default `<workspace>/../shared`).
const SHARED_ENV: &str = "AGENDER_SHARED";
/// Log level when `RUST_LOG` is not set.
const DEFAULT_LOG_FILTER: &str = "info";

#[derive(Parser)]
#[command(name = "cargo xtask", about = "agender project tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fetch the model files and sample clips of models/manifest.toml (checking size and sha256),
    /// then convert SSR-Net (and the Caffe nets) to ONNX in models/.
    FetchModels(FetchModelsArgs),
    /// Benchmark the release app (every detector x estimator on the test clips, detection alone,
    /// a long run with RSS over time) and tract vs onnxruntime on SSR-Net; writes
    /// docs/BENCHMARKS.md and docs/benchmarks/latest.json.
    Bench(BenchArgs),
}

#[derive(clap::Args)]
struct BenchArgs {
    /// A previous docs/benchmarks/latest.json: print the ratios of this run to it.
    #[arg(long, value_name = "FILE")]
    compare: Option<PathBuf>,
    /// Only print the report; do not write docs/.
    #[arg(long)]
    no_write: bool,
}

#[derive(clap::Args)]
struct FetchModelsArgs {
    /// Copy from this local folder instead of downloading (env: AGENDER_MIRROR),
    /// e.g. ../shared/mirror.
    #[arg(long, value_name = "DIR")]
    mirror: Option<PathBuf>,
    /// Fetch only these manifest names (or file names); repeatable. Conversions run when all
    /// their sources are selected.
    #[arg(long, value_name = "NAME", num_args = 1..)]
    only: Vec<String>,
    /// Destination of model files and converted models (env: AGENDER_MODELS; default: models/).
    #[arg(long, value_name = "DIR")]
    models_dir: Option<PathBuf>,
    /// Destination of the sample clips (default: videos/).
    #[arg(long, value_name = "DIR")]
    videos_dir: Option<PathBuf>,
    /// Manifest to read (default: models/manifest.toml of the workspace).
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Only fetch; do not convert.
    #[arg(long)]
    no_convert: bool,
}

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER)),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::FetchModels(args) => run_fetch_models(args),
        Command::Bench(args) => run_bench(args),
    }
}

fn run_fetch_models(args: FetchModelsArgs) -> Result<()> {
    let root = workspace_root()?;
    let env_path = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let source = match args.mirror.or_else(|| env_path(MIRROR_ENV)) {
        Some(dir) => {
            anyhow::ensure!(
                dir.is_dir(),
                "mirror folder {} does not exist",
                dir.display()
            );
            FileSource::Mirror(dir)
        }
        None => FileSource::Network,
    };
    let options = FetchModelsOptions {
        manifest: args
            .manifest
            .unwrap_or_else(|| root.join("models").join("manifest.toml")),
        source,
        only: args.only,
        dirs: DestinationDirs {
            models: args
                .models_dir
                .or_else(|| env_path(MODELS_ENV))
                .unwrap_or_else(|| root.join("models")),
            videos: args.videos_dir.unwrap_or_else(|| root.join("videos")),
        },
        convert: !args.no_convert,
    };
    fetch_models(&options, &progress::ProgressBars::default())?;
    Ok(())
}

fn run_bench(args: BenchArgs) -> Result<()> {
    let root = workspace_root()?;
    let shared = std::env::var_os(SHARED_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("..").join("shared"));
    let models_dir = std::env::var_os(MODELS_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("models"));
    bench::run(&bench::BenchOptions {
        root,
        shared,
        models_dir,
        compare: args.compare,
        write_docs: !args.no_write,
    })
}

/// The workspace root: the parent of this crate's folder.
fn workspace_root() -> Result<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .context("xtask's manifest folder has no parent")
}
