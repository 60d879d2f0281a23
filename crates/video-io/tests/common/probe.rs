//! Reads a written video back with FFmpeg's libraries directly (not through the crate's
//! reader): each decoded frame's time, the stream's time base, pixel shape and codec tag.

#![allow(dead_code)]

use std::path::Path;

use ffmpeg_next as ffmpeg;
use ffmpeg_next::{Rational, media};

/// Milliseconds per second.
const MS_PER_SECOND: f64 = 1000.0;

/// What a video file holds, as FFmpeg demuxes and decodes it.
#[derive(Debug)]
pub struct Probe {
    /// Each decoded frame's best-effort timestamp in milliseconds, in display order.
    pub times_ms: Vec<f64>,
    /// The video stream's time base.
    pub time_base: Rational,
    /// The pixel shape FFmpeg reports for the stream (`0/1` when unknown).
    pub sample_aspect_ratio: Rational,
    /// The stream's FourCC as stored in the file.
    pub codec_tag: [u8; 4],
    /// The codec's FFmpeg name.
    pub codec: String,
}

impl Probe {
    /// One tick of the stream's time base in milliseconds.
    pub fn tick_ms(&self) -> f64 {
        f64::from(self.time_base.numerator()) * MS_PER_SECOND
            / f64::from(self.time_base.denominator())
    }
}

/// Demuxes and decodes every frame of the first video stream of `path`.
pub fn probe(path: &Path) -> Probe {
    ffmpeg::init().expect("start FFmpeg");
    let mut input = ffmpeg::format::input(path)
        .unwrap_or_else(|error| panic!("cannot open {}: {error}", path.display()));
    let stream = input
        .streams()
        .best(media::Type::Video)
        .expect("a video stream");
    let index = stream.index();
    let time_base = stream.time_base();
    let parameters = stream.parameters();
    // SAFETY: the stream and its parameters live as long as `input`; the null frame asks for
    // the stream's (then the codec's) ratio.
    let (sample_aspect_ratio, tag) = unsafe {
        let sar = ffmpeg::ffi::av_guess_sample_aspect_ratio(
            input.as_ptr() as *mut _,
            stream.as_ptr() as *mut _,
            std::ptr::null_mut(),
        );
        (Rational::from(sar), (*parameters.as_ptr()).codec_tag)
    };
    let mut decoder = ffmpeg::codec::context::Context::from_parameters(parameters)
        .expect("decoder parameters")
        .decoder()
        .video()
        .expect("a video decoder");
    let codec = decoder
        .codec()
        .map_or_else(String::new, |codec| codec.name().to_owned());
    let mut times_ms = Vec::new();
    let mut frame = ffmpeg::frame::Video::empty();
    let to_ms = |ticks: i64| {
        ticks as f64 * f64::from(time_base.numerator()) * MS_PER_SECOND
            / f64::from(time_base.denominator())
    };
    let mut drain = |decoder: &mut ffmpeg::decoder::Video, times_ms: &mut Vec<f64>| {
        while decoder.receive_frame(&mut frame).is_ok() {
            let ticks = frame.timestamp().expect("a best-effort timestamp");
            times_ms.push(to_ms(ticks));
        }
    };
    for (stream, packet) in input.packets() {
        // AVI stores a pause as empty chunks; an empty packet would tell the decoder to flush.
        if stream.index() == index && packet.size() > 0 {
            decoder.send_packet(&packet).expect("decode a packet");
            drain(&mut decoder, &mut times_ms);
        }
    }
    decoder.send_eof().expect("flush the decoder");
    drain(&mut decoder, &mut times_ms);
    Probe {
        times_ms,
        time_base,
        sample_aspect_ratio,
        codec_tag: tag.to_le_bytes(),
        codec,
    }
}
