//! The original's two windows (source and annotated frame), ESC to quit, SPACE to pause; and the
//! decision to run headless when there is nothing to show them on.

use opencv::core::Mat;
use opencv::highgui;
use pipeline::{AnalysedFrame, Context, Flow, FrameSink, Result};

/// Window with the annotated frame.
const ANNOTATED_WINDOW: &str = "agender";
/// Window with the unannotated source frame.
const SOURCE_WINDOW: &str = "agender: source";
/// Key code of ESC as returned by `waitKey`.
const KEY_ESC: i32 = 27;
/// Key code of SPACE as returned by `waitKey`.
const KEY_SPACE: i32 = 32;
/// How long each frame waits for a key press, in milliseconds (1 = as fast as possible).
const FRAME_KEY_WAIT_MS: i32 = 1;
/// Polling interval while paused, in milliseconds.
const PAUSED_KEY_WAIT_MS: i32 = 50;

/// Why a run has no windows, or `None` when windows can be shown.
pub fn headless_reason(enabled_in_config: bool) -> Option<&'static str> {
    if !enabled_in_config {
        return Some("display disabled (--headless or display.enabled = false)");
    }
    let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|var| std::env::var_os(var).is_some_and(|value| !value.is_empty()));
    if !has_display {
        return Some("no display found (neither DISPLAY nor WAYLAND_DISPLAY is set)");
    }
    if std::env::var("QT_QPA_PLATFORM").is_ok_and(|platform| platform == "offscreen") {
        return Some("QT_QPA_PLATFORM=offscreen: windows would not be visible");
    }
    None
}

/// The open windows.
#[derive(Debug)]
pub struct Display {
    show_source: bool,
}

impl Display {
    /// Opens the windows.
    pub fn open(show_source: bool) -> Result<Self> {
        highgui::named_window(ANNOTATED_WINDOW, highgui::WINDOW_AUTOSIZE)
            .context("cannot open a window; run with --headless")?;
        if show_source {
            highgui::named_window(SOURCE_WINDOW, highgui::WINDOW_AUTOSIZE)
                .context("cannot open a window; run with --headless")?;
        }
        Ok(Self { show_source })
    }

    /// Shows one frame pair and handles ESC (quit) and SPACE (pause until SPACE again).
    pub fn show(&mut self, source: &Mat, annotated: &Mat) -> Result<Flow> {
        if self.show_source {
            highgui::imshow(SOURCE_WINDOW, source).context("cannot show the source frame")?;
        }
        highgui::imshow(ANNOTATED_WINDOW, annotated).context("cannot show the annotated frame")?;
        match highgui::wait_key(FRAME_KEY_WAIT_MS).context("cannot read the keyboard")? {
            KEY_ESC => Ok(Flow::Stop),
            KEY_SPACE => Self::paused(),
            _ => Ok(Flow::Continue),
        }
    }

    fn paused() -> Result<Flow> {
        tracing::info!("paused: SPACE resumes, ESC quits");
        loop {
            match highgui::wait_key(PAUSED_KEY_WAIT_MS).context("cannot read the keyboard")? {
                KEY_ESC => return Ok(Flow::Stop),
                KEY_SPACE => return Ok(Flow::Continue),
                _ => {}
            }
        }
    }
}

impl FrameSink for Display {
    fn accept(&mut self, frame: &AnalysedFrame<'_>) -> Result<Flow> {
        let flow = self.show(frame.image, frame.annotated)?;
        if flow == Flow::Stop {
            tracing::info!("ESC pressed: stopping");
        }
        Ok(flow)
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        // Closing windows can only fail if they are already gone; nothing to do about it.
        let _ = highgui::destroy_all_windows();
    }
}
