//! Stream copies (no re-encoding) of a clip's video: with a display matrix
//! ([`oriented_copy`]), or as MPEG-TS pieces joined byte by byte ([`joined_transport_stream`]).

use std::path::{Path, PathBuf};

use ffmpeg_next as ffmpeg;
use ffmpeg_next::{Packet, media};

use crate::encode::init_ffmpeg;
use crate::error::ClipError;
use crate::orientation::{MATRIX_ENTRIES, Orientation};

/// Bytes of one display-matrix entry.
const ENTRY_BYTES: usize = 4;

/// Copies `src`'s video stream to `dst` (container from its extension) without re-encoding,
/// with a display matrix asking players to show it as `orientation` says (set on the stream
/// before the header is written, as phones' files have it).
pub fn oriented_copy(src: &Path, dst: &Path, orientation: Orientation) -> Result<(), ClipError> {
    remux(src, dst, |stream| {
        let matrix = orientation.display_matrix();
        let size = MATRIX_ENTRIES * ENTRY_BYTES;
        // SAFETY: the stream belongs to an output whose header is not written yet; the new
        // side data has `size` bytes, all written below.
        unsafe {
            let data = ffmpeg::ffi::av_stream_new_side_data(
                stream.as_mut_ptr(),
                ffmpeg::ffi::AVPacketSideDataType::AV_PKT_DATA_DISPLAYMATRIX,
                size,
            );
            if data.is_null() {
                return Err(ffmpeg::Error::Other {
                    errno: ffmpeg::util::error::ENOMEM,
                });
            }
            let bytes: Vec<u8> = matrix.iter().flat_map(|e| e.to_ne_bytes()).collect();
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), data, size);
        }
        Ok(())
    })
}

/// Writes `dst` as `a` then `b`, each stream copied to MPEG-TS on its own (so each keeps its
/// own frame size and timestamps) and the two files concatenated byte by byte, as `cat a.ts
/// b.ts` would: a stream whose resolution (and clock) changes mid-way. `a` and `b` must hold
/// H.264 (or another codec MPEG-TS carries).
pub fn joined_transport_stream(a: &Path, b: &Path, dst: &Path) -> Result<(), ClipError> {
    let parts = [part_path(dst, "a"), part_path(dst, "b")];
    let mut joined = Vec::new();
    for (source, part) in [a, b].into_iter().zip(&parts) {
        remux(source, part, |_| Ok(()))?;
        joined.extend(std::fs::read(part).map_err(ClipError::io(part, "read the part"))?);
        std::fs::remove_file(part).map_err(ClipError::io(part, "remove the part"))?;
    }
    std::fs::write(dst, joined).map_err(ClipError::io(dst, "write"))
}

/// A scratch file beside `dst` for one part of a joined stream.
fn part_path(dst: &Path, part: &str) -> PathBuf {
    let mut name = dst.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".part-{part}.ts"));
    dst.with_file_name(name)
}

/// Copies `src`'s best video stream alone to `dst`, letting `prepare` change the output stream
/// before the header is written.
fn remux(
    src: &Path,
    dst: &Path,
    prepare: impl FnOnce(&mut ffmpeg::format::stream::StreamMut) -> Result<(), ffmpeg::Error>,
) -> Result<(), ClipError> {
    init_ffmpeg();
    let mut input = ffmpeg::format::input(src).map_err(ClipError::ffmpeg(src, "open"))?;
    let (index, in_time_base, parameters) = {
        let stream =
            input
                .streams()
                .best(media::Type::Video)
                .ok_or_else(|| ClipError::NoVideo {
                    path: src.to_path_buf(),
                })?;
        (stream.index(), stream.time_base(), stream.parameters())
    };
    let mut output = ffmpeg::format::output(dst).map_err(ClipError::ffmpeg(dst, "create"))?;
    {
        let mut stream = output
            .add_stream(None::<ffmpeg::Codec>)
            .map_err(ClipError::ffmpeg(dst, "add the video stream"))?;
        stream.set_parameters(parameters);
        stream.set_time_base(in_time_base);
        // SAFETY: the parameters were just copied into this stream; a tag of 0 lets the new
        // container pick its own (an mp4 tag means nothing in MPEG-TS).
        unsafe {
            (*(*stream.as_mut_ptr()).codecpar).codec_tag = 0;
        }
        prepare(&mut stream).map_err(ClipError::ffmpeg(dst, "set up the stream"))?;
    }
    output
        .write_header()
        .map_err(ClipError::ffmpeg(dst, "write the header"))?;
    let out_time_base = output
        .stream(0)
        .map(|s| s.time_base())
        .unwrap_or(in_time_base);
    loop {
        let mut packet = Packet::empty();
        match packet.read(&mut input) {
            Ok(()) if packet.stream() != index => continue,
            Ok(()) => {}
            Err(ffmpeg::Error::Eof) => break,
            Err(cause) => return Err(ClipError::ffmpeg(src, "read a packet")(cause)),
        }
        packet.rescale_ts(in_time_base, out_time_base);
        packet.set_stream(0);
        packet.set_position(-1);
        packet
            .write_interleaved(&mut output)
            .map_err(ClipError::ffmpeg(dst, "write a packet"))?;
    }
    output
        .write_trailer()
        .map_err(ClipError::ffmpeg(dst, "write the trailer"))
}
