//! `cargo xtask bench`: builds the release `app`, runs every detector x estimator on the test
//! clips plus each detector alone, a long run with RSS over time, tract against onnxruntime
//! on the SSR-Net files, tract against OpenCV DNN on the Levi-Hassner Caffe nets, and detection
//! workers against detection on the frame loop's thread (repeated, interleaved); writes
//! docs/BENCHMARKS.md and docs/benchmarks/latest.json.

mod aligned_pipelines;
mod caffe;
mod criterion;
mod machine;
mod nets;
mod original;
mod pipeline;
mod python;
mod report;
mod rss;
mod stats;
mod workers;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use models::manifest::DestinationDirs;

use self::pipeline::RunSpec;
use self::report::BenchReport;

/// Detectors benchmarked.
const DETECTORS: [&str; 3] = ["haar", "dnn", "yunet"];
/// Estimators benchmarked with every detector.
const ESTIMATORS: [&str; 2] = ["ssrnet", "caffe"];
/// The aligned estimators, benchmarked with the detector whose landmarks-friendly speed they are
/// meant for.
const ALIGNED_ESTIMATORS: [&str; 3] = ["faceapi", "ensemble", "dlib"];
/// Detector of the aligned estimators' runs.
const ALIGNED_DETECTOR: &str = "yunet";
/// Clips of `<shared>/testdata/videos` benchmarked.
const CLIPS: [&str; 3] = ["input1.mp4", "input2.mp4", "man_and_girl.mp4"];
/// How many times the long run plays its clip (the speed goals ask for "a clip looped 10 times").
const LONG_RUN_PASSES: u32 = 10;

/// Options of `cargo xtask bench`.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Workspace root.
    pub root: PathBuf,
    /// Shared data folder (`AGENDER_SHARED`, default `<root>/../shared`).
    pub shared: PathBuf,
    /// Models folder.
    pub models_dir: PathBuf,
    /// A previous `latest.json` to print ratios against.
    pub compare: Option<PathBuf>,
    /// Where the report goes (default docs/BENCHMARKS.md and docs/benchmarks/latest.json).
    pub write_docs: bool,
}

