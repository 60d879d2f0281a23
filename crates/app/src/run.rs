//! A whole run: decode -> detect -> analyse -> render -> show / encode over every pass of the
//! input, with start-up logging, a progress bar on headless runs, stop signals and the checks
//! that nothing was lost; and the detection-only run the benchmarks compare it with.
//!
//! Every output is written beside its destination and put in place only when the run succeeded
//! or was stopped on purpose (ESC, a stop signal): a failed run leaves the files that were there.

use anyhow::{Context, Result};
use indicatif::ProgressBar;
use video_io::{OutputTiming, Source, VideoReader};

use crate::config::AppConfig;
use crate::detect_stage::DetectedFrames;
use crate::frame_loop::FrameLoop;
use crate::records::RecordWriters;
use crate::setup::{build_analyzer, build_detection, open_display, open_writer, progress_bar};
use crate::signals::StopRequest;
use crate::staged_output::StagedOutput;
use crate::stages::{DecodeThread, EncodeThread};
use crate::stats::{RunStats, Stage};

/// Frame rate written when the input does not say (images, some cameras).
const FALLBACK_FPS: f64 = 25.0;

/// How a run is carried out, beyond the config (benchmark switches of the command line).
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Only decode, shrink and detect: the detection-bound limit of the pipeline.
    pub detect_only: bool,
    /// How many times the input is played (reopened at its end); 0 counts as 1.
    pub passes: u32,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            detect_only: false,
            passes: 1,
        }
    }
}

/// Runs the pipeline described by `config` to the end of the input, ESC or a stop signal.
pub fn run(config: &AppConfig, options: &RunOptions) -> Result<RunStats> {
    if options.detect_only {
        return run_detect_only(config, options);
    }
    let models_dir = config.resolved_models_dir();
    let (analyzer, description) = build_analyzer(config, &models_dir)?;
    let mut detection = build_detection(config, &models_dir, analyzer.padding_ratio())?;

    let source = Source::parse(&config.input.source).with_seed(config.input.seed);
    let reader = VideoReader::open(&source)
        .with_context(|| format!("cannot open the input {:?}", config.input.source))?;
    let fps = reader
        .fps()
        .filter(|fps| fps.is_finite() && *fps > 0.0)
        .unwrap_or(FALLBACK_FPS);
    let frame_count = reader.frame_count();
    let first_size = reader.frame_size();
    tracing::info!(
        input = %reader.describe(),
        fps,
        frames = frame_count.map(|n| n.to_string()).unwrap_or_else(|| "unknown".to_owned()),
        "input opened"
    );
    tracing::info!("{description}");
    tracing::info!(
        "estimator threads: per batch of faces, {}; the calling thread is the frame loop's",
        analyzer.estimator_threads()
    );

    let staged_video = config
        .output
        .video
        .as_deref()
        .map(StagedOutput::new)
        .transpose()?;
    let timing = output_timing(&reader, fps, options.passes);
    let writer = match &staged_video {
        Some(staged) => Some(open_writer(staged, &config.output, &timing, first_size)?),
        None => None,
    };

    let records =
        RecordWriters::create(config.output.json.as_deref(), config.output.csv.as_deref())?;

    let mut display = open_display(config);

    let stop = StopRequest::install();
    let progress = match (&display, frame_count) {
        (None, Some(total)) => {
            progress_bar(config.input.max_frames.map_or(total, |max| max.min(total)))
        }
        _ => ProgressBar::hidden(),
    };

    let mut loop_state = FrameLoop::new(
        analyzer,
        writer
            .zip(config.output.video.as_deref())
            .map(|(writer, destination)| EncodeThread::spawn(writer, destination))
            .transpose()?,
        records,
        first_size,
        timing.time_base.is_some(),
        config.tracking.enabled && config.tracking.show_track_id,
    );
    let mut outcome = Ok(());
    let mut reader = Some(reader);
    for pass in 0..options.passes.max(1) {
        let pass_reader = match reader.take() {
            Some(first) => first,
            None => reopen(&source, pass)?,
        };
        let decoder = DecodeThread::spawn(pass_reader, config.input.max_frames)?;
        let lost_frames = decoder.lost_frames();
        let mut frames = DetectedFrames::start(decoder, std::mem::take(&mut detection))?;
        outcome = loop_state.process_all(&mut frames, display.as_mut(), &stop, &progress);
        match frames.finish() {
            Ok(returned) => detection = returned,
            Err(err) => outcome = outcome.and(Err(err)),
        }
        loop_state.count_lost_frames(lost_frames.load(std::sync::atomic::Ordering::SeqCst));
        if outcome.is_err() || stop.is_requested() || loop_state.stopped() {
            break;
        }
    }
    progress.finish_and_clear();

    // Whatever happened, finalise the video so the frames written so far stay playable.
    let stopped = loop_state.stopped();
    let finished = loop_state.finish();
    let mut stats = finished.stats;
    outcome?;
    let records = finished.records?;
    stats.add(Stage::Encode, finished.encode_time?);
    if stats.lost_frames > 0 {
        tracing::warn!(
            lost_frames = stats.lost_frames,
            "{} frames of the input could not be decoded (damaged data) and were skipped; the \
             others were processed",
            stats.lost_frames
        );
    }
    if !stop.is_requested() && !stopped {
        crate::completeness::warn_if_input_ended_early(
            frame_count,
            config.input.max_frames,
            options.passes,
            stats.frames,
            stats.lost_frames,
        );
    }
    if let Some(staged) = staged_video {
        crate::completeness::check_written_video(
            staged.path(),
            staged.destination(),
            stats.frames,
        )?;
        let destination = staged.destination().to_path_buf();
        staged.commit()?;
        tracing::info!(path = %destination.display(), "annotated video written");
    }
    for staged in records {
        staged.commit()?;
    }
    Ok(stats)
}

