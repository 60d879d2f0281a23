//! Face detection between the decoding thread and the frame loop, on the loop's own thread or on
//! several worker threads that each detect whole frames.
//!
//! Why workers: the detector is most of the work of a frame (Haar: about 60 ms of one core per
//! 539x302 frame, against 3 ms for everything else). Run on one thread with OpenCV's own threads it
//! splits each frame across the cores, but the split scales poorly (two cores: 33-36 ms, not 30)
//! and every other stage then waits for it or takes a core away from it. With one single-threaded
//! detector per core, each working on its own frame, the cores stay busy with whole frames and the
//! rest of the pipeline fits in the gaps. Frames are dealt round robin and collected in the same
//! order, so the frame loop (estimation, tracking, drawing, output) still sees them in order, and
//! every channel is bounded, so memory stays bounded: at most two frames per worker in flight.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use anyhow::{Context, Result, anyhow};

use crate::analysis::{FaceFinder, FindTimes, FoundFace};
use crate::stages::{DecodeThread, Decoded};

/// Frames waiting for each worker, and detected frames waiting for the frame loop per worker: one
/// in hand and one waiting keeps both sides busy; more would only hold frames (25 MB each at 4K).
const WORKER_QUEUE_FRAMES: usize = 1;

/// Upper bound of the automatic worker count (`processing.detect_workers = 0`): more workers than
/// this keep more frames in memory for little gain, since decoding and the frame loop stay
/// single-threaded.
pub const MAX_AUTO_DETECT_WORKERS: usize = 8;

/// How many detection workers `configured` asks for: itself when positive, else one per
/// available core (at most [`MAX_AUTO_DETECT_WORKERS`]).
pub fn resolve_worker_count(configured: u32) -> usize {
    if configured > 0 {
        return configured as usize;
    }
    std::thread::available_parallelism()
        .map_or(1, |cores| cores.get())
        .min(MAX_AUTO_DETECT_WORKERS)
}

/// A decoded frame with the faces found in it.
pub struct Detected {
    /// The frame and its decoding time.
    pub decoded: Decoded,
    /// The faces, in detector order.
    pub faces: Vec<FoundFace>,
    /// Time spent shrinking and detecting.
    pub times: FindTimes,
}

/// The frames of a [`DecodeThread`] with their faces, in input order.
pub enum DetectedFrames {
    /// One finder, run by the caller's thread when it asks for the next frame; the detector may
    /// use OpenCV's own threads.
    Inline {
        /// Where frames come from.
        decoder: DecodeThread,
        /// The only finder.
        finder: FaceFinder,
    },
    /// One thread per finder, each detecting whole frames.
    Workers(DetectWorkers),
}

impl DetectedFrames {
    /// Starts detecting the frames of `decoder`: inline with a single finder, else on one worker
    /// thread per finder. Fails when `finders` is empty or a thread cannot start.
    pub fn start(decoder: DecodeThread, mut finders: Vec<FaceFinder>) -> Result<Self> {
        if finders.len() > 1 {
            return Ok(Self::Workers(DetectWorkers::spawn(decoder, finders)?));
        }
        let finder = finders.pop().context("no face finder to detect with")?;
        Ok(Self::Inline { decoder, finder })
    }

    /// The next frame with its faces, `None` at the end of the input.
    pub fn next(&mut self) -> Option<Result<Detected>> {
        match self {
            Self::Inline { decoder, finder } => {
                let decoded = decoder.next()?;
                Some(decoded.and_then(|decoded| detect_one(finder, decoded)))
            }
            Self::Workers(workers) => workers.next(),
        }
    }

    /// Stops decoding and detection (frames not taken yet are dropped) and hands the finders back
    /// for the next pass over the input.
    pub fn finish(self) -> Result<Vec<FaceFinder>> {
        match self {
            Self::Inline { decoder, finder } => {
                drop(decoder);
                Ok(vec![finder])
            }
            Self::Workers(workers) => workers.finish(),
        }
    }
}

fn detect_one(finder: &mut FaceFinder, decoded: Decoded) -> Result<Detected> {
    let (faces, times) = finder.find(&decoded.frame.image)?;
    Ok(Detected {
        decoded,
        faces,
        times,
    })
}

