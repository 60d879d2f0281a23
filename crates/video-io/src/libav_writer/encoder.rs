//! [`LibavEncoder`]: BGR frames to a video file through FFmpeg's libraries, each frame at the
//! time it is given, with the encoder [`EncoderChoice`] picks for the codec.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ffmpeg_next as ffmpeg;
use ffmpeg_next::format::Pixel;
use ffmpeg_next::software::scaling;
use ffmpeg_next::util::color;
use ffmpeg_next::{Dictionary, Packet, Rational, codec, encoder, format};
use opencv::core::Mat;
use opencv::prelude::*;

use super::choice::EncoderChoice;
use super::clock::{
    FrameClock, encoder_time_base, frame_time_base, is_plausible_rate, mp4_track_timescale,
};
use crate::codec::Codec;
use crate::error::VideoError;
use crate::h264::H264Settings;
use crate::timing::OutputTiming;
use face::ImageSize;

/// Bytes per pixel of the BGR 8-bit frames the writer takes.
const BGR_BYTES_PER_PIXEL: usize = 3;
/// The only stream of the file.
const STREAM_INDEX: usize = 0;
/// Containers that store no timestamps but one slot per frame at a fixed rate, writing a pause
/// as empty slots (FFmpeg's own command line special-cases AVI the same way).
const FRAME_GRID_CONTAINERS: [&str; 1] = ["avi"];
/// The MP4/MOV muxer's option for the time scale of video tracks.
const MP4_TIMESCALE_OPTION: &str = "video_track_timescale";
/// Most empty slots FFmpeg's AVI muxer writes for a pause between two frames (it refuses the
/// frame after a longer one).
const FRAME_GRID_MAX_GAP: i64 = 60_000;
/// The time base of an encoder given frame numbers (see [`EncoderChoice::counts_frames`]): any
/// rate MPEG-4 Part 2 codes; only the container's times reach players.
const FRAME_COUNT_TIME_BASE: Rational = Rational(1, 25);

/// Starts FFmpeg's libraries once per process and keeps their console chatter to errors (x264
/// otherwise prints its statistics to stderr when a file is closed).
fn init_ffmpeg() -> Result<(), ffmpeg::Error> {
    static INIT: OnceLock<Result<(), ffmpeg::Error>> = OnceLock::new();
    *INIT.get_or_init(|| {
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Error);
        ffmpeg::init()
    })
}

/// An open video file being written: muxer, encoder, colour conversion, clock and the reusable
/// frames.
pub(crate) struct LibavEncoder {
    path: PathBuf,
    output: format::context::Output,
    encoder: encoder::Video,
    scaler: scaling::Context,
    bgr: ffmpeg::frame::Video,
    converted: ffmpeg::frame::Video,
    packet: Packet,
    encoder_time_base: Rational,
    timeline: Rational,
    stream_time_base: Rational,
    clock: FrameClock,
    /// For an encoder given frame numbers: the next frame number and, in order, the times (in
    /// `timeline` ticks) of the frames sent and not yet out as packets.
    counted: Option<(i64, VecDeque<i64>)>,
    finished: bool,
}

// SAFETY: the FFmpeg contexts are owned by this value alone and only used through `&mut self`;
// FFmpeg allows a context to move between threads as long as it is not used from two at once.
unsafe impl Send for LibavEncoder {}

