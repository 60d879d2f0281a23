//! [`H264Encoder`]: BGR frames to H.264 through FFmpeg's libraries (libx264), with the speed
//! preset and quality under our control. OpenCV 4.6's writer opens libx264 with its defaults
//! (preset `medium`, 40 frames of lookahead) and no way to change them.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ffmpeg_next as ffmpeg;
use ffmpeg_next::format::Pixel;
use ffmpeg_next::software::scaling;
use ffmpeg_next::util::color;
use ffmpeg_next::{Dictionary, Packet, Rational, codec, encoder, format};
use opencv::core::Mat;
use opencv::prelude::*;

use super::settings::H264Settings;
use crate::error::VideoError;
use crate::frame::FrameSize;

/// FFmpeg's name of the libx264 encoder.
const X264_ENCODER: &str = "libx264";
/// Bytes per pixel of the BGR 8-bit frames the writer takes.
const BGR_BYTES_PER_PIXEL: usize = 3;
/// The encoder's pixel format: 8-bit 4:2:0, which every H.264 decoder and browser plays.
const ENCODED_PIXELS: Pixel = Pixel::YUV420P;
/// Duration of one frame in the encoder's time base (1 / fps).
const FRAME_DURATION_TICKS: i64 = 1;
/// The only stream of the file.
const STREAM_INDEX: usize = 0;

/// Starts FFmpeg's libraries once per process and keeps their console chatter to errors (x264
/// otherwise prints its statistics to stderr when a file is closed).
fn init_ffmpeg() -> Result<(), ffmpeg::Error> {
    static INIT: OnceLock<Result<(), ffmpeg::Error>> = OnceLock::new();
    *INIT.get_or_init(|| {
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Error);
        ffmpeg::init()
    })
}

/// An open H.264 file being written: muxer, encoder, colour conversion and the reusable frames.
pub(crate) struct H264Encoder {
    path: PathBuf,
    output: format::context::Output,
    encoder: encoder::Video,
    scaler: scaling::Context,
    bgr: ffmpeg::frame::Video,
    yuv: ffmpeg::frame::Video,
    packet: Packet,
    encoder_time_base: Rational,
    stream_time_base: Rational,
    next_pts: i64,
    finished: bool,
}

// SAFETY: the FFmpeg contexts are owned by this value alone and only used through `&mut self`;
// FFmpeg allows a context to move between threads as long as it is not used from two at once.
unsafe impl Send for H264Encoder {}

impl H264Encoder {
    /// Creates `path` (container from its extension) for frames of `size` (even sides) at `fps`.
    pub(crate) fn create(
        path: &Path,
        fps: f64,
        size: FrameSize,
        settings: H264Settings,
    ) -> Result<Self, VideoError> {
        let fail = |operation: &'static str| {
            let path = path.to_path_buf();
            move |cause: ffmpeg::Error| VideoError::Encoder {
                path,
                operation,
                cause,
            }
        };
        init_ffmpeg().map_err(fail("start FFmpeg"))?;
        let x264 = encoder::find_by_name(X264_ENCODER)
            .ok_or(ffmpeg::Error::EncoderNotFound)
            .map_err(fail("find libx264 in this FFmpeg build"))?;
        let (width, height) = (dimension(size.width), dimension(size.height));
        let mut output = format::output(path).map_err(fail("choose a container"))?;
        let global_header = output
            .format()
            .flags()
            .contains(format::Flags::GLOBAL_HEADER);

        let encoder_time_base = Rational::from(fps).invert();
        let mut setup = codec::context::Context::new_with_codec(x264)
            .encoder()
            .video()
            .map_err(fail("set up the H.264 encoder"))?;
        setup.set_width(width);
        setup.set_height(height);
        setup.set_format(ENCODED_PIXELS);
        setup.set_time_base(encoder_time_base);
        setup.set_frame_rate(Some(Rational::from(fps)));
        // swscale's default BGR -> YUV conversion: BT.601 coefficients, limited range.
        setup.set_colorspace(color::Space::SMPTE170M);
        setup.set_color_range(color::Range::MPEG);
        if global_header {
            setup.set_flags(codec::Flags::GLOBAL_HEADER);
        }
        let mut options = Dictionary::new();
        options.set("preset", settings.preset.name());
        options.set("crf", &settings.crf.to_string());
        if let Some(tune) = settings.tune {
            options.set("tune", tune.name());
        }
        let encoder = setup
            .open_as_with(x264, options)
            .map_err(fail("open libx264"))?;

