//! What to draw: [`Annotation`], a face box and its label.

use face::FaceBox;

/// One face to draw: its box (in pixels of the frame drawn on) and the text above it (e.g.
/// `Male,32`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Annotation {
    /// The box; its corners are drawn as the rectangle's corners, as the original draws them.
    pub rect: FaceBox,
    /// The label drawn just above the box.
    pub label: String,
}

impl Annotation {
    /// An annotation from a box and a label.
    pub fn new(rect: FaceBox, label: impl Into<String>) -> Self {
        Self {
            rect,
            label: label.into(),
        }
    }
}
