//! Video files read with FFmpeg's libraries (libavformat, libavcodec, swscale) instead of
//! OpenCV's `VideoCapture`: frames come upright as the container's display matrix says, damaged
//! data is skipped and counted, a stream that changes size is followed, and every frame keeps
//! its presentation time.

mod bgr;
mod clock;
mod decode;
mod orientation;
mod stream_info;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ffmpeg_next as ffmpeg;
use ffmpeg_next::{codec, media};
use opencv::core::Mat;

use self::bgr::BgrConverter;
use self::clock::PtsClock;
use self::decode::PacketPump;
use self::orientation::Orientation;
use self::stream_info::StreamInfo;
use crate::error::VideoError;
use face::ImageSize;

use crate::frame::mat_size;
use crate::timing::{SampleAspectRatio, StreamTiming};

/// At most this many decoding threads. The app decodes on a thread of its own while detection
/// uses the other core of the 2-core machines it targets: more threads than that would only
/// compete with detection. Frame threading (not slice threading) because it speeds up every
/// H.264/HEVC/VP9 stream, while slices help only files encoded with several.
const MAX_DECODE_THREADS: usize = 2;

/// Starts FFmpeg's libraries once per process, with their console output kept to errors (as
/// the writer does; whichever runs first sets it).
fn init_ffmpeg() -> Result<(), ffmpeg::Error> {
    static INIT: OnceLock<Result<(), ffmpeg::Error>> = OnceLock::new();
    *INIT.get_or_init(|| {
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Error);
        ffmpeg::init()
    })
}

/// One frame as the reader hands it out.
pub(crate) struct DecodedFrame {
    /// Upright BGR 8-bit pixels, a fresh `Mat`.
    pub(crate) image: Mat,
    /// Presentation time in ticks of the stream's time base from its start, increasing.
    pub(crate) pts: i64,
}

/// An open video file: demuxer, decoder, colour conversion, orientation and clock.
pub(crate) struct LibavReader {
    path: PathBuf,
    pump: PacketPump,
    decoded: ffmpeg::frame::Video,
    converter: BgrConverter,
    orientation: Orientation,
    info: StreamInfo,
    clock: PtsClock,
    /// Frames handed out.
    delivered: u64,
    /// Frames decoded but not convertible to an upright BGR image.
    unconverted: u64,
    /// Upright size of the last frame handed out.
    last_size: Option<ImageSize>,
    /// The end was reached (and reported).
    ended: bool,
}

// SAFETY: every FFmpeg context (demuxer, decoder, scaler) is owned by this value alone and only
// used through `&mut self`; FFmpeg allows a context to move between threads as long as it is not
// used from two at once.
unsafe impl Send for LibavReader {}

impl LibavReader {
    /// Opens `path`'s best video stream and its decoder. Errors name the file: not a media
    /// file, no video stream, no decoder for its codec.
    pub(crate) fn open(path: &Path) -> Result<Self, VideoError> {
        let not_media = |cause| VideoError::OpenVideo {
            path: path.to_path_buf(),
            cause,
        };
        init_ffmpeg().map_err(not_media)?;
        let mut input = ffmpeg::format::input(path).map_err(not_media)?;
        let label = path.display().to_string();
        let (stream_index, info, orientation, decoder) = {
            let stream = input.streams().best(media::Type::Video).ok_or_else(|| {
                VideoError::NoVideoStream {
                    path: path.to_path_buf(),
                }
            })?;
            (
                stream.index(),
                StreamInfo::of(&input, &stream),
                Orientation::of_stream(&stream, &label),
                open_decoder(path, &stream)?,
            )
        };
        ignore_other_streams(&mut input, stream_index);
        if !orientation.is_upright() {
            tracing::info!(video = %label, %orientation, "applying the display matrix: frames are turned upright");
        }
        let clock = PtsClock::new(
            info.start_time,
            info.frame_ticks(),
            info.ticks_per_second().unwrap_or(0.0),
        );
        Ok(Self {
            path: path.to_path_buf(),
            pump: PacketPump::new(input, decoder, stream_index),
            decoded: ffmpeg::frame::Video::empty(),
            converter: BgrConverter::new(),
            orientation,
            info,
            clock,
            delivered: 0,
            unconverted: 0,
            last_size: None,
            ended: false,
        })
    }

