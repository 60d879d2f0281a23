//! Checks at the end of a run that nothing was lost silently: an input that ended before the
//! frame count its container announces (a truncated file) is reported, and the annotated video
//! is reopened to prove it was written whole (a full disk leaves an unplayable file behind
//! without OpenCV's writer reporting anything).

use std::path::Path;

use crate::error::{Result, bail_run};
use opencv::prelude::*;
use opencv::videoio;

/// Logs a warning when fewer frames were processed than the input announced: the file is
/// truncated or damaged, and only its decodable part was processed.
pub fn warn_if_input_ended_early(
    announced: Option<u64>,
    max_frames: Option<u64>,
    passes: u32,
    processed: u64,
    lost: u64,
) {
    let Some(announced) = announced.filter(|count| *count > 0) else {
        return;
    };
    let per_pass = max_frames.map_or(announced, |max| max.min(announced));
    let expected = per_pass.saturating_mul(u64::from(passes.max(1)));
    if processed.saturating_add(lost) < expected {
        let skipped = if lost > 0 {
            format!(" ({lost} more could not be decoded)")
        } else {
            String::new()
        };
        tracing::warn!(
            "the input ended after {processed} of {expected} frames{skipped}: the file is probably truncated or damaged; the frames that decoded were processed and written"
        );
    }
}

/// Fails when the annotated video being written at `path` (for `destination`) does not open as a
/// video although `frames` frames were encoded into it (typically a full disk).
pub fn check_written_video(path: &Path, destination: &Path, frames: u64) -> Result<()> {
    if frames == 0 {
        return Ok(());
    }
    let opened = path.to_str().is_some_and(|name| {
        videoio::VideoCapture::from_file(name, videoio::CAP_FFMPEG)
            .and_then(|capture| capture.is_opened())
            .unwrap_or(false)
    });
    let size = std::fs::metadata(path).map(|meta| meta.len()).unwrap_or(0);
    if !opened {
        bail_run!(
            "the annotated video {} is incomplete: {frames} frames were encoded but the file ({size} bytes) does not open as a video; the disk is probably full: free some space or write the video elsewhere (--output)",
            destination.display()
        );
    }
    Ok(())
}