/// How the annotated video is timed: each frame at its presentation time in the input's time base,
/// with the input's pixel shape. A run of several passes (a benchmark switch) replays the input
/// from time 0 each time, so it is written at the constant rate instead.
fn output_timing(reader: &VideoReader, fps: f64, passes: u32) -> OutputTiming {
    match reader.timing() {
        Some(stream) if passes <= 1 => OutputTiming::of_stream(&stream, fps),
        Some(stream) => OutputTiming {
            sample_aspect_ratio: stream.sample_aspect_ratio,
            ..OutputTiming::constant(fps)
        },
        None => OutputTiming::constant(fps),
    }
}

/// Reopens the input for pass `pass` (0-based) of a multi-pass run.
fn reopen(source: &Source, pass: u32) -> Result<VideoReader> {
    tracing::debug!(pass, "reopening the input for the next pass");
    VideoReader::open(source).with_context(|| format!("cannot reopen the input for pass {pass}"))
}

/// Decodes, shrinks and detects only (no estimation, drawing or output): the detection-bound
/// limit the full pipeline is compared with. The estimator's padding ratio still applies to the
/// boxes, so the work per frame is the same as the full pipeline's up to estimation.
fn run_detect_only(config: &AppConfig, options: &RunOptions) -> Result<RunStats> {
    let models_dir = config.resolved_models_dir();
    let padding_ratio = config.estimator.effective_padding_ratio();
    let mut detection = build_detection(config, &models_dir, padding_ratio)?;
    tracing::info!("detection only: no estimation or output");
    let source = Source::parse(&config.input.source).with_seed(config.input.seed);
    let stop = StopRequest::install();
    let mut stats = RunStats::new();
    for pass in 0..options.passes.max(1) {
        let decoder = DecodeThread::spawn(reopen(&source, pass)?, config.input.max_frames)?;
        let mut frames = DetectedFrames::start(decoder, std::mem::take(&mut detection))?;
        let counted = count_detections(&mut frames, &stop, &mut stats);
        detection = frames.finish()?;
        counted?;
        if stop.is_requested() {
            break;
        }
    }
    Ok(stats)
}

/// Adds the decode, resize and detect times and the faces of every frame of `frames` to `stats`,
/// until the input ends, an error or a stop signal.
fn count_detections(
    frames: &mut DetectedFrames,
    stop: &StopRequest,
    stats: &mut RunStats,
) -> Result<()> {
    while let Some(detected) = frames.next() {
        if stop.is_requested() {
            break;
        }
        let detected = detected?;
        stats.add(Stage::Decode, detected.decoded.decode_time);
        detected.times.add_to(stats);
        stats.count_frame(detected.faces.len());
    }
    Ok(())
}
