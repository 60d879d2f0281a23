//! Greedy non-maximum suppression exactly as OpenCV's `dnn::NMSBoxes` runs it for
//! `FaceDetectorYN`: on boxes truncated to integers, candidates sorted by score (stable), the
//! best `top_k` considered, a candidate kept when its IoU with every kept box is at most the
//! threshold.

use super::face::{TruncatedRect, YunetFace};

/// The thresholds of one suppression pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NmsParams {
    /// Candidates must score strictly above this to be considered (OpenCV passes the detector's
    /// score threshold again).
    pub score_threshold: f32,
    /// A candidate overlapping a kept box with IoU above this is dropped.
    pub iou_threshold: f32,
    /// At most this many best-scoring candidates are considered; 0 means all.
    pub top_k: usize,
}

/// Reusable scratch space for [`NonMaxSuppression::run`], so a frame allocates nothing once the
/// buffers have grown to the usual number of candidates.
#[derive(Debug, Default)]
pub struct NonMaxSuppression {
    order: Vec<usize>,
    rects: Vec<TruncatedRect>,
}

impl NonMaxSuppression {
    /// Writes into `kept` the indices of the `faces` that survive, best score first.
    ///
    /// As in `FaceDetectorYN`, a single candidate is returned as is (no suppression runs).
    pub fn run(&mut self, faces: &[YunetFace], params: &NmsParams, kept: &mut Vec<usize>) {
        kept.clear();
        if faces.len() <= 1 {
            kept.extend(0..faces.len());
            return;
        }
        self.rects.clear();
        self.rects
            .extend(faces.iter().map(YunetFace::truncated_rect));
        self.order.clear();
        self.order.extend(
            faces
                .iter()
                .enumerate()
                .filter(|(_, face)| face.score > params.score_threshold)
                .map(|(index, _)| index),
        );
        // `sort_by` is stable, like the `std::stable_sort` OpenCV uses, so ties keep grid order.
        self.order
            .sort_by(|&a, &b| faces[b].score.total_cmp(&faces[a].score));
        if params.top_k > 0 {
            self.order.truncate(params.top_k);
        }
        for &candidate in &self.order {
            let rect = &self.rects[candidate];
            let overlaps_a_kept_box = kept
                .iter()
                .any(|&other| rect.iou(&self.rects[other]) > params.iou_threshold);
            if !overlaps_a_kept_box {
                kept.push(candidate);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yunet::face::LANDMARK_COUNT;
    use face::Point;

    fn face(x: f32, y: f32, size: f32, score: f32) -> YunetFace {
        YunetFace {
            x,
            y,
            width: size,
            height: size,
            landmarks: [Point::new(0.0, 0.0); LANDMARK_COUNT],
            score,
        }
    }

    const PARAMS: NmsParams = NmsParams {
        score_threshold: 0.9,
        iou_threshold: 0.3,
        top_k: 5000,
    };

    #[test]
    fn overlapping_candidates_collapse_to_the_best_and_distant_ones_survive() {
        let faces = [
            face(10.0, 10.0, 50.0, 0.92),
            face(12.0, 11.0, 50.0, 0.97),
            face(200.0, 10.0, 40.0, 0.91),
            face(14.0, 9.0, 48.0, 0.95),
        ];
        let mut kept = Vec::new();
        NonMaxSuppression::default().run(&faces, &PARAMS, &mut kept);
        assert_eq!(kept, vec![1, 2]);
    }

    #[test]
    fn iou_exactly_at_the_threshold_is_kept_as_opencv_does() {
        // Two 10x10 boxes shifted by 5 px overlap with IoU 1/3: dropped at 0.3, kept at 1/3
        // (the test is `overlap <= threshold`, inclusive).
        let faces = [face(0.0, 0.0, 10.0, 0.95), face(5.0, 0.0, 10.0, 0.94)];
        let mut kept = Vec::new();
        let mut nms = NonMaxSuppression::default();
        nms.run(&faces, &PARAMS, &mut kept);
        assert_eq!(kept, vec![0]);
        let lenient = NmsParams {
            iou_threshold: 1.0 / 3.0,
            ..PARAMS
        };
        nms.run(&faces, &lenient, &mut kept);
        assert_eq!(kept, vec![0, 1]);
    }

    #[test]
    fn top_k_limits_the_candidates_before_suppression() {
        let faces = [
            face(0.0, 0.0, 10.0, 0.91),
            face(100.0, 0.0, 10.0, 0.99),
            face(200.0, 0.0, 10.0, 0.95),
        ];
        let mut kept = Vec::new();
        let params = NmsParams { top_k: 2, ..PARAMS };
        NonMaxSuppression::default().run(&faces, &params, &mut kept);
        assert_eq!(kept, vec![1, 2]);
    }

    #[test]
    fn a_single_candidate_is_returned_without_suppression() {
        let faces = [face(0.0, 0.0, 10.0, 0.9)];
        let mut kept = vec![7];
        NonMaxSuppression::default().run(&faces, &PARAMS, &mut kept);
        assert_eq!(kept, vec![0]);
    }
}
