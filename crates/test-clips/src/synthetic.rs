//! Encoded clips: synthetic frames at chosen times ([`variable_frame_rate_clip`]), with a
//! stated pixel shape ([`anamorphic_clip`]), or a real clip at another size ([`scaled_copy`]).

use std::path::Path;

use ffmpeg_next as ffmpeg;
use ffmpeg_next::software::scaling;
use ffmpeg_next::{Packet, Rational, media};

use crate::encode::{H264Sink, PIXELS, init_ffmpeg};
use crate::error::ClipError;

/// Milliseconds: the time base of the synthetic clips' timestamps.
const MILLISECONDS: Rational = Rational(1, 1000);
/// Frames of an [`anamorphic_clip`].
const ANAMORPHIC_FRAMES: i64 = 5;
/// Frame duration of an [`anamorphic_clip`] in milliseconds (25 fps).
const ANAMORPHIC_FRAME_MS: i64 = 40;
/// Size of an [`anamorphic_clip`] (like a DV frame).
const ANAMORPHIC_SIZE: ClipSize = ClipSize {
    width: 320,
    height: 240,
};
/// Luma of the background of synthetic frames (dark grey).
const BACKGROUND_LUMA: u8 = 40;
/// Luma of the moving square (near white).
const SQUARE_LUMA: u8 = 230;
/// Neutral chroma: grey.
const NEUTRAL_CHROMA: u8 = 128;
/// Side of the moving square as a fraction of the frame's smaller side.
const SQUARE_FRACTION: u32 = 4;
/// Pixels the square moves per frame.
const SQUARE_STEP: u32 = 7;

/// Width and height of a clip in pixels (even, as 4:2:0 needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClipSize {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// A pixel's shape, width : height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixelShape {
    /// Relative width.
    pub num: i32,
    /// Relative height.
    pub den: i32,
}

/// Encodes one synthetic frame per entry of `timestamps_ms` (a square moving across a grey
/// background, so every frame differs), each shown at exactly that time: the time base is
/// 1/1000 s. The container comes from `dst`'s extension (mkv keeps 1/1000; mp4 works too).
pub fn variable_frame_rate_clip(
    dst: &Path,
    timestamps_ms: &[i64],
    size: ClipSize,
) -> Result<(), ClipError> {
    check_size(size)?;
    let mut sink = H264Sink::create(dst, size.width, size.height, MILLISECONDS, None)?;
    let mut previous_duration = 1;
    for (index, pts) in (0u32..).zip(timestamps_ms) {
        let next = timestamps_ms.get(index as usize + 1);
        // The last frame lasts as long as the one before it.
        let duration = next.map_or(previous_duration, |next| next - pts);
        previous_duration = duration;
        let mut frame = synthetic_frame(size, index);
        sink.write(&mut frame, *pts, duration)?;
    }
    sink.finish()
}

/// Encodes a short clip (5 frames at 25 fps, 320x240) whose stream and codec state pixels of
/// shape `sar` (players stretch them to `320 * num / den` wide).
pub fn anamorphic_clip(dst: &Path, sar: PixelShape) -> Result<(), ClipError> {
    if sar.num <= 0 || sar.den <= 0 {
        return Err(ClipError::Invalid(format!(
            "pixel shape {}:{} is not positive",
            sar.num, sar.den
        )));
    }
    let shape = Rational::new(sar.num, sar.den);
    let size = ANAMORPHIC_SIZE;
    let mut sink = H264Sink::create(dst, size.width, size.height, MILLISECONDS, Some(shape))?;
    for index in 0..ANAMORPHIC_FRAMES {
        let mut frame = synthetic_frame(size, u32::try_from(index).unwrap_or(0));
        sink.write(&mut frame, index * ANAMORPHIC_FRAME_MS, ANAMORPHIC_FRAME_MS)?;
    }
    sink.finish()
}