/// Detection worker threads fed round robin by a dealer thread that reads the decoder.
pub struct DetectWorkers {
    /// One results channel per worker; frame `n` comes from worker `n % len`.
    results: Vec<Receiver<Result<Detected>>>,
    /// The worker whose result comes next.
    next_worker: usize,
    dealer: Option<JoinHandle<()>>,
    workers: Vec<JoinHandle<FaceFinder>>,
}

impl DetectWorkers {
    fn spawn(decoder: DecodeThread, finders: Vec<FaceFinder>) -> Result<Self> {
        let mut inputs = Vec::with_capacity(finders.len());
        let mut results = Vec::with_capacity(finders.len());
        let mut workers = Vec::with_capacity(finders.len());
        for (index, finder) in finders.into_iter().enumerate() {
            let (input, frames) = sync_channel(WORKER_QUEUE_FRAMES);
            let (sender, detected) = sync_channel(WORKER_QUEUE_FRAMES);
            let worker = std::thread::Builder::new()
                .name(format!("detect-{index}"))
                .spawn(move || detect_loop(finder, &frames, &sender))
                .context("cannot start a detection thread")?;
            inputs.push(input);
            results.push(detected);
            workers.push(worker);
        }
        let dealer = std::thread::Builder::new()
            .name("deal".to_owned())
            .spawn(move || deal(decoder, &inputs))
            .context("cannot start the thread that deals frames to the detectors")?;
        Ok(Self {
            results,
            next_worker: 0,
            dealer: Some(dealer),
            workers,
        })
    }

    fn next(&mut self) -> Option<Result<Detected>> {
        let detected = self.results.get(self.next_worker)?.recv().ok()?;
        self.next_worker = (self.next_worker + 1) % self.results.len();
        Some(detected)
    }

    fn finish(mut self) -> Result<Vec<FaceFinder>> {
        self.stop()
    }

    /// Closes the results channels, which makes every thread return, and joins them.
    fn stop(&mut self) -> Result<Vec<FaceFinder>> {
        self.results.clear();
        let dealer = self.dealer.take().map(|dealer| {
            dealer
                .join()
                .map_err(|_| anyhow!("the dealer thread panicked"))
        });
        let finders = std::mem::take(&mut self.workers)
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .map_err(|_| anyhow!("a detection thread panicked"))
            })
            .collect::<Result<Vec<_>>>();
        dealer.transpose()?;
        finders
    }
}

impl Drop for DetectWorkers {
    fn drop(&mut self) {
        if let Err(err) = self.stop() {
            tracing::error!("{err:#}");
        }
    }
}

/// Deals the decoded frames to the workers in turn, until the input ends, a decoding error
/// (passed on, then dealing stops) or a worker stops.
fn deal(mut decoder: DecodeThread, inputs: &[SyncSender<Result<Decoded>>]) {
    for input in inputs.iter().cycle() {
        let Some(decoded) = decoder.next() else {
            return;
        };
        let failed = decoded.is_err();
        if input.send(decoded).is_err() || failed {
            return;
        }
    }
}

/// Detects every frame dealt to this worker, until its input closes, an error (passed on) or the
/// frame loop stops listening.
fn detect_loop(
    mut finder: FaceFinder,
    frames: &Receiver<Result<Decoded>>,
    results: &SyncSender<Result<Detected>>,
) -> FaceFinder {
    for decoded in frames {
        let detected = decoded.and_then(|decoded| detect_one(&mut finder, decoded));
        let failed = detected.is_err();
        if results.send(detected).is_err() || failed {
            break;
        }
    }
    finder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_worker_counts_are_kept() {
        assert_eq!(resolve_worker_count(1), 1);
        assert_eq!(resolve_worker_count(3), 3);
    }

    #[test]
    fn automatic_worker_count_follows_the_cores_within_the_cap() {
        let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
        let automatic = resolve_worker_count(0);
        assert_eq!(automatic, cores.min(MAX_AUTO_DETECT_WORKERS));
        assert!(automatic >= 1);
    }
}
