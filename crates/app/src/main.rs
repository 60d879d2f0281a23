//! `app`: watch video and, for every face in every frame, estimate gender and age.
//!
//! Thin by design: the command line, the config file and its overrides, logging, the allocator,
//! exit codes, the windows and the progress bar live here; the `pipeline` crate does the work.

mod cli;
mod config;
#[cfg(test)]
mod config_fuzz;
mod display;
mod failure;
mod progress;
mod signals;

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use tracing::level_filters::LevelFilter;
use tracing_subscriber::EnvFilter;

use pipeline::path_clash::{self, RolePath};
use pipeline::{
    DetectionOnly, FrameSink, Pipeline, PipelineConfig, eval, run_files, staged_output,
};

use crate::cli::{Cli, Command, EvalArgs, RunArgs};
use crate::config::AppConfig;
use crate::display::Display;
use crate::failure::{EXIT_SUCCESS, exit_code_for, usage};
use crate::signals::StopRequest;

/// The process's allocator for Rust's allocations (tract's tensors, the nets' input blobs,
/// records); OpenCV and FFmpeg allocate their frames through glibc's malloc.
///
/// tract allocates the activations of every node afresh on each run, megabytes per YuNet frame.
/// glibc's malloc gives such blocks back to the kernel when they are freed (unmapping them, or
/// trimming the top of a thread's heap), so the next frame faults the same pages in again; jemalloc
/// keeps freed pages for reuse. Measured on yunet + ssrnet (`input1.mp4`, 5 passes, interleaved
/// runs): page faults fall from 100-200 k to about 40 k and the pipeline runs about 12% faster;
/// the Levi-Hassner runs peak about 20 MiB lower. Library crates leave the choice to the program
/// that uses them.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read when it starts (before `main`; `_RJEM_MALLOC_CONF` in the environment
/// still overrides them): pages freed and left unused for a second go back to the kernel, instead
/// of after jemalloc's default of ten seconds. A frame loop reuses its blocks within milliseconds,
/// so nothing it needs is given back; what a finished stage or a passing peak freed is. Measured on
/// the largest runs (Levi-Hassner nets on `man_and_girl.mp4`): peak RSS 5-9 MiB lower, with the
/// same FPS there and on yunet + ssrnet, the run most sensitive to its allocator.
#[allow(non_upper_case_globals)]
#[unsafe(export_name = "_rjem_malloc_conf")]
static malloc_conf: &[u8; JEMALLOC_OPTIONS.len()] = JEMALLOC_OPTIONS;

/// The options behind [`malloc_conf`], NUL-terminated as jemalloc reads them.
const JEMALLOC_OPTIONS: &[u8; 20] = b"dirty_decay_ms:1000\0";

/// Log filter used when RUST_LOG is not set.
const DEFAULT_LOG_FILTER: &str = "info";

/// OpenCV's own variable for its log level; when the user sets it, OpenCV's level is theirs.
const OPENCV_LOG_LEVEL_ENV: &str = "OPENCV_LOG_LEVEL";

fn main() -> ExitCode {
    init_logging();
    quiet_opencv_warnings();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Run(args)) => run_pipeline(&args),
        Some(Command::Eval(args)) => run_eval(&args),
        None => run_pipeline(&cli.run),
    };
    if let Some((code, signal)) = signals::received() {
        if let Err(err) = &result {
            tracing::error!("{err:#}");
        }
        let outputs = if result.is_ok() {
            "the outputs written so far were put in place"
        } else {
            "no output was put in place"
        };
        tracing::warn!("interrupted by {signal}: {outputs}; exiting with code {code}");
        return ExitCode::from(code);
    }
    match result {
        Ok(()) => ExitCode::from(EXIT_SUCCESS),
        Err(err) => {
            let code = exit_code_for(&err);
            tracing::error!("{err:#}");
            if std::env::var_os("RUST_BACKTRACE").is_some_and(|value| value != "0") {
                eprintln!("{}", err.backtrace());
            }
            ExitCode::from(code)
        }
    }
}

fn init_logging() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only on a terminal: logs redirected to a file stay plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

/// Keeps OpenCV's own console messages to errors unless the log asks for debug messages
/// (`RUST_LOG=debug`) or the user set `OPENCV_LOG_LEVEL`.
///
/// OpenCV prints warnings from the back ends it tries, which the app's own messages already
/// explain: opening an absent camera, for example, prints a GStreamer and a V4L2 warning before
/// the app's "cannot open camera 3 ... try another index".
fn quiet_opencv_warnings() {
    if std::env::var_os(OPENCV_LOG_LEVEL_ENV).is_some()
        || LevelFilter::current() >= LevelFilter::DEBUG
    {
        return;
    }
    if let Err(error) = opencv::core::set_log_level(opencv::core::LogLevel::LOG_LEVEL_ERROR) {
        tracing::debug!("OpenCV's log level stays at its default: {error}");
    }
}

fn load_config(args: &RunArgs) -> Result<AppConfig> {
    let mut config = match &args.config {
        Some(path) => AppConfig::load(path).map_err(usage)?,
        None => AppConfig::default(),
    };
    config.apply_overrides(args);
    config.validate().map_err(usage)?;
    Ok(config)
}

