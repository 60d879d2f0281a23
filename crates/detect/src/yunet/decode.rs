//! Decoding of YuNet's per-stride head outputs into scored faces, as OpenCV's `FaceDetectorYN`.
//!
//! Each head predicts, per grid cell `(row, column)` of stride `s`: a class score and an
//! objectness score (both already through a sigmoid), a box `(dx, dy, log w, log h)` relative to
//! the cell in units of `s`, and five landmarks `(dx, dy)` relative to the cell in units of `s`.

use face::Point;

use super::face::{LANDMARK_COUNT, YunetFace};
use super::input_size::InputSize;

/// Values per cell in a `bbox_*` output: centre offset x, y and log width, log height.
pub const BOX_VALUES: usize = 4;
/// Values per cell in a `kps_*` output: x and y of each of the five landmarks.
pub const LANDMARK_VALUES: usize = 2 * LANDMARK_COUNT;

/// The four outputs of one head (one stride), each flattened row-major over the grid cells.
#[derive(Debug, Clone, Copy)]
pub struct HeadOutputs<'a> {
    /// Stride of this head in input pixels (8, 16 or 32).
    pub stride: usize,
    /// `cls_<stride>`: one class probability per cell.
    pub cls: &'a [f32],
    /// `obj_<stride>`: one objectness probability per cell.
    pub obj: &'a [f32],
    /// `bbox_<stride>`: [`BOX_VALUES`] per cell.
    pub bbox: &'a [f32],
    /// `kps_<stride>`: [`LANDMARK_VALUES`] per cell.
    pub kps: &'a [f32],
}

/// The face score of a cell: `sqrt(cls * obj)` with both clamped to 0..1 first, exactly as
/// OpenCV's `FaceDetectorYN` does (the sigmoid outputs may overshoot by rounding).
pub fn face_score(cls: f32, obj: f32) -> f32 {
    (cls.clamp(0.0, 1.0) * obj.clamp(0.0, 1.0)).sqrt()
}

/// Appends to `faces` every cell of `head` whose score is at least `score_threshold`, decoded into
/// input (= frame) pixels. `input` is the padded network input size, which fixes the grid width.
/// Cells beyond the shortest of the four outputs are ignored, so mismatched lengths cannot panic
/// (the caller checks the output shapes once when it builds the plan).
pub fn decode_head(
    head: &HeadOutputs<'_>,
    input: InputSize,
    score_threshold: f32,
    faces: &mut Vec<YunetFace>,
) {
    let columns = input.columns(head.stride);
    if columns == 0 {
        return;
    }
    let stride = head.stride as f32;
    let cells = head
        .cls
        .iter()
        .zip(head.obj)
        .zip(head.bbox.chunks_exact(BOX_VALUES))
        .zip(head.kps.chunks_exact(LANDMARK_VALUES))
        .enumerate();
    for (index, (((&cls, &obj), bbox), kps)) in cells {
        let score = face_score(cls, obj);
        // `is_none_or` also skips a NaN score (from a NaN output), which compares as unordered.
        if score
            .partial_cmp(&score_threshold)
            .is_none_or(std::cmp::Ordering::is_lt)
        {
            continue;
        }
        let column = (index % columns) as f32;
        let row = (index / columns) as f32;
        let centre_x = (column + bbox[0]) * stride;
        let centre_y = (row + bbox[1]) * stride;
        let width = bbox[2].exp() * stride;
        let height = bbox[3].exp() * stride;
        let mut landmarks = [Point::new(0.0, 0.0); LANDMARK_COUNT];
        for (point, offsets) in landmarks.iter_mut().zip(kps.chunks_exact(2)) {
            *point = Point::new((offsets[0] + column) * stride, (offsets[1] + row) * stride);
        }
        faces.push(YunetFace {
            x: centre_x - width / 2.0,
            y: centre_y - height / 2.0,
            width,
            height,
            landmarks,
            score,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_is_the_geometric_mean_of_clamped_probabilities() {
        assert!((face_score(0.81, 1.0) - 0.9).abs() < 1e-6);
        assert_eq!(face_score(1.2, 1.0), 1.0);
        assert_eq!(face_score(-0.1, 0.7), 0.0);
    }

    #[test]
    fn a_cell_decodes_relative_to_its_grid_position_and_stride() {
        // A 64x32 input at stride 16 has a 4x2 grid; light up cell (row 1, column 2) = index 6.
        let input = InputSize::padded_for(64, 32);
        let mut cls = vec![0.0; 8];
        let mut obj = vec![0.0; 8];
        let mut bbox = vec![0.0; 8 * BOX_VALUES];
        let mut kps = vec![0.0; 8 * LANDMARK_VALUES];
        cls[6] = 0.9;
        obj[6] = 0.9;
        bbox[6 * BOX_VALUES..7 * BOX_VALUES].copy_from_slice(&[0.5, 0.25, 0.0, 2f32.ln()]);
        kps[6 * LANDMARK_VALUES] = -0.5;
        kps[6 * LANDMARK_VALUES + 1] = 0.5;
        let head = HeadOutputs {
            stride: 16,
            cls: &cls,
            obj: &obj,
            bbox: &bbox,
            kps: &kps,
        };
        let mut faces = Vec::new();
        decode_head(&head, input, 0.5, &mut faces);
        assert_eq!(faces.len(), 1);
        let face = faces[0];
        // Centre (2.5 * 16, 1.25 * 16) = (40, 20), size 16 x 32.
        assert!((face.x - 32.0).abs() < 1e-4, "{face:?}");
        assert!((face.y - 4.0).abs() < 1e-4, "{face:?}");
        assert!((face.width - 16.0).abs() < 1e-4, "{face:?}");
        assert!((face.height - 32.0).abs() < 1e-4, "{face:?}");
        assert_eq!(face.landmarks[0], Point::new(24.0, 24.0));
        assert_eq!(face.landmarks[4], Point::new(32.0, 16.0));
        assert!((face.score - 0.9).abs() < 1e-6);
    }

    #[test]
    fn cells_below_the_threshold_and_truncated_outputs_are_skipped() {
        let input = InputSize::padded_for(32, 32);
        let head = HeadOutputs {
            stride: 8,
            cls: &[0.5; 16],
            obj: &[0.5; 16],
            // Only two cells' worth of boxes: the rest is ignored rather than read out of bounds.
            bbox: &[0.0; 2 * BOX_VALUES],
            kps: &[0.0; 16 * LANDMARK_VALUES],
        };
        let mut faces = Vec::new();
        decode_head(&head, input, 0.51, &mut faces);
        assert!(faces.is_empty());
        decode_head(&head, input, 0.5, &mut faces);
        assert_eq!(faces.len(), 2);
        let nan = HeadOutputs {
            cls: &[f32::NAN; 16],
            ..head
        };
        faces.clear();
        decode_head(&nan, input, 0.0, &mut faces);
        assert!(faces.is_empty(), "a NaN score never passes a threshold");
    }
}
