//! [`corrupted_copy`]: a clip with a few bytes of its media data overwritten, as a bad sector
//! or a flaky download leaves it.

use std::path::Path;

use ffmpeg_next as ffmpeg;
use ffmpeg_next::{Packet, media};

use crate::encode::init_ffmpeg;
use crate::error::ClipError;

/// Bytes of an ISO-BMFF (mp4, mov) box header: 32-bit size and 4-byte type.
const BOX_HEADER: usize = 8;
/// Bytes of the 64-bit size that follows a header whose size field is 1.
const LARGE_SIZE: usize = 8;
/// The box holding an mp4's media data.
const MEDIA_DATA_BOX: &[u8; 4] = b"mdat";
/// Every overwritten byte is inverted, so it surely changes.
const INVERT: u8 = 0xFF;

/// Copies `src` to `dst` (same length) with `byte_count` bytes inverted, starting
/// `offset_fraction` (0 to 1) of the way through the media data: the `mdat` box of an
/// mp4/mov, the whole file otherwise. Returns the offset of the first changed byte.
pub fn corrupted_copy(
    src: &Path,
    dst: &Path,
    offset_fraction: f64,
    byte_count: usize,
) -> Result<usize, ClipError> {
    if !(0.0..=1.0).contains(&offset_fraction) {
        return Err(ClipError::Invalid(format!(
            "offset_fraction {offset_fraction} is not between 0 and 1"
        )));
    }
    let mut bytes = std::fs::read(src).map_err(ClipError::io(src, "read"))?;
    let (start, end) = media_data(&bytes).unwrap_or((0, bytes.len()));
    let offset = start + ((end - start) as f64 * offset_fraction) as usize;
    let stop = offset.saturating_add(byte_count).min(end);
    for byte in &mut bytes[offset..stop] {
        *byte ^= INVERT;
    }
    std::fs::write(dst, bytes).map_err(ClipError::io(dst, "write"))?;
    Ok(offset)
}

/// Where one packet of a clip's video stream lies in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketSpan {
    /// Byte offset of the packet's first byte (for H.264 in mp4, its first NAL length).
    pub offset: u64,
    /// Bytes of the packet.
    pub size: usize,
    /// The packet starts a keyframe.
    pub keyframe: bool,
}

/// The packets of `src`'s video stream in file order, to aim a [`corrupted_copy`] at one
/// (damage at a packet's start makes the decoder refuse it; inside, it conceals the damage).
pub fn video_packets(src: &Path) -> Result<Vec<PacketSpan>, ClipError> {
    init_ffmpeg();
    let mut input = ffmpeg::format::input(src).map_err(ClipError::ffmpeg(src, "open"))?;
    let index = input
        .streams()
        .best(media::Type::Video)
        .ok_or_else(|| ClipError::NoVideo {
            path: src.to_path_buf(),
        })?
        .index();
    let mut spans = Vec::new();
    loop {
        let mut packet = Packet::empty();
        match packet.read(&mut input) {
            Ok(()) if packet.stream() != index => {}
            Ok(()) => spans.push(PacketSpan {
                offset: u64::try_from(packet.position()).unwrap_or(0),
                size: packet.size(),
                keyframe: packet.is_key(),
            }),
            Err(ffmpeg::Error::Eof) => return Ok(spans),
            Err(cause) => return Err(ClipError::ffmpeg(src, "read a packet")(cause)),
        }
    }
}

/// The fraction of [`corrupted_copy`] that puts the damage at byte `offset` of `src`.
pub fn fraction_at(src: &Path, offset: u64) -> Result<f64, ClipError> {
    let bytes = std::fs::read(src).map_err(ClipError::io(src, "read"))?;
    let (start, end) = media_data(&bytes).unwrap_or((0, bytes.len()));
    let offset = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .clamp(start, end);
    // Half a byte further, so the truncation in corrupted_copy lands on `offset` itself.
    Ok(((offset - start) as f64 + 0.5) / (end - start).max(1) as f64)
}

/// The payload range of the first top-level `mdat` box, when the file is an ISO-BMFF one.
fn media_data(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut at = 0usize;
    while at.checked_add(BOX_HEADER)? <= bytes.len() {
        let size32 = u32::from_be_bytes(bytes[at..at + 4].try_into().ok()?);
        let kind = &bytes[at + 4..at + BOX_HEADER];
        let (header, size) = match size32 {
            0 => (BOX_HEADER, bytes.len() - at),
            1 => {
                let large = bytes.get(at + BOX_HEADER..at + BOX_HEADER + LARGE_SIZE)?;
                let size = usize::try_from(u64::from_be_bytes(large.try_into().ok()?)).ok()?;
                (BOX_HEADER + LARGE_SIZE, size)
            }
            n => (BOX_HEADER, usize::try_from(n).ok()?),
        };
        if size < header {
            return None;
        }
        let end = at.checked_add(size)?.min(bytes.len());
        if kind == MEDIA_DATA_BOX {
            return Some((at + header, end));
        }
        at = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_media_data_box_is_found_after_other_boxes() {
        let mut file = Vec::new();
        file.extend(16u32.to_be_bytes());
        file.extend(b"ftypisom\0\0\0\0");
        file.extend(12u32.to_be_bytes());
        file.extend(b"mdat1234");
        assert_eq!(media_data(&file), Some((24, 28)));
        assert_eq!(media_data(b"not a box"), None);
    }
}