fn run_pipeline(args: &RunArgs) -> Result<()> {
    let config = load_config(args)?;
    let settings = &config.pipeline;
    let mut inputs = run_files::inputs(settings, args.config.as_deref());
    inputs.extend(run_files::source_inputs(settings));
    path_clash::refuse_clashes(
        &inputs,
        &run_files::run_outputs(settings, args.stats_json.as_deref()),
    )?;
    let source = settings.input.source();
    let stats = if args.detect_only {
        let mut detection = DetectionOnly::new(settings)?.with_passes(args.passes);
        let stop = StopRequest::install();
        detection.run(&source, stop.flag())?
    } else {
        let mut pipeline = Pipeline::new(settings)?.with_passes(args.passes);
        let stop = StopRequest::install();
        pipeline.run(&source, sinks(&config)?, stop.flag())?
    };
    tracing::info!("done: {stats}");
    if stats.box_fallbacks > 0 {
        tracing::info!(
            faces = stats.box_fallbacks,
            "faces without usable landmarks were estimated on their padded square box instead of \
             an aligned chip"
        );
    }
    if let Some(path) = &args.stats_json {
        let text = serde_json::to_string_pretty(&stats.to_json())
            .context("cannot encode the run's figures")?;
        staged_output::write_atomically(path, (text + "\n").as_bytes())?;
    }
    Ok(())
}

/// The run's sinks in the order frames reach them: the records, the windows (whose ESC stops the
/// run before the frame is encoded, as the original), the annotated video, the progress bar of a
/// headless run.
fn sinks(config: &AppConfig) -> Result<Vec<Box<dyn FrameSink>>> {
    let mut sinks = pipeline::output_sinks(&config.pipeline.output)?;
    let video_at = sinks.len() - usize::from(config.pipeline.output.video.is_some());
    match open_display(config) {
        Some(display) => sinks.insert(video_at, Box::new(display)),
        None => sinks.push(Box::new(progress::FramesProgress::new())),
    }
    Ok(sinks)
}

/// The windows, unless the config, a missing display or a failure to open them makes the run
/// headless (said in the log).
fn open_display(config: &AppConfig) -> Option<Display> {
    if let Some(reason) = display::headless_reason(config.display.enabled) {
        tracing::info!("running headless: {reason}");
        return None;
    }
    match Display::open(config.display.show_source) {
        Ok(display) => Some(display),
        Err(err) => {
            tracing::warn!("running headless: {err:#}");
            None
        }
    }
}

fn run_eval(args: &EvalArgs) -> Result<()> {
    let mut config = load_config(&args.as_run_args())?.pipeline;
    if let Some(landmarks) = args.landmarks {
        config.estimator.alignment.landmarks = landmarks;
    }
    if args.flip_average {
        config.estimator.flip_average = true;
    }
    let labels = eval::read_labels(&args.labels).map_err(pipeline::PipelineError::into_config)?;
    if let Some(json) = &args.json {
        refuse_eval_clashes(args, &config, &labels, json)?;
    }
    let faces = if args.no_detect {
        eval::FaceSource::WholeImage
    } else {
        eval::FaceSource::LargestDetected
    };
    let (outcomes, title) = match &args.predictions {
        Some(predictions) => (
            eval::read_predictions(predictions, &labels)
                .map_err(pipeline::PipelineError::into_config)?,
            format!(
                "predictions {}, {}",
                predictions.display(),
                args.labels.display()
            ),
        ),
        None => {
            let detector = if args.no_detect {
                "no detection".to_owned()
            } else {
                format!("{:?}", config.detector.kind)
            };
            let bar = progress::images_bar(labels.len() as u64);
            let outcomes = eval::evaluate(&config, &labels, faces, &|| bar.inc(1));
            bar.finish_and_clear();
            (
                outcomes?,
                format!(
                    "{:?} estimator, {detector}, {}",
                    config.estimator.kind,
                    args.labels.display()
                ),
            )
        }
    };
    print!("{}", eval::markdown_report(&title, &outcomes));
    if let Some(path) = &args.json {
        let report = eval::Report::new(&outcomes);
        let faces = if args.no_detect {
            "whole-image"
        } else {
            config.detector.kind.name()
        };
        let json = serde_json::json!({
            "labels": args.labels,
            "estimator": config.estimator.kind.name(),
            "faces": faces,
            "report": report,
        });
        let text = serde_json::to_string_pretty(&json).context("cannot encode the report")?;
        staged_output::write_atomically(path, (text + "\n").as_bytes())?;
    }
    Ok(())
}

/// Refuses an `eval --json` file that is one of the files eval reads.
fn refuse_eval_clashes(
    args: &EvalArgs,
    config: &PipelineConfig,
    labels: &[eval::LabelledImage],
    json: &std::path::Path,
) -> Result<()> {
    let mut inputs = run_files::inputs(config, args.config.as_deref());
    inputs.push(RolePath::new("the labels file (--labels)", &args.labels));
    inputs.extend(
        args.predictions
            .iter()
            .map(|path| RolePath::new("the predictions file (--predictions)", path)),
    );
    inputs.extend(
        labels
            .iter()
            .map(|image| RolePath::new("a labelled image", &image.path)),
    );
    Ok(path_clash::refuse_clashes(
        &inputs,
        &[RolePath::new("--json", json)],
    )?)
}

#[cfg(test)]
mod tests {
    /// jemalloc found [`super::malloc_conf`] under the name it looks for: a misspelt symbol would
    /// leave its defaults in place without a word.
    #[test]
    fn jemalloc_reads_the_compiled_in_options() {
        let name = c"opt.dirty_decay_ms";
        let mut decay_ms: isize = 0;
        let mut len = std::mem::size_of::<isize>();
        // SAFETY: `opt.dirty_decay_ms` is an `ssize_t`; `decay_ms` and `len` describe a buffer of
        // that size, and no new value is written (null pointer, length 0).
        let status = unsafe {
            tikv_jemalloc_sys::mallctl(
                name.as_ptr(),
                (&raw mut decay_ms).cast(),
                &raw mut len,
                std::ptr::null_mut(),
                0,
            )
        };
        assert_eq!(status, 0, "mallctl failed");
        assert_eq!(decay_ms, 1000);
    }
}