impl LibavEncoder {
    /// Creates `path` (container from its extension) for `codec` frames of `size` (even sides)
    /// timed by `timing` (whose rate and time base the caller has checked); H.264 is encoded
    /// with `h264`.
    pub(crate) fn create(
        path: &Path,
        codec: Codec,
        size: ImageSize,
        h264: H264Settings,
        timing: &OutputTiming,
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
        let choice = EncoderChoice::for_codec(codec, h264)
            .map_err(fail("find the codec's encoder in this FFmpeg build"))?;
        let (width, height) = (dimension(size.width), dimension(size.height));
        let mut output = format::output(path).map_err(fail("choose a container"))?;
        let flags = output.format().flags();
        let on_frame_grid = FRAME_GRID_CONTAINERS.contains(&output.format().name());
        let timeline = encoder_time_base(timing, on_frame_grid);
        let encoder_time_base = if choice.counts_frames {
            FRAME_COUNT_TIME_BASE
        } else {
            timeline
        };
        let input_time_base = timing
            .time_base
            .map_or(frame_time_base(timing.fps), |base| {
                Rational::new(base.num, base.den)
            });
        let clock = FrameClock::new(
            input_time_base,
            timeline,
            timing.fps,
            on_frame_grid.then_some(FRAME_GRID_MAX_GAP),
        );
        let stated_rate = is_plausible_rate(timing.fps).then(|| Rational::from(timing.fps));
        let aspect = timing
            .sample_aspect_ratio
            .filter(|sar| sar.num > 0 && sar.den > 0)
            .map(|sar| Rational::new(sar.num, sar.den).reduce());

        let mut setup = codec::context::Context::new_with_codec(choice.encoder)
            .encoder()
            .video()
            .map_err(fail("set up the encoder"))?;
        setup.set_width(width);
        setup.set_height(height);
        setup.set_format(choice.pixels);
        setup.set_time_base(encoder_time_base);
        setup.set_frame_rate(stated_rate);
        if let Some(aspect) = aspect {
            setup.set_aspect_ratio(aspect);
        }
        if choice.is_yuv() {
            // swscale's default BGR -> YUV conversion: BT.601 coefficients.
            setup.set_colorspace(color::Space::SMPTE170M);
            setup.set_color_range(choice.color_range());
        }
        let mut codec_flags = codec::Flags::empty();
        if flags.contains(format::Flags::GLOBAL_HEADER) {
            codec_flags |= codec::Flags::GLOBAL_HEADER;
        }
        if let Some(quality) = choice.global_quality() {
            codec_flags |= codec::Flags::QSCALE;
            setup.set_global_quality(quality);
        }
        setup.set_flags(codec_flags);
        let encoder = setup
            .open_as_with(choice.encoder, choice.options)
            .map_err(fail("open the encoder"))?;

        let mut stream = output
            .add_stream(choice.encoder)
            .map_err(fail("add the video stream"))?;
        stream.set_parameters(&encoder);
        stream.set_time_base(timeline);
        if let Some(rate) = stated_rate {
            stream.set_avg_frame_rate(rate);
            stream.set_rate(rate);
        }
        // SAFETY: the stream was just added to `output`, which owns it; its parameters were
        // allocated by `set_parameters`.
        unsafe {
            let raw = stream.as_mut_ptr();
            if let Some(aspect) = aspect {
                // The muxers read the shape from the stream (MKV) or its parameters (MP4, AVI).
                (*raw).sample_aspect_ratio = aspect.into();
            }
            if let Some(tag) = choice
                .codec_tag
                .filter(|&tag| container_takes(&output, tag, &encoder))
            {
                (*(*raw).codecpar).codec_tag = tag;
            }
        }
        let mut muxer_options = Dictionary::new();
        if let Some(timescale) = mp4_track_timescale(timeline, timing.fps) {
            // Other muxers ignore the option.
            muxer_options.set(MP4_TIMESCALE_OPTION, &timescale.to_string());
        }
        output
            .write_header_with(muxer_options)
            .map_err(fail("write the container header"))?;
        let stream_time_base = output
            .stream(STREAM_INDEX)
            .map_or(timeline, |stream| stream.time_base());
        tracing::debug!(
            path = %path.display(), encoder = choice.encoder.name(), pixels = ?choice.pixels,
            %timeline, %encoder_time_base, %stream_time_base, on_frame_grid, "video file opened"
        );

        let scaler = scaling::Context::get(
            Pixel::BGR24,
            width,
            height,
            choice.pixels,
            width,
            height,
            scaling::Flags::BILINEAR,
        )
        .map_err(fail("set up the colour conversion"))?;
        Ok(Self {
            path: path.to_path_buf(),
            output,
            encoder,
            scaler,
            bgr: ffmpeg::frame::Video::new(Pixel::BGR24, width, height),
            converted: ffmpeg::frame::Video::new(choice.pixels, width, height),
            packet: Packet::empty(),
            encoder_time_base,
            timeline,
            stream_time_base,
            clock,
            counted: choice.counts_frames.then(|| (0, VecDeque::new())),
            finished: false,
        })
    }

    /// Encodes one continuous BGR 8-bit frame of the size given to [`LibavEncoder::create`],
    /// shown at `pts` ticks of the timing's time base (`None`: one frame after the previous).
    pub(crate) fn write(&mut self, frame: &Mat, pts: Option<i64>) -> Result<(), VideoError> {
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
            .run(&self.bgr, &mut self.converted)
            .map_err(|source| self.error("convert a frame's colours", source))?;
        let tick = self.clock.next(pts);
        let encoder_pts = match &mut self.counted {
            Some((next, times)) => {
                times.push_back(tick);
                *next += 1;
                *next - 1
            }
            None => tick,
        };
        self.converted.set_pts(Some(encoder_pts));
        self.encoder
            .send_frame(&self.converted)
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
            // Without a duration the MP4 muxer gives the last frame none, and players drop it;
            // the others' durations follow from the timestamps. The nominal rate is the best
            // guess for how long the last frame is shown.
            if let Some((_, times)) = &mut self.counted {
                // In order, one packet per frame: the oldest time sent is this packet's.
                let tick = times.pop_front();
                self.packet.set_pts(tick);
                self.packet.set_dts(tick);
            } else if self.encoder_time_base != self.timeline {
                self.packet
                    .rescale_ts(self.encoder_time_base, self.timeline);
            }
            self.packet.set_duration(self.clock.frame_ticks());
            self.packet.rescale_ts(self.timeline, self.stream_time_base);
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

/// `output`'s container stores the FourCC `tag` for `encoder`'s codec (MP4, for one, allows
/// only its own tags and refuses the header otherwise).
fn container_takes(output: &format::context::Output, tag: u32, encoder: &encoder::Video) -> bool {
    // SAFETY: the output format and its tag tables are FFmpeg's static data. Without tables
    // (MKV) the container names the codec its own way and the tag is left to it.
    unsafe {
        let tables = (*output.format().as_ptr()).codec_tag;
        if tables.is_null() {
            return false;
        }
        codec::Id::from(ffmpeg::ffi::av_codec_get_id(tables, tag)) == encoder.id()
    }
}

/// A frame side as FFmpeg takes it (the caller has checked that it is positive).
fn dimension(side: i32) -> u32 {
    u32::try_from(side).unwrap_or(0)
}
