//! The crate's single error type.

use crate::TrackId;

/// Everything that can go wrong when configuring a tracker or feeding it estimates.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TrackError {
    /// A `[tracking]` setting has a value outside its allowed range.
    #[error(
        "invalid setting `{key} = {value}`: {expected}; fix it in the [tracking] section of the config file"
    )]
    InvalidConfig {
        /// Full key of the setting, e.g. `tracking.age_smoothing.alpha`.
        key: String,
        /// The value found, as written by `Debug`.
        value: String,
        /// What the value must be.
        expected: &'static str,
    },
    /// An estimate was recorded for a track the tracker does not (or no longer) know.
    #[error(
        "track {id} is not live (never created or already dropped); record estimates only for IDs returned by the latest `update`"
    )]
    UnknownTrack {
        /// The track ID that was given.
        id: TrackId,
    },
    /// An estimate handed to the tracker holds a value no estimator produces (NaN, infinite,
    /// age-group index out of range); it was not recorded.
    #[error(
        "estimate for track {id} has an invalid `{field}` = {value}; skip this face's estimate (the estimator produced a non-finite or out-of-range value)"
    )]
    InvalidObservation {
        /// Track the estimate was meant for.
        id: TrackId,
        /// Name of the offending field, e.g. `age.years`.
        field: &'static str,
        /// The value found, as written by `Debug`.
        value: String,
    },
}
