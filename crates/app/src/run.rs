//! The frame loop: decode -> analyse -> render -> show / encode, with start-up logging, a progress
//! bar on headless runs, Ctrl-C handling and the closing summary.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use opencv::core::{Mat, Size};
use opencv::imgproc;
use opencv::prelude::*;
use video_io::{Codec, FrameSize, Source, VideoReader, VideoWriter};

use crate::analysis::{FaceFinder, FaceResult, FrameAnalyzer};
use crate::config::{AppConfig, OutputConfig};
use crate::detect_stage::{DetectedFrames, resolve_worker_count};
use crate::display::{self, Control, Display};
use crate::failure::usage;
use crate::records::RecordWriters;
use crate::stages::{DecodeThread, EncodeThread};
use crate::stats::{RunStats, Stage};

/// Frame rate written when the input does not say (images, some cameras).
const FALLBACK_FPS: f64 = 25.0;
/// Refresh rate limit of the progress bar.
const PROGRESS_TEMPLATE: &str =
    "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} frames ({per_sec}, eta {eta})";

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

/// Runs the pipeline described by `config` to the end of the input, ESC or Ctrl-C.
pub fn run(config: &AppConfig, options: &RunOptions) -> Result<RunStats> {
    if options.detect_only {
        return run_detect_only(config, options);
    }
    let models_dir = config.resolved_models_dir();
    let (analyzer, description) = build_analyzer(config, &models_dir)?;
    let mut finders = build_finders(config, &models_dir, analyzer.padding_ratio())?;

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

    let writer = match &config.output.video {
        Some(path) => Some(open_writer(path, &config.output, fps, first_size)?),
        None => None,
    };

    let records =
        RecordWriters::create(config.output.json.as_deref(), config.output.csv.as_deref())?;

    let mut display = match display::headless_reason(config.display.enabled) {
        Some(reason) => {
            tracing::info!("running headless: {reason}");
            None
        }
        None => match Display::open(config.display.show_source) {
            Ok(display) => Some(display),
            Err(err) => {
                tracing::warn!("running headless: {err:#}");
                None
            }
        },
    };

    let interrupted = install_interrupt_flag();
    let progress = match (&display, frame_count) {
        (None, Some(total)) => {
            progress_bar(config.input.max_frames.map_or(total, |max| max.min(total)))
        }
        _ => ProgressBar::hidden(),
    };

    let mut loop_state = FrameLoop {
        analyzer,
        stats: RunStats::new(),
        encoder: writer.map(EncodeThread::spawn).transpose()?,
        records,
        show_track_id: config.tracking.enabled && config.tracking.show_track_id,
        writer_size: first_size,
        warned_resize: false,
        quit: false,
    };
    let mut outcome = Ok(());
    let mut reader = Some(reader);
    for pass in 0..options.passes.max(1) {
        let pass_reader = match reader.take() {
            Some(first) => first,
            None => reopen(&source, pass)?,
        };
        let decoder = DecodeThread::spawn(pass_reader, config.input.max_frames)?;
        let mut frames = DetectedFrames::start(decoder, std::mem::take(&mut finders))?;
        outcome = loop_state.process_all(&mut frames, display.as_mut(), &interrupted, &progress);
        match frames.finish() {
            Ok(returned) => finders = returned,
            Err(err) => outcome = outcome.and(Err(err)),
        }
        if outcome.is_err() || interrupted.load(Ordering::SeqCst) || loop_state.quit {
            break;
        }
    }
    progress.finish_and_clear();

    // Whatever happened, finalise the video so the frames written so far stay playable.
    let encode_time = match loop_state.encoder.take() {
        Some(encoder) => encoder.finish(),
        None => Ok(Default::default()),
    };
    let records_flushed = loop_state.records.finish();
    let mut stats = loop_state.stats;
    outcome?;
    records_flushed?;
    stats.add(Stage::Encode, encode_time?);
    if !interrupted.load(Ordering::SeqCst) && !loop_state.quit {
        crate::completeness::warn_if_input_ended_early(
            frame_count,
            config.input.max_frames,
            options.passes,
            stats.frames,
        );
    }
    if let Some(path) = &config.output.video {
        crate::completeness::check_written_video(path, stats.frames)?;
        tracing::info!(path = %path.display(), "annotated video written");
    }
    Ok(stats)
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
    let mut finders = build_finders(config, &models_dir, padding_ratio)?;
    tracing::info!("detection only: no estimation or output");
    let source = Source::parse(&config.input.source).with_seed(config.input.seed);
    let interrupted = install_interrupt_flag();
    let mut stats = RunStats::new();
    for pass in 0..options.passes.max(1) {
        let decoder = DecodeThread::spawn(reopen(&source, pass)?, config.input.max_frames)?;
        let mut frames = DetectedFrames::start(decoder, std::mem::take(&mut finders))?;
        let counted = count_detections(&mut frames, &interrupted, &mut stats);
        finders = frames.finish()?;
        counted?;
        if interrupted.load(Ordering::SeqCst) {
            break;
        }
    }
    Ok(stats)
}