/// Runs the whole benchmark.
pub fn run(options: &BenchOptions) -> Result<()> {
    let previous = match &options.compare {
        Some(path) => Some(read_report(path)?),
        None => None,
    };
    let mut machine = machine::Machine::probe(&options.root);
    let mut commands = vec!["cargo build --release -p app".to_owned()];
    build_app(&options.root)?;
    let target = criterion::target_dir(&options.root);
    let app = target.join("release/app");
    let work_dir = target.join("bench");
    std::fs::create_dir_all(&work_dir)
        .with_context(|| format!("cannot create {}", work_dir.display()))?;
    let clips_dir = options.shared.join("testdata/videos");

    let mut report = BenchReport {
        machine: machine.clone(),
        commands: Vec::new(),
        pipeline: Vec::new(),
        detect_only: Vec::new(),
        skipped: Vec::new(),
        long_run: None,
        nets: Vec::new(),
        onnxruntime_version: None,
        caffe: Vec::new(),
        workers: Vec::new(),
        aligned: Vec::new(),
        original_haar: None,
    };
    let mut run_one = |spec: RunSpec, report: &mut BenchReport| -> Option<pipeline::RunResult> {
        let args = pipeline::command_line(
            &spec,
            Path::new("target/bench/OUT.mp4"),
            Path::new("target/bench/STATS.json"),
        );
        commands.push(format!("target/release/app {}", args.join(" ")));
        tracing::info!(detector = %spec.detector, estimator = %spec.estimator, clip = %spec.clip.display(), detect_only = spec.detect_only, passes = spec.passes, "running");
        match pipeline::run(&app, &spec, &work_dir) {
            Ok(result) => {
                tracing::info!(fps = result.fps, peak_rss_mib = result.peak_rss_mib, "done");
                Some(result)
            }
            Err(err) => {
                tracing::warn!("{err:#}");
                report.skipped.push(format!(
                    "{} + {} on {}: {err:#}",
                    spec.detector,
                    if spec.detect_only {
                        "detection only"
                    } else {
                        &spec.estimator
                    },
                    spec.clip.display()
                ));
                None
            }
        }
    };
    for clip in CLIPS {
        let clip = clips_dir.join(clip);
        anyhow::ensure!(
            clip.is_file(),
            "{} is missing (set AGENDER_SHARED)",
            clip.display()
        );
        for detector in DETECTORS {
            let spec = |estimator: &str, detect_only| RunSpec {
                detector: detector.to_owned(),
                estimator: estimator.to_owned(),
                clip: clip.clone(),
                detect_only,
                passes: 1,
                detect_workers: None,
            };
            if let Some(r) = run_one(spec("ssrnet", true), &mut report) {
                report.detect_only.push(r);
            }
            let aligned: &[&str] = if detector == ALIGNED_DETECTOR {
                &ALIGNED_ESTIMATORS
            } else {
                &[]
            };
            for estimator in ESTIMATORS.iter().chain(aligned) {
                if let Some(r) = run_one(spec(estimator, false), &mut report) {
                    report.pipeline.push(r);
                }
            }
        }
    }
    let input1 = clips_dir.join(CLIPS[0]);
    for _ in 0..workers::REPETITIONS {
        for (detector, estimator) in aligned_pipelines::PIPELINES {
            let spec = RunSpec {
                detector: detector.to_owned(),
                estimator: estimator.to_owned(),
                clip: input1.clone(),
                detect_only: false,
                passes: workers::PASSES,
                detect_workers: workers::DEFAULT,
            };
            if let Some(r) = run_one(spec, &mut report) {
                aligned_pipelines::record(&mut report.aligned, &r);
            }
        }
    }
    for _ in 0..workers::REPETITIONS {
        for detector in workers::DETECTORS {
            for setting in workers::SETTINGS {
                for detect_only in [true, false] {
                    let spec = RunSpec {
                        detector: detector.to_owned(),
                        estimator: workers::ESTIMATOR.to_owned(),
                        clip: input1.clone(),
                        detect_only,
                        passes: workers::PASSES,
                        detect_workers: setting,
                    };
                    if let Some(r) = run_one(spec, &mut report) {
                        workers::record(&mut report.workers, &r, detect_only, setting);
                    }
                }
            }
        }
    }
    let long = RunSpec {
        detector: "haar".to_owned(),
        estimator: "ssrnet".to_owned(),
        clip: input1.clone(),
        detect_only: false,
        passes: LONG_RUN_PASSES,
        detect_workers: None,
    };
    report.long_run = run_one(long, &mut report);

    commands.push(nets::tract_command());
    commands.push(format!(
        "{} {} --age models/ssrnet_age.onnx --gender models/ssrnet_gender.onnx --batches 1,4,16 \
         --threads 0 (and --threads 1; and both on target/bench/ssrnet_*_pools.onnx)",
        python::RUNNER,
        nets::ORT_SCRIPT
    ));
    commands.push(nets::aligned::ort_command());
    let manifest = options.root.join("models").join("manifest.toml");
    let dirs = DestinationDirs {
        models: options.models_dir.clone(),
        videos: options.root.join("videos"),
    };
    match nets::compare(&options.root, &options.shared, &dirs, &manifest, &work_dir) {
        Ok((timings, version)) => {
            report.nets = timings;
            report.onnxruntime_version = Some(version);
        }
        Err(err) => report
            .skipped
            .push(format!("tract vs onnxruntime: {err:#}")),
    }
    let cascade = options.models_dir.join(original::CASCADE);
    commands.push(original::command(&input1, &cascade));
    match original::measure(&options.root, &input1, &cascade) {
        Ok(haar) => report.original_haar = Some(haar),
        Err(err) => report
            .skipped
            .push(format!("the original's Haar stage: {err:#}")),
    }
    commands.push(caffe::command());
    match caffe::compare(&options.root) {
        Ok(timings) => report.caffe = timings,
        Err(err) => report
            .skipped
            .push(format!("Caffe nets, tract vs OpenCV DNN: {err:#}")),
    }
    machine.finish();
    report.machine = machine;
    // The repeated runs list their command once.
    let mut seen = std::collections::HashSet::new();
    commands.retain(|command| seen.insert(command.clone()));
    report.commands = commands;

    if options.write_docs {
        let docs = options.root.join("docs");
        std::fs::create_dir_all(docs.join("benchmarks"))
            .context("cannot create docs/benchmarks")?;
        let json = serde_json::to_string_pretty(&report).context("cannot encode the report")?;
        std::fs::write(docs.join("benchmarks/latest.json"), json + "\n")
            .context("cannot write docs/benchmarks/latest.json")?;
        std::fs::write(docs.join("BENCHMARKS.md"), report.markdown())
            .context("cannot write docs/BENCHMARKS.md")?;
        tracing::info!("wrote docs/BENCHMARKS.md and docs/benchmarks/latest.json");
    }
    print!("{}", report.markdown());
    if let Some(previous) = previous {
        print!("\n{}", report.compare(&previous));
    }
    Ok(())
}

fn read_report(path: &Path) -> Result<BenchReport> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a bench report", path.display()))
}

fn build_app(root: &Path) -> Result<()> {
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "--release", "-p", "app"])
        .current_dir(root)
        .status()
        .context("cannot run cargo build")?;
    if !status.success() {
        bail!("cargo build --release -p app failed ({status})");
    }
    Ok(())
}
