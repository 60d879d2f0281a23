//! The least-squares similarity transform (rotation, uniform scale, translation) between two
//! point sets, as dlib's `find_similarity_transform`.

use crate::error::AlignError;

/// A similarity transform `p -> scale * R(angle) * p + translation`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// Uniform scale (> 0).
    pub scale: f64,
    /// Rotation in radians, counter-clockwise in x-right / y-down coordinates as dlib's.
    pub angle: f64,
    /// Translation added after rotating and scaling.
    pub translation: [f64; 2],
}

impl Similarity {
    /// The image of `p`.
    pub fn apply(&self, p: [f64; 2]) -> [f64; 2] {
        let (sin, cos) = self.angle.sin_cos();
        let (a, b) = (self.scale * cos, self.scale * sin);
        [
            a * p[0] - b * p[1] + self.translation[0],
            b * p[0] + a * p[1] + self.translation[1],
        ]
    }

    /// The similarity that maps `from[i]` closest to `to[i]` in the least-squares sense.
    ///
    /// dlib solves Umeyama's equations with a 2x2 SVD and a sign fix that keeps the result a
    /// rotation (never a reflection). In two dimensions that optimum has a closed form: with the
    /// cross-covariance `C` of the centred points, the rotation is `atan2(C10 - C01, C00 + C11)`
    /// and the trace Umeyama divides by the spread of `from` is `hypot(C00 + C11, C10 - C01)`
    /// (the sum of the singular values when `det C >= 0`, their difference otherwise, exactly
    /// dlib's sign rule).
    ///
    /// Fails when the counts differ, fewer than 2 pairs are given, a coordinate is not finite,
    /// or either set has all its points at one place (no scale or angle follows from it).
    pub fn fit(from: &[[f64; 2]], to: &[[f64; 2]]) -> Result<Self, AlignError> {
        let points = |reason| AlignError::ChipPoints { reason };
        if from.len() != to.len() {
            return Err(points("the chip and image point lists differ in length"));
        }
        if from.len() < 2 {
            return Err(points("at least two point pairs are needed"));
        }
        let all_finite = |set: &[[f64; 2]]| set.iter().flatten().all(|v| v.is_finite());
        if !all_finite(from) || !all_finite(to) {
            return Err(points("a point is not finite"));
        }
        let count = from.len() as f64;
        let mean = |set: &[[f64; 2]]| {
            let sum = set
                .iter()
                .fold([0.0, 0.0], |acc, p| [acc[0] + p[0], acc[1] + p[1]]);
            [sum[0] / count, sum[1] / count]
        };
        let (mean_from, mean_to) = (mean(from), mean(to));
        let mut sigma_from = 0.0;
        let mut sigma_to = 0.0;
        let mut cov = [[0.0f64; 2]; 2];
        for (f, t) in from.iter().zip(to) {
            let df = [f[0] - mean_from[0], f[1] - mean_from[1]];
            let dt = [t[0] - mean_to[0], t[1] - mean_to[1]];
            sigma_from += df[0] * df[0] + df[1] * df[1];
            sigma_to += dt[0] * dt[0] + dt[1] * dt[1];
            for (i, row) in cov.iter_mut().enumerate() {
                for (j, cell) in row.iter_mut().enumerate() {
                    *cell += dt[i] * df[j];
                }
            }
        }
        sigma_from /= count;
        sigma_to /= count;
        if sigma_from == 0.0 {
            return Err(points("the chip points are all at one place"));
        }
        if sigma_to == 0.0 {
            return Err(points("the image points are all at one place"));
        }
        let cos_part = (cov[0][0] + cov[1][1]) / count;
        let sin_part = (cov[1][0] - cov[0][1]) / count;
        let trace = cos_part.hypot(sin_part);
        let scale = trace / sigma_from;
        // Spread points whose best rotation leaves nothing (e.g. a mirrored symmetric set)
        // would give a zero scale: an empty chip, not an alignment.
        if !(scale > 0.0 && scale.is_finite()) {
            return Err(points(
                "the points fix no scale (their best fit collapses them)",
            ));
        }
        let angle = sin_part.atan2(cos_part);
        let rotated_mean = Self {
            scale,
            angle,
            translation: [0.0, 0.0],
        }
        .apply(mean_from);
        Ok(Self {
            scale,
            angle,
            translation: [mean_to[0] - rotated_mean[0], mean_to[1] - rotated_mean[1]],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE: [[f64; 2]; 4] = [[0.0, 0.0], [10.0, 0.0], [10.0, 7.0], [2.0, 9.0]];

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn a_known_rotation_scale_and_translation_is_recovered() {
        let truth = Similarity {
            scale: 2.5,
            angle: -0.7,
            translation: [31.0, -12.5],
        };
        let image: Vec<[f64; 2]> = SQUARE.iter().map(|&p| truth.apply(p)).collect();
        let fit = Similarity::fit(&SQUARE, &image).unwrap();
        assert!(close(fit.scale, 2.5, 1e-12), "{fit:?}");
        assert!(close(fit.angle, -0.7, 1e-12), "{fit:?}");
        assert!(close(fit.translation[0], 31.0, 1e-10), "{fit:?}");
        assert!(close(fit.translation[1], -12.5, 1e-10), "{fit:?}");
    }

    #[test]
    fn angles_beyond_a_right_angle_keep_their_quadrant() {
        for angle in [2.0, -2.9, 3.1] {
            let truth = Similarity {
                scale: 0.5,
                angle,
                translation: [1.0, 2.0],
            };
            let image: Vec<[f64; 2]> = SQUARE.iter().map(|&p| truth.apply(p)).collect();
            let fit = Similarity::fit(&SQUARE, &image).unwrap();
            assert!(close(fit.angle, angle, 1e-12), "{angle}: {fit:?}");
        }
    }

    #[test]
    fn noisy_points_give_the_least_squares_optimum() {
        // A fit with noise must beat nearby transforms on the sum of squared residuals.
        let truth = Similarity {
            scale: 1.3,
            angle: 0.4,
            translation: [5.0, 6.0],
        };
        let noise = [[0.3, -0.2], [-0.4, 0.1], [0.2, 0.5], [-0.1, -0.4]];
        let image: Vec<[f64; 2]> = SQUARE
            .iter()
            .zip(noise)
            .map(|(&p, n)| {
                let q = truth.apply(p);
                [q[0] + n[0], q[1] + n[1]]
            })
            .collect();
        let fit = Similarity::fit(&SQUARE, &image).unwrap();
        let cost = |s: &Similarity| -> f64 {
            SQUARE
                .iter()
                .zip(&image)
                .map(|(&p, q)| {
                    let m = s.apply(p);
                    (m[0] - q[0]).powi(2) + (m[1] - q[1]).powi(2)
                })
                .sum()
        };
        let best = cost(&fit);
        for (ds, da, dx) in [
            (1e-3, 0.0, 0.0),
            (-1e-3, 0.0, 0.0),
            (0.0, 1e-3, 0.0),
            (0.0, -1e-3, 0.0),
            (0.0, 0.0, 1e-2),
        ] {
            let other = Similarity {
                scale: fit.scale + ds,
                angle: fit.angle + da,
                translation: [fit.translation[0] + dx, fit.translation[1]],
            };
            assert!(cost(&other) > best, "{other:?} beats {fit:?}");
        }
    }

    #[test]
    fn a_mirrored_set_still_gives_a_rotation() {
        // x mirrored: no rotation maps it exactly; dlib's sign rule still returns one.
        let mirrored: Vec<[f64; 2]> = SQUARE.iter().map(|p| [-p[0], p[1]]).collect();
        let fit = Similarity::fit(&SQUARE, &mirrored).unwrap();
        assert!(fit.scale > 0.0 && fit.scale < 1.0, "{fit:?}");
    }

    #[test]
    fn degenerate_point_sets_are_errors_not_nan() {
        let same = [[3.0, 4.0]; 4];
        assert!(matches!(
            Similarity::fit(&same, &SQUARE),
            Err(AlignError::ChipPoints { .. })
        ));
        assert!(matches!(
            Similarity::fit(&SQUARE, &same),
            Err(AlignError::ChipPoints { .. })
        ));
        let mut nan = SQUARE;
        nan[2][1] = f64::NAN;
        assert!(Similarity::fit(&SQUARE, &nan).is_err());
        let mut inf = SQUARE;
        inf[0][0] = f64::INFINITY;
        assert!(Similarity::fit(&inf, &SQUARE).is_err());
        assert!(Similarity::fit(&SQUARE[..1], &SQUARE[..1]).is_err());
        assert!(Similarity::fit(&SQUARE[..3], &SQUARE).is_err());
        // A set turned into its own point reflection about a line through the mean of a
        // symmetric set collapses the fit: [-1,0],[1,0] onto [1,0],[-1,0] is a half turn (fine),
        // but a square onto its mirror image has C00 + C11 = C10 - C01 = 0.
        let square = [[1.0, 1.0], [-1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]];
        let mirror: Vec<[f64; 2]> = square.iter().map(|p| [p[0], -p[1]]).collect();
        assert!(Similarity::fit(&square, &mirror).is_err());
    }
}