/// Adds the decode, resize and detect times and the faces of every frame of `frames` to `stats`,
/// until the input ends, an error or Ctrl-C.
fn count_detections(
    frames: &mut DetectedFrames,
    interrupted: &AtomicBool,
    stats: &mut RunStats,
) -> Result<()> {
    while let Some(detected) = frames.next() {
        if interrupted.load(Ordering::SeqCst) {
            break;
        }
        let detected = detected?;
        stats.add(Stage::Decode, detected.decoded.decode_time);
        detected.times.add_to(stats);
        stats.count_frame(detected.faces.len());
    }
    Ok(())
}

/// One face finder per detection worker (`processing.detect_workers`), each with its own
/// detector. With several workers OpenCV runs single-threaded: each worker keeps one core busy
/// with whole frames (see `detect_stage`).
fn build_finders(
    config: &AppConfig,
    models_dir: &Path,
    padding_ratio: f32,
) -> Result<Vec<FaceFinder>> {
    let workers = resolve_worker_count(config.processing.detect_workers);
    let finders = (0..workers)
        .map(|_| {
            let detector = detect::build_detector(&config.detector, models_dir).map_err(|err| {
                usage(anyhow::Error::new(err).context("cannot build the face detector"))
            })?;
            Ok(FaceFinder::new(
                detector,
                config.processing.area,
                padding_ratio,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    if workers > 1 {
        opencv::core::set_num_threads(1).context("cannot set OpenCV's thread count")?;
        tracing::info!(
            workers,
            "face detection on {workers} threads, one frame each (OpenCV single-threaded)"
        );
    } else {
        tracing::info!(
            opencv_threads = opencv::core::get_num_threads().unwrap_or_default(),
            "face detection on the frame loop's thread"
        );
    }
    Ok(finders)
}

fn build_analyzer(config: &AppConfig, models_dir: &Path) -> Result<(FrameAnalyzer, String)> {
    let estimator = estimate::Estimator::from_config(&config.estimator, models_dir)
        .map_err(|err| usage(anyhow::Error::new(err).context("cannot load the estimator")))?;
    let paths = estimator.model_paths();
    let description = format!(
        "detector {}; estimator {} (age model {}, gender model {}, padding ratio {})",
        config.detector.kind.name(),
        estimator.kind(),
        paths.age.display(),
        paths.gender.display(),
        estimator.padding_ratio(),
    );
    let tracker = if config.tracking.enabled {
        Some(
            track::Tracker::new(config.tracking.clone())
                .map_err(|err| usage(anyhow::Error::new(err)))?,
        )
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

fn open_writer(
    path: &Path,
    output: &OutputConfig,
    fps: f64,
    size: FrameSize,
) -> Result<VideoWriter> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).with_context(|| {
            format!(
                "cannot create the output directory {}: check the path and permissions",
                parent.display()
            )
        })?;
    }
    let codec: Codec = output.codec.parse().map_err(|err: video_io::VideoError| {
        usage(anyhow::Error::new(err).context("invalid output.codec"))
    })?;
    let h264 = output.h264_settings().map_err(usage)?;
    VideoWriter::create_with(path, codec, fps, size, h264)
        .with_context(|| format!("cannot create the output video {}", path.display()))
}

fn install_interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let handler_flag = Arc::clone(&flag);
    if let Err(err) = ctrlc::set_handler(move || handler_flag.store(true, Ordering::SeqCst)) {
        tracing::warn!("Ctrl-C will stop the program without finalising the output: {err}");
    }
    flag
}

fn progress_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(PROGRESS_TEMPLATE) {
        bar.set_style(style);
    }
    bar
}

/// State carried from frame to frame.
struct FrameLoop {
    analyzer: FrameAnalyzer,
    stats: RunStats,
    encoder: Option<EncodeThread>,
    records: RecordWriters,
    show_track_id: bool,
    writer_size: FrameSize,
    warned_resize: bool,
    /// ESC was pressed or the run was interrupted.
    quit: bool,
}

impl FrameLoop {
    fn process_all(
        &mut self,
        frames: &mut DetectedFrames,
        mut display: Option<&mut Display>,
        interrupted: &AtomicBool,
        progress: &ProgressBar,
    ) -> Result<()> {
        while let Some(detected) = frames.next() {
            if interrupted.load(Ordering::SeqCst) {
                tracing::warn!("interrupted: finalising the output written so far");
                self.quit = true;
                break;
            }
            let detected = detected?;
            let decoded = detected.decoded;
            self.stats.add(Stage::Decode, decoded.decode_time);
            detected.times.add_to(&mut self.stats);
            let frame = &decoded.frame.image;
            let faces = self
                .analyzer
                .analyze(frame, detected.faces, &mut self.stats)?;
            self.records
                .write_frame(decoded.frame.index, decoded.frame.timestamp_ms, &faces)?;

            let annotated = self.stats.time(Stage::Render, || {
                render_faces(frame, &faces, self.show_track_id)
            })?;
            // After the last timed stage of the frame, so its per-frame timings are complete.
            self.stats.count_frame(faces.len());
            if let Some(display) = display.as_deref_mut()
                && display.show(frame, &annotated)? == Control::Quit
            {
                tracing::info!("ESC pressed: stopping");
                self.quit = true;
                break;
            }
            self.encode(annotated)?;
            progress.inc(1);
        }
        Ok(())
    }

    fn encode(&mut self, annotated: Mat) -> Result<()> {
        let Some(encoder) = self.encoder.as_mut() else {
            return Ok(());
        };
        let size = FrameSize::of(&annotated);
        let frame = if size == self.writer_size {
            annotated
        } else {
            if !self.warned_resize {
                tracing::warn!(
                    "frame size {}x{} differs from the output video's {}x{}: frames are scaled to fit",
                    size.width,
                    size.height,
                    self.writer_size.width,
                    self.writer_size.height
                );
                self.warned_resize = true;
            }
            let mut scaled = Mat::default();
            imgproc::resize(
                &annotated,
                &mut scaled,
                Size::new(self.writer_size.width, self.writer_size.height),
                0.0,
                0.0,
                imgproc::INTER_AREA,
            )?;
            scaled
        };
        encoder.send(frame)
    }
}

fn render_faces(frame: &Mat, faces: &[FaceResult], show_track_id: bool) -> Result<Mat> {
    let mut annotated = frame
        .try_clone()
        .context("cannot copy the frame for drawing")?;
    let annotations: Vec<render::Annotation> = faces
        .iter()
        .map(|face| render::Annotation {
            rect: render::BoxCorners::new(
                face.box_original.x1,
                face.box_original.y1,
                face.box_original.x2,
                face.box_original.y2,
            ),
            label: match (show_track_id, face.track_id) {
                (true, Some(id)) => format!("#{id} {}", face.estimate.label()),
                _ => face.estimate.label(),
            },
        })
        .collect();
    render::draw_annotations(&mut annotated, &annotations).context("cannot draw the labels")?;
    Ok(annotated)
}
