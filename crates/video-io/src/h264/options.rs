//! [`x264_options`]: reads back which settings libx264 encoded a file with.

use std::path::Path;

/// What precedes the settings in the text libx264 writes into every stream it encodes.
const OPTIONS_MARKER: &[u8] = b"options: ";

/// The settings string libx264 wrote into the video at `path` (an SEI message in the stream,
/// such as `cabac=1 ref=1 ... crf=23.0 ...`), or `None` when the file holds none (another
/// encoder or codec). Reads the whole file.
pub fn x264_options(path: &Path) -> std::io::Result<Option<String>> {
    let bytes = std::fs::read(path)?;
    let Some(at) = bytes
        .windows(OPTIONS_MARKER.len())
        .position(|window| window == OPTIONS_MARKER)
    else {
        return Ok(None);
    };
    let tail = &bytes[at + OPTIONS_MARKER.len()..];
    let end = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
    Ok(Some(String::from_utf8_lossy(&tail[..end]).into_owned()))
}
