//! Decoding and encoding on their own threads, joined to the frame loop by bounded channels, so
//! both cores are busy while memory stays bounded and frame order is preserved.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::error::{Context, Result, run_error};
use opencv::core::Mat;
use video_io::{Frame, VideoReader, VideoWriter};

/// Frames decoded ahead of detection: enough to hide decode jitter, few enough to bound memory (a
/// 4K BGR frame is 25 MB). The detection workers hold one more frame each in their own queues.
const DECODE_QUEUE_FRAMES: usize = 2;
/// Annotated frames waiting for the encoder.
const ENCODE_QUEUE_FRAMES: usize = 2;

/// A decoded frame and how long decoding it took.
pub struct Decoded {
    /// The frame.
    pub frame: Frame,
    /// Time spent reading and decoding it.
    pub decode_time: Duration,
}

/// The decoding thread.
pub struct DecodeThread {
    frames: Receiver<Result<Decoded>>,
    handle: Option<JoinHandle<()>>,
    lost_frames: Arc<AtomicU64>,
}

impl DecodeThread {
    /// Starts reading `reader` on its own thread, stopping after `max_frames` when given.
    pub fn spawn(mut reader: VideoReader, max_frames: Option<u64>) -> Result<Self> {
        let (sender, frames) = sync_channel(DECODE_QUEUE_FRAMES);
        let lost_frames = Arc::new(AtomicU64::new(0));
        let lost = Arc::clone(&lost_frames);
        let handle = std::thread::Builder::new()
            .name("decode".to_owned())
            .spawn(move || {
                decode_loop(&mut reader, max_frames, &sender, &lost);
                lost.store(reader.lost_frames(), Ordering::SeqCst);
            })
            .context("cannot start the decoding thread")?;
        Ok(Self {
            frames,
            handle: Some(handle),
            lost_frames,
        })
    }

    /// A counter of the frames the reader could not decode and skipped (damaged data), complete
    /// once the decoding thread has ended.
    pub fn lost_frames(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.lost_frames)
    }
}

impl Iterator for DecodeThread {
    type Item = Result<Decoded>;

    /// The next frame, `None` at the end of the input.
    fn next(&mut self) -> Option<Self::Item> {
        self.frames.recv().ok()
    }
}

impl Drop for DecodeThread {
    fn drop(&mut self) {
        // Dropping the receiver first makes a blocked sender return, so the join cannot hang.
        let (_, empty) = sync_channel(0);
        drop(std::mem::replace(&mut self.frames, empty));
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

fn decode_loop(
    reader: &mut VideoReader,
    max_frames: Option<u64>,
    sender: &SyncSender<Result<Decoded>>,
    lost: &AtomicU64,
) {
    let mut decoded = 0u64;
    loop {
        if max_frames.is_some_and(|max| decoded >= max) {
            return;
        }
        let start = Instant::now();
        let message = match reader.next_frame() {
            Ok(Some(frame)) => Ok(Decoded {
                frame,
                decode_time: start.elapsed(),
            }),
            Ok(None) => return,
            Err(err) => Err(err).context("cannot decode the next frame"),
        };
        lost.store(reader.lost_frames(), Ordering::SeqCst);
        let failed = message.is_err();
        if sender.send(message).is_err() || failed {
            return;
        }
        decoded += 1;
    }
}

/// An annotated frame for the encoder, with its presentation time in the input's time base
/// (`None`: one frame after the previous).
pub type TimedFrame = (Mat, Option<i64>);

/// The encoding thread: writes annotated frames in the order they are sent.
pub struct EncodeThread {
    frames: Option<SyncSender<TimedFrame>>,
    handle: Option<JoinHandle<Result<Duration>>>,
}

impl EncodeThread {
    /// Starts a thread that writes every frame sent to `writer`, whose file becomes `destination`
    /// when complete (named in its errors).
    pub fn spawn(mut writer: VideoWriter, destination: &Path) -> Result<Self> {
        let destination = destination.display().to_string();
        let (sender, frames) = sync_channel::<TimedFrame>(ENCODE_QUEUE_FRAMES);
        let handle = std::thread::Builder::new()
            .name("encode".to_owned())
            .spawn(move || -> Result<Duration> {
                let mut busy = Duration::ZERO;
                for (index, (frame, pts)) in frames.into_iter().enumerate() {
                    let start = Instant::now();
                    // Counted from 0 in the output video, over every pass of the input.
                    writer.write_timed(&frame, pts).with_context(|| {
                        format!("cannot write frame {index} of the annotated video {destination}")
                    })?;
                    busy += start.elapsed();
                }
                writer.finish().with_context(|| {
                    format!("cannot finalise the annotated video {destination}")
                })?;
                Ok(busy)
            })
            .context("cannot start the encoding thread")?;
        Ok(Self {
            frames: Some(sender),
            handle: Some(handle),
        })
    }

    /// Queues a frame; fails when the encoder has stopped (its error comes from [`Self::finish`]).
    pub fn send(&mut self, frame: TimedFrame) -> Result<()> {
        let sender = self
            .frames
            .as_ref()
            .ok_or_else(|| run_error!("the encoder is already finished"))?;
        if sender.send(frame).is_err() {
            return Err(self
                .finish_inner()
                .err()
                .unwrap_or_else(|| run_error!("the encoder stopped")));
        }
        Ok(())
    }

    /// Waits for every queued frame to be written and the file finalised; returns the time spent
    /// encoding.
    pub fn finish(mut self) -> Result<Duration> {
        self.finish_inner()
    }

    fn finish_inner(&mut self) -> Result<Duration> {
        drop(self.frames.take());
        match self.handle.take() {
            Some(handle) => handle
                .join()
                .map_err(|_| run_error!("the encoding thread panicked"))?,
            None => Err(run_error!("the encoder is already finished")),
        }
    }
}

impl Drop for EncodeThread {
    fn drop(&mut self) {
        if self.handle.is_some()
            && let Err(err) = self.finish_inner()
        {
            tracing::error!("{err:#}");
        }
    }
}
