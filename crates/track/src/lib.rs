//! Face tracking and label stabilisation for agender.
//!
//! - [`Tracker`] associates each frame's face boxes with tracks by IoU, using the optimal
//!   (Hungarian) assignment subject to a minimum IoU, optionally with a constant-velocity
//!   prediction of each box. Tracks keep their [`TrackId`] through detection gaps of up to
//!   `max_missed_frames` frames; new faces get new IDs.
//! - Per track, the estimator's per-frame outputs are smoothed ([`AgeSmoothing`],
//!   [`AgeGroupSmoothing`], [`GenderSmoothing`]); the `none` modes, the defaults, return each
//!   per-frame estimate verbatim.
//! - A [`ReestimationPolicy`] (DeepStream's secondary re-infer interval) says per face whether to
//!   run the estimator or reuse the track's last estimate: every `reestimate_interval` frames, or
//!   earlier when the box grew by more than `box_growth`.
//!
//! The crate is pure Rust and knows neither `detect` nor `estimate`: it takes the
//! [`face::FaceBox`]es of each frame and the [`face::Estimate`]s of the faces it asked for.
//!
//! ```
//! use face::{AgeEstimate, Estimate, FaceBox, Gender};
//! use track::{Tracker, TrackerConfig};
//!
//! let config = TrackerConfig { reestimate_interval: 2, ..TrackerConfig::default() };
//! let mut tracker = Tracker::new(config)?;
//! let face = FaceBox::new(100, 50, 149, 99);
//! let estimate = Estimate {
//!     gender: Gender::Female,
//!     gender_score: 0.2,
//!     gender_probabilities: None,
//!     age: AgeEstimate::Years(27.4),
//!     age_uncertainty: None,
//! };
//!
//! // Frame 0: a new track, which must be estimated.
//! let first = tracker.update(&[face]);
//! assert_eq!(first[0].track_id.get(), 1);
//! assert!(first[0].is_new && first[0].decision.needs_estimate());
//! let shown = tracker.record_estimate(first[0].track_id, &estimate)?;
//! assert_eq!(shown.estimate.age, AgeEstimate::Years(27.4));
//!
//! // Frame 1: the same face, same ID; with K = 2 its last estimate is reused.
//! let second = tracker.update(&[face]);
//! assert_eq!(second[0].track_id.get(), 1);
//! assert!(!second[0].is_new && !second[0].decision.needs_estimate());
//! # Ok::<(), track::TrackError>(())
//! ```

mod assignment;
mod config;
mod error;
mod geometry;
mod reestimation;
mod smoothing;
mod stable;
mod track;
mod track_id;
mod tracker;

pub use config::{
    DEFAULT_BOX_GROWTH, DEFAULT_MAX_MISSED_FRAMES, DEFAULT_MIN_IOU, DEFAULT_REESTIMATE_INTERVAL,
    MAX_SMOOTHING_WINDOW, TrackerConfig,
};
pub use error::TrackError;
pub use reestimation::{EstimateDecision, EstimateReason, ReestimationPolicy};
pub use smoothing::{AgeGroupSmoothing, AgeSmoothing, GenderSmoothing};
pub use stable::StableEstimate;
pub use track_id::TrackId;
pub use tracker::{TrackAssignment, TrackSnapshot, Tracker};
