//! Everything a front end needs to process one input: decoding and encoding on their own
//! threads, detection workers that grow with the load, the frame analyzer (untracked, or tracked
//! with stable labels), the records (JSON Lines, CSV), run statistics, the checks that nothing was
//! lost, and the metrics of `eval`.
//!
//! A front end builds a [`Pipeline`] from a [`PipelineConfig`] and runs inputs through it into
//! [`FrameSink`]s: the annotated video and the records ([`output_sinks`]) and any of its own (a
//! window, a progress bar). A stop flag ends the run early with its outputs kept. Errors are a
//! [`PipelineError`] that says whether the user's configuration is at fault.
//!
//! ```no_run
//! use std::sync::atomic::AtomicBool;
//!
//! let mut config = pipeline::PipelineConfig::default();
//! config.input.source = "clip.mp4".to_owned();
//! config.output.video = None;
//! config.output.json = Some("clip.jsonl".into());
//! let mut pipeline = pipeline::Pipeline::new(&config)?;
//! let stats = pipeline.run(
//!     &config.input.source(),
//!     pipeline::output_sinks(&config.output)?,
//!     &AtomicBool::new(false),
//! )?;
//! println!("{} frames, {} faces", stats.frames, stats.faces);
//! # Ok::<(), pipeline::PipelineError>(())
//! ```
//!
//! The example `examples/pipeline-folder` runs a directory of videos this way.

pub mod analyzer;
pub mod completeness;
pub mod config;
mod detect_only;
pub mod detect_stage;
pub mod error;
pub mod estimation;
pub mod eval;
pub mod finder;
mod frame_loop;
pub mod path_clash;
pub mod records;
mod run;
pub mod run_files;
mod setup;
pub mod sink;
pub mod staged_output;
pub mod stages;
pub mod stats;
mod tracking;
mod video_sink;

pub use config::PipelineConfig;
pub use detect_only::DetectionOnly;
pub use error::{Context, PipelineError, Result, message_chain};
pub use run::{Pipeline, output_sinks};
pub use sink::{AnalysedFrame, Flow, FrameSink, InputInfo};
pub use stats::RunStats;
pub use video_sink::VideoSink;
