//! Progress bars of headless runs: over the frames of a run (a [`FrameSink`]) and over the images
//! of `app eval`.

use indicatif::{ProgressBar, ProgressStyle};
use pipeline::staged_output::StagedOutput;
use pipeline::{AnalysedFrame, Flow, FrameSink, InputInfo, Result, RunStats};

/// Layout of the bar over a run's frames.
const FRAMES_TEMPLATE: &str =
    "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} frames ({per_sec}, eta {eta})";

/// Layout of the bar over `eval`'s images.
const IMAGES_TEMPLATE: &str =
    "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} images ({per_sec}, eta {eta})";

/// A bar over `total` items drawn with `template`.
fn bar(total: u64, template: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// A bar over `eval`'s `total` images.
pub fn images_bar(total: u64) -> ProgressBar {
    bar(total, IMAGES_TEMPLATE)
}

/// Counts the frames of a run on a bar, when the input says how many it has (a camera does not:
/// no bar).
pub struct FramesProgress {
    bar: ProgressBar,
}

impl FramesProgress {
    /// A bar that appears when the run starts.
    pub fn new() -> Self {
        Self {
            bar: ProgressBar::hidden(),
        }
    }
}

impl FrameSink for FramesProgress {
    fn start(&mut self, input: &InputInfo) -> Result<()> {
        if let Some(total) = input.frames_expected {
            self.bar = bar(total, FRAMES_TEMPLATE);
        }
        Ok(())
    }

    fn accept(&mut self, _frame: &AnalysedFrame<'_>) -> Result<Flow> {
        self.bar.inc(1);
        Ok(Flow::Continue)
    }

    fn finish(self: Box<Self>, _stats: &mut RunStats) -> Result<Vec<StagedOutput>> {
        self.bar.finish_and_clear();
        Ok(Vec::new())
    }
}

impl Drop for FramesProgress {
    fn drop(&mut self) {
        // A failed run drops its sinks without finishing them: the bar must not stay drawn over
        // the error message.
        self.bar.finish_and_clear();
    }
}
