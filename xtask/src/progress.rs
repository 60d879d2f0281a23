//! The terminal progress bar of `fetch-models`: one bar per transfer, drawn on stderr (indicatif
//! hides it when stderr is not a terminal).

use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};
use models::fetch::Progress;

/// Bar layout: file name, bar, bytes done/total, rate, time left.
const PROGRESS_TEMPLATE: &str =
    "{msg:30!} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}";

/// Draws each transfer of the fetch as an indicatif bar.
#[derive(Default)]
pub struct ProgressBars {
    current: Mutex<Option<ProgressBar>>,
}

impl ProgressBars {
    fn with_current(&self, action: impl FnOnce(&mut Option<ProgressBar>)) {
        // A poisoned lock only means an earlier bar update panicked; drawing is best effort.
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        action(&mut current);
    }
}

impl Progress for ProgressBars {
    fn start(&self, file_name: &str, total_bytes: u64) {
        let bar = ProgressBar::new(total_bytes);
        if let Ok(style) = ProgressStyle::with_template(PROGRESS_TEMPLATE) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(file_name.to_owned());
        self.with_current(|current| *current = Some(bar));
    }

    fn advance(&self, done_bytes: u64) {
        self.with_current(|current| {
            if let Some(bar) = current {
                bar.set_position(done_bytes);
            }
        });
    }

    fn finish(&self) {
        self.with_current(|current| {
            if let Some(bar) = current.take() {
                bar.finish_and_clear();
            }
        });
    }
}
