//! Helpers shared by the track integration tests: synthetic boxes and estimates.

#![allow(dead_code)]

use face::{Estimate, FaceBox};
use track::TrackAssignment;

/// A square face box `side` pixels wide with its top-left pixel at (`x`, `y`).
pub fn square(x: i32, y: i32, side: i32) -> FaceBox {
    FaceBox::new(x, y, x + side - 1, y + side - 1)
}

/// Intersection over union of the pixels two boxes cover: the overlap the tracker matches on.
pub fn pixel_iou(a: &FaceBox, b: &FaceBox) -> f32 {
    let overlap = FaceBox::new(
        a.x1.max(b.x1),
        a.y1.max(b.y1),
        a.x2.min(b.x2),
        a.y2.min(b.y2),
    );
    let area = |face: &FaceBox| face.pixel_width() * face.pixel_height();
    let intersection = area(&overlap);
    intersection as f32 / (area(a) + area(b) - intersection) as f32
}

/// The track IDs of one frame's assignments, in input order.
pub fn ids(assignments: &[TrackAssignment]) -> Vec<u64> {
    assignments.iter().map(|a| a.track_id.get()).collect()
}

/// An SSR-Net-like estimate: age in years and raw gender score.
pub fn ssrnet(years: f32, score: f32) -> Estimate {
    Estimate::from_ssrnet(score, years)
}