    /// The next upright frame, or `None` at the end (where lost frames are reported once).
    pub(crate) fn next_frame(&mut self) -> Option<DecodedFrame> {
        while self.pump.next(&mut self.decoded) {
            let index = self.delivered;
            let image = match self.upright_image() {
                Ok(image) => image,
                Err(reason) => {
                    self.unconverted = self.unconverted.saturating_add(1);
                    tracing::warn!(video = %self.path.display(), frame = index, "skipping a frame: {reason}");
                    continue;
                }
            };
            self.note_size(mat_size(&image), index);
            let pts = self.clock.stamp(self.decoded.timestamp(), index);
            self.delivered += 1;
            return Some(DecodedFrame { image, pts });
        }
        self.report_end();
        None
    }

    /// Time base, rate and pixel shape of the frames as handed out (a quarter turn turns the
    /// pixel shape too).
    pub(crate) fn timing(&self) -> StreamTiming {
        let mut timing = self.info.timing;
        if self.orientation.swaps_sides() {
            timing.sample_aspect_ratio = timing
                .sample_aspect_ratio
                .map(|sar| SampleAspectRatio::new(sar.den, sar.num));
        }
        timing
    }

    /// Frames the stream states (or its duration and rate imply); `None` when unknown.
    pub(crate) fn frame_count(&self) -> Option<u64> {
        self.info.frame_count
    }

    /// Frames lost to damage: once the end is reached, the packets of the video stream that
    /// gave no frame handed out; before, the failures seen so far.
    pub(crate) fn lost_frames(&self) -> u64 {
        if self.pump.is_finished() {
            self.pump.packets().saturating_sub(self.delivered)
        } else {
            self.pump.known_failures().saturating_add(self.unconverted)
        }
    }

    /// The decoded frame as an upright BGR `Mat`, or why not.
    fn upright_image(&mut self) -> Result<Mat, String> {
        let bgr = self
            .converter
            .convert(&self.decoded)
            .map_err(|e| e.to_string())?;
        self.orientation.apply(bgr).map_err(|e| e.to_string())
    }

    /// Warns once per change of the frame size.
    fn note_size(&mut self, size: ImageSize, index: u64) {
        if let Some(previous) = self.last_size.replace(size)
            && previous != size
        {
            tracing::warn!(
                video = %self.path.display(),
                "frame size changed from {previous} to {size} at frame {index}"
            );
        }
    }

    /// Logs, once, how many frames were lost.
    fn report_end(&mut self) {
        if std::mem::replace(&mut self.ended, true) {
            return;
        }
        let lost = self.lost_frames();
        if lost > 0 {
            tracing::warn!(
                video = %self.path.display(),
                lost,
                decoded = self.delivered,
                "{lost} frames could not be decoded (damaged data) and were skipped"
            );
        }
    }
}

/// The decoder for `stream`, with frame threading.
fn open_decoder(
    path: &Path,
    stream: &ffmpeg::format::stream::Stream,
) -> Result<codec::decoder::Video, VideoError> {
    let parameters = stream.parameters();
    let codec_id = parameters.id();
    if codec::decoder::find(codec_id).is_none() {
        return Err(VideoError::NoDecoder {
            path: path.to_path_buf(),
            codec: codec_id.name().to_owned(),
        });
    }
    let fail = |cause| VideoError::OpenDecoder {
        path: path.to_path_buf(),
        codec: codec_id.name().to_owned(),
        cause,
    };
    let mut context = codec::Context::from_parameters(parameters).map_err(fail)?;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_DECODE_THREADS);
    context.set_threading(codec::threading::Config {
        kind: codec::threading::Type::Frame,
        count: threads,
        ..Default::default()
    });
    let mut decoder = context.decoder();
    decoder.set_packet_time_base(stream.time_base());
    decoder.video().map_err(fail)
}

/// Tells the demuxer to drop the packets of every stream but the video one (audio, subtitles),
/// so they are not read into memory for nothing.
fn ignore_other_streams(input: &mut ffmpeg::format::context::Input, keep: usize) {
    // SAFETY: the stream array has `nb_streams` valid entries while `input` is open, and
    // `discard` is a field the caller may set before reading.
    unsafe {
        let context = input.as_mut_ptr();
        let count = usize::try_from((*context).nb_streams).unwrap_or(0);
        for index in (0..count).filter(|i| *i != keep) {
            let stream = *(*context).streams.add(index);
            (*stream).discard = ffmpeg::ffi::AVDiscard::AVDISCARD_ALL;
        }
    }
}