        let mut stream = output
            .add_stream(x264)
            .map_err(fail("add the video stream"))?;
        stream.set_parameters(&encoder);
        stream.set_time_base(encoder_time_base);
        output
            .write_header()
            .map_err(fail("write the container header"))?;
        let stream_time_base = output
            .stream(STREAM_INDEX)
            .map_or(encoder_time_base, |stream| stream.time_base());

        let scaler = scaling::Context::get(
            Pixel::BGR24,
            width,
            height,
            ENCODED_PIXELS,
            width,
            height,
            scaling::Flags::BILINEAR,
        )
        .map_err(fail("set up the BGR to YUV conversion"))?;
        Ok(Self {
            path: path.to_path_buf(),
            output,
            encoder,
            scaler,
            bgr: ffmpeg::frame::Video::new(Pixel::BGR24, width, height),
            yuv: ffmpeg::frame::Video::new(ENCODED_PIXELS, width, height),
            packet: Packet::empty(),
            encoder_time_base,
            stream_time_base,
            next_pts: 0,
            finished: false,
        })
    }

    /// Encodes one continuous BGR 8-bit frame of the size given to [`H264Encoder::create`].
    pub(crate) fn write(&mut self, frame: &Mat) -> Result<(), VideoError> {
        let pixels = frame
            .data_bytes()
            .map_err(VideoError::opencv("read the frame's pixels"))?;
        let row_bytes = self.bgr.width() as usize * BGR_BYTES_PER_PIXEL;
        let stride = self.bgr.stride(0);
        let plane = self.bgr.data_mut(0);
        for (source, target) in pixels.chunks_exact(row_bytes).zip(plane.chunks_mut(stride)) {
            target[..row_bytes].copy_from_slice(source);
        }
        self.scaler
            .run(&self.bgr, &mut self.yuv)
            .map_err(|source| self.error("convert a frame to YUV", source))?;
        self.yuv.set_pts(Some(self.next_pts));
        self.next_pts += 1;
        self.encoder
            .send_frame(&self.yuv)
            .map_err(|source| self.error("encode a frame", source))?;
        self.write_ready_packets()
    }

    /// Flushes the encoder and writes the container index; later calls do nothing.
    pub(crate) fn finish(&mut self) -> Result<(), VideoError> {
        if self.finished {
            return Ok(());
        }
        self.finished = true;
        self.encoder
            .send_eof()
            .map_err(|source| self.error("flush the encoder", source))?;
        self.write_ready_packets()?;
        self.output
            .write_trailer()
            .map_err(|source| self.write_error(source))
    }

    /// Writes every packet the encoder has ready.
    fn write_ready_packets(&mut self) -> Result<(), VideoError> {
        while self.encoder.receive_packet(&mut self.packet).is_ok() {
            self.packet.set_stream(STREAM_INDEX);
            // Every frame lasts one tick of the encoder's time base (1 / fps). Without a duration
            // the MP4 muxer gives the last frame none, and players drop it.
            self.packet.set_duration(FRAME_DURATION_TICKS);
            self.packet
                .rescale_ts(self.encoder_time_base, self.stream_time_base);
            self.packet
                .write_interleaved(&mut self.output)
                .map_err(|source| self.write_error(source))?;
        }
        Ok(())
    }

    /// A failure to write to this file.
    fn write_error(&self, cause: ffmpeg::Error) -> VideoError {
        VideoError::WriteVideo {
            path: self.path.clone(),
            cause,
        }
    }

    /// An encoder error naming this file.
    fn error(&self, operation: &'static str, cause: ffmpeg::Error) -> VideoError {
        VideoError::Encoder {
            path: self.path.clone(),
            operation,
            cause,
        }
    }
}

/// A frame side as FFmpeg takes it (the caller has checked that it is positive).
fn dimension(side: i32) -> u32 {
    u32::try_from(side).unwrap_or(0)
}
