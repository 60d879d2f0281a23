//! What to draw: [`Annotation`] (a box and its label) and [`BoxCorners`].

/// A box by its corners, both inside the box (the original's `[x1, y1, x2, y2]`), in pixels of
/// the frame drawn on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct BoxCorners {
    /// Left edge.
    pub x1: i32,
    /// Top edge.
    pub y1: i32,
    /// Right edge.
    pub x2: i32,
    /// Bottom edge.
    pub y2: i32,
}

impl BoxCorners {
    /// A box from its corners.
    pub const fn new(x1: i32, y1: i32, x2: i32, y2: i32) -> Self {
        Self { x1, y1, x2, y2 }
    }
}

/// One face to draw: its box and the text above it (e.g. `Male,32`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Annotation {
    /// The box.
    pub rect: BoxCorners,
    /// The label drawn just above the box.
    pub label: String,
}

impl Annotation {
    /// An annotation from a box and a label.
    pub fn new(rect: BoxCorners, label: impl Into<String>) -> Self {
        Self {
            rect,
            label: label.into(),
        }
    }
}
