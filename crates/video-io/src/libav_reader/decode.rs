//! [`PacketPump`]: demuxes the video stream's packets into the decoder and hands out decoded
//! frames, skipping what cannot be decoded and counting it, so damaged data costs the frames
//! it touches and not the rest of the file.

use ffmpeg_next as ffmpeg;
use ffmpeg_next::util::error::EAGAIN;
use ffmpeg_next::{Error, Packet, codec, format};

/// Read errors in a row after which the input counts as ended: a damaged file makes the
/// demuxer fail and resynchronise a few times, an unreadable one fails on every call.
const MAX_FAILED_READS_IN_A_ROW: u32 = 64;
/// Decode errors in a row (reported when receiving, as frame threads do) after which the
/// decoder counts as finished, so a decoder that only errs cannot spin forever.
const MAX_DECODE_ERRORS_IN_A_ROW: u32 = 1024;

/// The decoder wants more input.
const NEEDS_INPUT: Error = Error::Other { errno: EAGAIN };

/// The demuxer and decoder of one video stream.
pub(crate) struct PacketPump {
    input: format::context::Input,
    decoder: codec::decoder::Video,
    stream_index: usize,
    /// The end of the input was sent to the decoder (it is draining its delayed frames).
    input_ended: bool,
    /// The decoder delivered its last frame.
    finished: bool,
    /// Packets of the video stream read from the file.
    packets: u64,
    /// Packets the decoder refused.
    refused: u64,
    /// Decoding errors the decoder reported when asked for a frame.
    decode_errors: u64,
}

impl PacketPump {
    /// A pump over stream `stream_index` of `input`, decoded by `decoder`.
    pub(crate) fn new(
        input: format::context::Input,
        decoder: codec::decoder::Video,
        stream_index: usize,
    ) -> Self {
        Self {
            input,
            decoder,
            stream_index,
            input_ended: false,
            finished: false,
            packets: 0,
            refused: 0,
            decode_errors: 0,
        }
    }

    /// Packets of the video stream read so far.
    pub(crate) fn packets(&self) -> u64 {
        self.packets
    }

    /// Packets the decoder refused plus frames it failed to decode, so far.
    pub(crate) fn known_failures(&self) -> u64 {
        self.refused.saturating_add(self.decode_errors)
    }

    /// The decoder was flushed and gave its last frame.
    pub(crate) fn is_finished(&self) -> bool {
        self.finished
    }

    /// Decodes the next frame into `frame`; `false` at the end.
    pub(crate) fn next(&mut self, frame: &mut ffmpeg::frame::Video) -> bool {
        let mut errors_in_a_row = 0u32;
        while !self.finished {
            match self.decoder.receive_frame(frame) {
                Ok(()) => return true,
                Err(Error::Eof) => self.finished = true,
                Err(NEEDS_INPUT) if self.input_ended => {
                    // A flushed decoder must end with EOF; stop rather than wait for it.
                    self.finished = true;
                }
                Err(NEEDS_INPUT) => self.feed(),
                Err(error) => {
                    self.decode_errors = self.decode_errors.saturating_add(1);
                    errors_in_a_row += 1;
                    tracing::debug!(%error, "a frame failed to decode; skipping it");
                    if errors_in_a_row >= MAX_DECODE_ERRORS_IN_A_ROW {
                        tracing::warn!(%error, "the decoder fails on every frame; stopping");
                        self.finished = true;
                    }
                }
            }
        }
        false
    }

    /// Sends the next packet of the video stream to the decoder, or the end of the input.
    fn feed(&mut self) {
        let mut failed_reads = 0u32;
        loop {
            // A fresh packet per read: av_read_frame expects an empty one.
            let mut packet = Packet::empty();
            match packet.read(&mut self.input) {
                Ok(()) if packet.stream() != self.stream_index => {}
                Ok(()) => {
                    self.packets = self.packets.saturating_add(1);
                    if let Err(error) = self.decoder.send_packet(&packet) {
                        self.refused = self.refused.saturating_add(1);
                        tracing::debug!(%error, packet = self.packets, "the decoder refused a packet; skipping it");
                    }
                    return;
                }
                Err(Error::Eof) => return self.end_input(),
                Err(error) => {
                    failed_reads += 1;
                    tracing::debug!(%error, "cannot read a packet; trying the next");
                    if failed_reads >= MAX_FAILED_READS_IN_A_ROW {
                        tracing::warn!(%error, "the file cannot be read further; ending the video here");
                        return self.end_input();
                    }
                }
            }
        }
    }

    /// Tells the decoder there is no more input, so it hands out the frames it holds back.
    fn end_input(&mut self) {
        self.input_ended = true;
        if let Err(error) = self.decoder.send_eof() {
            tracing::debug!(%error, "the decoder refused the end of input");
            self.finished = true;
        }
    }
}
