//! [`H264Sink`]: YUV frames at given timestamps to an H.264 file (libx264), for the clips that
//! have to be encoded.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Once;

use ffmpeg_next as ffmpeg;
use ffmpeg_next::format::Pixel;
use ffmpeg_next::{Dictionary, Packet, Rational, codec, encoder, format};

use crate::error::ClipError;

/// FFmpeg's name of the libx264 encoder.
const X264: &str = "libx264";
/// Fastest preset: the clips only have to be decodable, and tests must be quick.
const PRESET: &str = "ultrafast";
/// Good enough quality that pixel comparisons between clips are meaningful.
const CRF: &str = "18";
/// The encoded pixel format, the one every H.264 decoder takes.
pub(crate) const PIXELS: Pixel = Pixel::YUV420P;

/// Starts FFmpeg's libraries once, keeping their console output to errors.
pub(crate) fn init_ffmpeg() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Error);
        // Registration is a no-op in FFmpeg 5; an error here would resurface at the first open.
        let _ = ffmpeg::init();
    });
}

/// An H.264 file being written.
pub(crate) struct H264Sink {
    path: PathBuf,
    output: format::context::Output,
    encoder: encoder::Video,
    time_base: Rational,
    stream_time_base: Rational,
    /// Durations of the frames sent and not yet out of the encoder, in order (no B-frames:
    /// packets come out in the order frames went in).
    durations: VecDeque<i64>,
}

impl H264Sink {
    /// Creates `path` (container from its extension) for `width`x`height` frames whose
    /// timestamps count `time_base`, with pixels of shape `sar` (`None`: square, unstated).
    pub(crate) fn create(
        path: &Path,
        width: u32,
        height: u32,
        time_base: Rational,
        sar: Option<Rational>,
    ) -> Result<Self, ClipError> {
        init_ffmpeg();
        let fail = |operation| ClipError::ffmpeg(path, operation);
        let mut output = format::output(path).map_err(fail("create"))?;
        let x264 = encoder::find_by_name(X264)
            .ok_or(ffmpeg::Error::EncoderNotFound)
            .map_err(fail("find libx264"))?;
        let global_header = output
            .format()
            .flags()
            .contains(format::Flags::GLOBAL_HEADER);
        let mut video = codec::Context::new_with_codec(x264)
            .encoder()
            .video()
            .map_err(fail("make the encoder"))?;
        video.set_width(width);
        video.set_height(height);
        video.set_format(PIXELS);
        video.set_time_base(time_base);
        // No B-frames: packets come out in presentation order, so each frame keeps its time.
        video.set_max_b_frames(0);
        if let Some(sar) = sar {
            video.set_aspect_ratio(sar);
        }
        if global_header {
            video.set_flags(codec::Flags::GLOBAL_HEADER);
        }
        let mut options = Dictionary::new();
        options.set("preset", PRESET);
        options.set("crf", CRF);
        let encoder = video
            .open_as_with(x264, options)
            .map_err(fail("open libx264"))?;
        {
            let mut stream = output.add_stream(x264).map_err(fail("add the stream"))?;
            stream.set_parameters(&encoder);
            stream.set_time_base(time_base);
            if let Some(sar) = sar {
                // SAFETY: the stream is not written yet; muxers read the shape from here.
                unsafe {
                    (*stream.as_mut_ptr()).sample_aspect_ratio = sar.into();
                }
            }
        }
        output.write_header().map_err(fail("write the header"))?;
        let stream_time_base = output.stream(0).map_or(time_base, |s| s.time_base());
        Ok(Self {
            path: path.to_path_buf(),
            output,
            encoder,
            time_base,
            stream_time_base,
            durations: VecDeque::new(),
        })
    }

    /// Encodes `frame` (YUV 4:2:0 of the sink's size) at `pts` ticks of the time base, shown
    /// for `duration` ticks (mp4 cuts a last frame without a duration from its edit list).
    pub(crate) fn write(
        &mut self,
        frame: &mut ffmpeg::frame::Video,
        pts: i64,
        duration: i64,
    ) -> Result<(), ClipError> {
        frame.set_pts(Some(pts));
        self.durations.push_back(duration);
        self.encoder
            .send_frame(frame)
            .map_err(ClipError::ffmpeg(&self.path, "encode a frame"))?;
        self.drain()
    }

    /// Flushes the encoder and finishes the file.
    pub(crate) fn finish(mut self) -> Result<(), ClipError> {
        self.encoder
            .send_eof()
            .map_err(ClipError::ffmpeg(&self.path, "flush the encoder"))?;
        self.drain()?;
        self.output
            .write_trailer()
            .map_err(ClipError::ffmpeg(&self.path, "write the trailer"))
    }

    /// Writes every packet the encoder has ready.
    fn drain(&mut self) -> Result<(), ClipError> {
        let mut packet = Packet::empty();
        while self.encoder.receive_packet(&mut packet).is_ok() {
            packet.set_stream(0);
            packet.set_duration(self.durations.pop_front().unwrap_or(0));
            packet.rescale_ts(self.time_base, self.stream_time_base);
            packet
                .write_interleaved(&mut self.output)
                .map_err(ClipError::ffmpeg(&self.path, "write a packet"))?;
        }
        Ok(())
    }
}
