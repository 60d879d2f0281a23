//! Face detection between the decoding thread and the frame loop, on the loop's own thread or on
//! worker threads that each detect whole frames.
//!
//! Why workers: the detector is most of the work of a frame (Haar: about 60 ms of one core per
//! 539x302 frame, against 3 ms for everything else). Run on one thread with OpenCV's own threads it
//! splits each frame across the cores, but the split scales poorly (two cores: 33-36 ms, not 30)
//! and every other stage then waits for it or takes a core away from it. With one single-threaded
//! detector per core, each working on its own frame, the cores stay busy with whole frames and the
//! rest of the pipeline fits in the gaps. Frames come back in input order, so the frame loop
//! (estimation, tracking, drawing, output) still sees them in order, and at most two frames per
//! worker are in flight, so memory stays bounded (`pool`).
//!
//! With the automatic count (`processing.detect_workers = 0`) the pool starts with one worker and
//! adds one, up to one per core, while the frame loop waits for detection (`growth`): a run whose
//! estimation takes longer than detection (the Levi-Hassner nets) keeps one detector and its
//! frames instead of holding another that would find the cores busy.

mod growth;
mod pool;

use crate::error::{Context, Result};

use crate::finder::{FaceFinder, FindTimes, FoundFace};
use crate::stages::{DecodeThread, Decoded};
use pool::{Growth, Work, WorkerFactory, WorkerPool};

/// Upper bound of the automatic worker count (`processing.detect_workers = 0`): more workers than
/// this keep more frames in memory for little gain, since decoding and the frame loop stay
/// single-threaded.
pub const MAX_AUTO_DETECT_WORKERS: usize = 8;
/// What the pool's log lines call its work.
const WORK_NAME: &str = "face detection";
/// Prefix of the detection threads' names (`detect-0`, `detect-1`, ... and `detect-deal`).
const THREAD_PREFIX: &str = "detect";

/// How many detection workers `processing.detect_workers = configured` asks for at most: itself
/// when positive, else one per available core (at most [`MAX_AUTO_DETECT_WORKERS`]).
pub fn resolve_worker_count(configured: u32) -> usize {
    if configured > 0 {
        return configured as usize;
    }
    std::thread::available_parallelism()
        .map_or(1, |cores| cores.get())
        .min(MAX_AUTO_DETECT_WORKERS)
}

/// Builds one more face finder (with its own detector) for a growing pool.
pub type FinderFactory = WorkerFactory<FaceFinder>;

/// The face finders a run detects with, and whether and how it may build more. The default plan
/// has no finder: what a plan handed to [`DetectedFrames::start`] leaves behind.
#[derive(Default)]
pub struct DetectionPlan {
    /// Finders built so far: one per worker to start with (one alone: detection inline).
    finders: Vec<FaceFinder>,
    /// With the automatic worker count on a machine of several cores: the most workers and how to
    /// build the ones not started yet.
    growth: Option<Growth<FaceFinder>>,
}

impl DetectionPlan {
    /// Exactly these finders: one worker thread each, or detection on the frame loop's thread
    /// when there is one.
    pub fn fixed(finders: Vec<FaceFinder>) -> Self {
        Self {
            finders,
            growth: None,
        }
    }

    /// Starts with `first` and adds finders built by `factory`, up to `max_workers`, while the
    /// frame loop waits for detection.
    pub fn growing(first: FaceFinder, max_workers: usize, factory: FinderFactory) -> Self {
        Self {
            finders: vec![first],
            growth: Some(Growth {
                max_workers,
                factory,
                what: WORK_NAME,
            }),
        }
    }

    /// Whether frames are detected on worker threads rather than on the frame loop's thread.
    pub fn uses_workers(&self) -> bool {
        self.finders.len() > 1 || self.growth.is_some()
    }

    /// Finders built so far.
    pub fn workers(&self) -> usize {
        self.finders.len()
    }

    /// The most workers the plan may grow to, when it grows.
    pub fn max_workers(&self) -> Option<usize> {
        self.growth.as_ref().map(|growth| growth.max_workers)
    }
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

impl Work for FaceFinder {
    type Input = Decoded;
    type Output = Detected;

    fn work(&mut self, decoded: Decoded) -> Result<Detected> {
        detect_one(self, decoded)
    }
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
    /// Worker threads, each detecting whole frames (boxed: the pool is several times the size of
    /// the inline variant).
    Workers(Box<WorkerPool<FaceFinder>>),
}

impl DetectedFrames {
    /// Starts detecting the frames of `decoder` as `plan` says: inline with a single finder, else
    /// on worker threads. Fails when the plan has no finder or a thread cannot start.
    pub fn start(decoder: DecodeThread, mut plan: DetectionPlan) -> Result<Self> {
        if plan.uses_workers() {
            let mut decoder = decoder;
            let frames = std::iter::from_fn(move || decoder.next());
            let pool = WorkerPool::start(frames, plan.finders, plan.growth, THREAD_PREFIX)?;
            return Ok(Self::Workers(Box::new(pool)));
        }
        let finder = plan
            .finders
            .pop()
            .context("no face finder to detect with")?;
        Ok(Self::Inline { decoder, finder })
    }

    /// Stops decoding and detection (frames not taken yet are dropped) and hands the finders back,
    /// those added on the way included, for the next pass over the input.
    pub fn finish(self) -> Result<DetectionPlan> {
        match self {
            Self::Inline { decoder, finder } => {
                drop(decoder);
                Ok(DetectionPlan::fixed(vec![finder]))
            }
            Self::Workers(pool) => {
                let (finders, growth) = pool.finish()?;
                Ok(DetectionPlan { finders, growth })
            }
        }
    }
}

impl Iterator for DetectedFrames {
    type Item = Result<Detected>;

    /// The next frame with its faces, `None` at the end of the input (or after an error).
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Self::Inline { decoder, finder } => {
                let decoded = decoder.next()?;
                Some(decoded.and_then(|decoded| detect_one(finder, decoded)))
            }
            Self::Workers(pool) => pool.next(),
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
