//! A whole run: decode -> detect -> analyse -> render -> sinks over every pass of the input, with
//! start-up logging, the stop flag and the checks that nothing was lost.
//!
//! The sinks' files are put in place only when the run completed or was stopped on purpose (a
//! sink's [`Flow::Stop`](crate::Flow::Stop), the stop flag): a failed run leaves the files that
//! were there.

use std::sync::atomic::{AtomicBool, Ordering};

use video_io::{OutputTiming, Source, VideoReader};

use crate::analyzer::FrameAnalyzer;
use crate::completeness::warn_if_input_ended_early;
use crate::config::PipelineConfig;
use crate::detect_stage::{DetectedFrames, DetectionPlan};
use crate::error::{Context, Result};
use crate::frame_loop::{FrameLoop, PassEnd};
use crate::records::RecordWriters;
use crate::setup::{build_analyzer, build_detection};
use crate::sink::{FrameSink, InputInfo};
use crate::stages::DecodeThread;
use crate::stats::RunStats;
use crate::video_sink::VideoSink;

/// Frame rate written when the input does not say (images, some cameras).
const FALLBACK_FPS: f64 = 25.0;

/// The models, detectors and tracker of one configuration, ready to process inputs one after
/// the other.
///
/// ```no_run
/// use std::sync::atomic::AtomicBool;
///
/// let config = pipeline::PipelineConfig::default();
/// let mut pipeline = pipeline::Pipeline::new(&config)?;
/// let sinks = pipeline::output_sinks(&config.output)?;
/// let stats = pipeline.run(&config.input.source(), sinks, &AtomicBool::new(false))?;
/// println!("{stats}");
/// # Ok::<(), pipeline::PipelineError>(())
/// ```
pub struct Pipeline {
    config: PipelineConfig,
    analyzer: FrameAnalyzer,
    detection: DetectionPlan,
    description: String,
    passes: u32,
}

impl Pipeline {
    /// Loads the models and builds the detectors and the tracker `config` names, after checking
    /// it ([`PipelineConfig::validate`]).
    pub fn new(config: &PipelineConfig) -> Result<Self> {
        config.validate()?;
        let models_dir = config.resolved_models_dir();
        let (analyzer, description) = build_analyzer(config, &models_dir)?;
        let detection = build_detection(config, &models_dir, analyzer.padding_ratio())?;
        Ok(Self {
            config: config.clone(),
            analyzer,
            detection,
            description,
            passes: 1,
        })
    }

    /// Plays each input `passes` times (reopened at its end; at least once): a benchmark switch
    /// that measures the steady state over a short clip. The video is then written at the
    /// constant rate, since every pass starts at time 0 again.
    pub fn with_passes(mut self, passes: u32) -> Self {
        self.passes = passes.max(1);
        self
    }

    /// What was built: detector, estimator, model files, tracking.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Runs `source` through the pipeline into `sinks`, in their order, to the end of the input,
    /// a sink's [`Flow::Stop`](crate::Flow::Stop) or `stop`; then finishes every sink and puts
    /// their files in place.
    pub fn run(
        &mut self,
        source: &Source,
        mut sinks: Vec<Box<dyn FrameSink>>,
        stop: &AtomicBool,
    ) -> Result<RunStats> {
        let reader = VideoReader::open(source)
            .with_context(|| format!("cannot open the input {:?}", self.config.input.source))?;
        let input = self.describe_input(&reader);
        tracing::info!(
            input = %input.description,
            fps = input.fps,
            frames = reader.frame_count().map_or_else(|| "unknown".to_owned(), |n| n.to_string()),
            "input opened"
        );
        tracing::info!("{}", self.description);
        tracing::info!(
            "estimator threads: per batch of faces, {}; the calling thread is the frame loop's",
            self.analyzer.estimator_threads()
        );
        for sink in &mut sinks {
            sink.start(&input)?;
        }

        let mut stats = RunStats::new();
        let mut end = PassEnd::InputEnded;
        let mut reader = Some(reader);
        let frame_count = reader.as_ref().and_then(VideoReader::frame_count);
        for pass in 0..self.passes {
            let pass_reader = match reader.take() {
                Some(first) => first,
                None => reopen(source, pass)?,
            };
            let decoder = DecodeThread::spawn(pass_reader, self.config.input.max_frames)?;
            let lost_frames = decoder.lost_frames();
            let mut frames = DetectedFrames::start(decoder, std::mem::take(&mut self.detection))?;
            let mut frame_loop = FrameLoop {
                analyzer: &mut self.analyzer,
                stats: &mut stats,
                show_track_id: self.config.tracking.enabled && self.config.tracking.show_track_id,
                keep_timestamps: input.timing.time_base.is_some(),
            };
            let outcome = frame_loop.process_all(&mut frames, &mut sinks, stop);
            let returned = frames.finish();
            stats.lost_frames += lost_frames.load(Ordering::SeqCst);
            self.detection = returned?;
            end = outcome?;
            if end != PassEnd::InputEnded {
                break;
            }
        }

        let mut staged = Vec::new();
        for sink in sinks {
            staged.extend(sink.finish(&mut stats)?);
        }
        if stats.lost_frames > 0 {
            tracing::warn!(
                lost_frames = stats.lost_frames,
                "{} frames of the input could not be decoded (damaged data) and were skipped; the \
                 others were processed",
                stats.lost_frames
            );
        }
        if end == PassEnd::InputEnded {
            warn_if_input_ended_early(
                frame_count,
                self.config.input.max_frames,
                self.passes,
                stats.frames,
                stats.lost_frames,
            );
        }
        for output in staged {
            let destination = output.destination().to_path_buf();
            output.commit()?;
            tracing::info!(path = %destination.display(), "output written");
        }
        Ok(stats)
    }

    fn describe_input(&self, reader: &VideoReader) -> InputInfo {
        let fps = reader
            .fps()
            .filter(|fps| fps.is_finite() && *fps > 0.0)
            .unwrap_or(FALLBACK_FPS);
        let per_pass = match (reader.frame_count(), self.config.input.max_frames) {
            (Some(total), Some(max)) => Some(total.min(max)),
            (total, _) => total,
        };
        InputInfo {
            description: reader.describe().to_owned(),
            fps,
            frames_expected: per_pass.map(|frames| frames.saturating_mul(u64::from(self.passes))),
            first_size: reader.frame_size(),
            timing: output_timing(reader, fps, self.passes),
        }
    }
}

/// The sinks `output` asks for, in the order frames reach them: the records (JSON Lines, CSV),
/// then the annotated video. A front end inserts its own (a display, a progress bar) around them.
pub fn output_sinks(output: &crate::config::OutputConfig) -> Result<Vec<Box<dyn FrameSink>>> {
    let mut sinks: Vec<Box<dyn FrameSink>> = Vec::new();
    let records = RecordWriters::create(output.json.as_deref(), output.csv.as_deref())?;
    if !records.is_empty() {
        sinks.push(Box::new(records));
    }
    if let Some(video) = VideoSink::for_output(output)? {
        sinks.push(Box::new(video));
    }
    Ok(sinks)
}

/// How the annotated video is timed: each frame at its presentation time in the input's time base,
/// with the input's pixel shape. A run of several passes replays the input from time 0 each time,
/// so it is written at the constant rate instead.
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
pub(crate) fn reopen(source: &Source, pass: u32) -> Result<VideoReader> {
    tracing::debug!(pass, "reopening the input for the next pass");
    VideoReader::open(source).with_context(|| format!("cannot reopen the input for pass {pass}"))
}
