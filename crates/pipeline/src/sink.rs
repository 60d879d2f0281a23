//! Where analysed frames go: the [`FrameSink`] trait that the annotated video, the records, a
//! front end's display and its progress bar implement, and what each is shown.

use face::ImageSize;
use opencv::core::Mat;
use video_io::OutputTiming;

use crate::error::Result;
use crate::estimation::FaceResult;
use crate::staged_output::StagedOutput;
use crate::stats::RunStats;

/// What the input turned out to be, told to every sink before the first frame.
#[derive(Debug, Clone)]
pub struct InputInfo {
    /// The input as the log describes it.
    pub description: String,
    /// Frame rate of the input, or the fallback rate when it does not say.
    pub fps: f64,
    /// Frames the run will process over all its passes, when the input says how many it has.
    pub frames_expected: Option<u64>,
    /// Size of the first frame; the annotated video keeps it.
    pub first_size: ImageSize,
    /// How an output video keeps the input's time (time base, pixel shape).
    pub timing: OutputTiming,
}

/// One analysed frame, as every sink sees it, in input order.
pub struct AnalysedFrame<'a> {
    /// 0-based index of the frame over the whole run.
    pub index: u64,
    /// Presentation time in milliseconds.
    pub timestamp_ms: f64,
    /// Presentation time in the input's time base, when it is kept (a single pass of a file).
    pub pts: Option<i64>,
    /// The frame as decoded.
    pub image: &'a Mat,
    /// The frame with the faces' boxes and labels drawn.
    pub annotated: &'a Mat,
    /// The faces found and estimated.
    pub faces: &'a [FaceResult],
}

/// Whether the run goes on after a sink took a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on with the next frame.
    Continue,
    /// End the run here as if the input had ended on purpose (ESC in a window): the outputs are
    /// finished and put in place, and no frame is reported missing.
    Stop,
}

/// A destination of analysed frames.
///
/// The run calls [`start`](Self::start) once, [`accept`](Self::accept) for every frame in order
/// until the input ends, a sink says [`Flow::Stop`] or the stop flag is set, then
/// [`finish`](Self::finish) on every sink. It puts the files the sinks hand back in place only
/// when all of them finished: a failed run drops the sinks, and their staged files with them.
pub trait FrameSink: Send {
    /// Prepares for the input, before its first frame.
    fn start(&mut self, input: &InputInfo) -> Result<()> {
        let _ = input;
        Ok(())
    }

    /// Takes one frame.
    fn accept(&mut self, frame: &AnalysedFrame<'_>) -> Result<Flow>;

    /// Completes the sink's work after the last frame, adds its own figures to `stats`, and
    /// hands back the staged files to put in place.
    fn finish(self: Box<Self>, stats: &mut RunStats) -> Result<Vec<StagedOutput>> {
        let _ = stats;
        Ok(Vec::new())
    }
}