/// Re-encodes `src`'s video at `size` (H.264, same timestamps and time base) into `dst`
/// (container from its extension). Returns the number of frames written.
pub fn scaled_copy(src: &Path, dst: &Path, size: ClipSize) -> Result<u64, ClipError> {
    check_size(size)?;
    init_ffmpeg();
    let mut input = ffmpeg::format::input(src).map_err(ClipError::ffmpeg(src, "open"))?;
    let stream = input
        .streams()
        .best(media::Type::Video)
        .ok_or_else(|| ClipError::NoVideo {
            path: src.to_path_buf(),
        })?;
    let (index, time_base) = (stream.index(), stream.time_base());
    let mut decoder = ffmpeg::codec::Context::from_parameters(stream.parameters())
        .and_then(|c| c.decoder().video())
        .map_err(ClipError::ffmpeg(src, "open the decoder"))?;
    let mut sink = H264Sink::create(dst, size.width, size.height, time_base, None)?;
    let mut scaler = scaling::Context::get(
        decoder.format(),
        decoder.width(),
        decoder.height(),
        PIXELS,
        size.width,
        size.height,
        scaling::Flags::BILINEAR,
    )
    .map_err(ClipError::ffmpeg(src, "make the scaler"))?;
    let mut written = 0u64;
    let mut decoded = ffmpeg::frame::Video::empty();
    let mut convert =
        |decoder: &mut ffmpeg::decoder::Video, sink: &mut H264Sink| -> Result<(), ClipError> {
            while decoder.receive_frame(&mut decoded).is_ok() {
                let mut scaled = ffmpeg::frame::Video::empty();
                scaler
                    .run(&decoded, &mut scaled)
                    .map_err(ClipError::ffmpeg(src, "scale a frame"))?;
                let pts = decoded
                    .timestamp()
                    .unwrap_or(i64::try_from(written).unwrap_or(0));
                sink.write(&mut scaled, pts, shown_for(&decoded))?;
                written += 1;
            }
            Ok(())
        };
    loop {
        let mut packet = Packet::empty();
        match packet.read(&mut input) {
            Ok(()) if packet.stream() != index => continue,
            Ok(()) => {
                decoder
                    .send_packet(&packet)
                    .map_err(ClipError::ffmpeg(src, "decode a packet"))?;
            }
            Err(ffmpeg::Error::Eof) => {
                decoder
                    .send_eof()
                    .map_err(ClipError::ffmpeg(src, "flush the decoder"))?;
                convert(&mut decoder, &mut sink)?;
                break;
            }
            Err(cause) => return Err(ClipError::ffmpeg(src, "read a packet")(cause)),
        }
        convert(&mut decoder, &mut sink)?;
    }
    sink.finish()?;
    Ok(written)
}

/// How long a decoded frame is shown, in its stream's time base (0 when unknown).
fn shown_for(frame: &ffmpeg::frame::Video) -> i64 {
    frame.packet().duration
}

/// Both sides positive and even.
fn check_size(size: ClipSize) -> Result<(), ClipError> {
    if size.width == 0 || size.height == 0 || size.width % 2 == 1 || size.height % 2 == 1 {
        return Err(ClipError::Invalid(format!(
            "clip size {}x{} must have positive, even sides",
            size.width, size.height
        )));
    }
    Ok(())
}

/// Frame `index` of the synthetic clips: a bright square at a position that moves with the
/// index, on a dark background.
fn synthetic_frame(size: ClipSize, index: u32) -> ffmpeg::frame::Video {
    let mut frame = ffmpeg::frame::Video::new(PIXELS, size.width, size.height);
    let side = size.width.min(size.height) / SQUARE_FRACTION;
    let left = index.wrapping_mul(SQUARE_STEP) % (size.width - side).max(1);
    let top = index.wrapping_mul(SQUARE_STEP) % (size.height - side).max(1);
    let stride = frame.stride(0);
    let luma = frame.data_mut(0);
    for y in 0..size.height as usize {
        for x in 0..size.width as usize {
            let inside = (left..left + side).contains(&(x as u32))
                && (top..top + side).contains(&(y as u32));
            luma[y * stride + x] = if inside { SQUARE_LUMA } else { BACKGROUND_LUMA };
        }
    }
    for plane in 1..3 {
        frame.data_mut(plane).fill(NEUTRAL_CHROMA);
    }
    frame
}
