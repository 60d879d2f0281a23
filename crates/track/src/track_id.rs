//! [`TrackId`]: the stable identifier of a track.

use std::fmt;

/// A track's stable identifier: 1 for the first track a tracker creates, then 2, 3, ...; never
/// reused within one tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackId(u64);

impl TrackId {
    /// The ID numbered `number`.
    pub(crate) const fn new(number: u64) -> Self {
        Self(number)
    }

    /// The first ID a tracker hands out.
    pub const FIRST: TrackId = TrackId(1);

    /// The number behind the ID.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for TrackId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
