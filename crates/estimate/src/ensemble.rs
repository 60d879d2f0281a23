//! [`EnsembleConfig`]: how the `ensemble` estimator combines dlib's and face-api.js's estimates.

use serde::{Deserialize, Serialize};

/// Default share of dlib's age in the ensemble's age: face-api.js's ages are the better ones
/// (docs/ACCURACY.md: chosen on one half of the All-Age-Faces sample, checked on the other).
pub const DEFAULT_DLIB_AGE_WEIGHT: f32 = 0.2;
/// Default share of dlib's probability of male: the plain mean did best (same measurement).
pub const DEFAULT_DLIB_GENDER_WEIGHT: f32 = 0.5;

/// The `[estimator.ensemble]` section.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EnsembleConfig {
    /// Share of dlib's age in the combined age (face-api.js's is the rest), 0..=1.
    pub dlib_age_weight: f32,
    /// Share of dlib's probability of male in the combined one, 0..=1.
    pub dlib_gender_weight: f32,
}

impl Default for EnsembleConfig {
    fn default() -> Self {
        Self {
            dlib_age_weight: DEFAULT_DLIB_AGE_WEIGHT,
            dlib_gender_weight: DEFAULT_DLIB_GENDER_WEIGHT,
        }
    }
}

impl EnsembleConfig {
    /// The first weight outside 0..=1, with its key, if any.
    pub fn invalid_weight(&self) -> Option<(&'static str, f32)> {
        [
            ("dlib_age_weight", self.dlib_age_weight),
            ("dlib_gender_weight", self.dlib_gender_weight),
        ]
        .into_iter()
        .find(|(_, weight)| !(0.0..=1.0).contains(weight))
    }

    /// The combined age in years and its uncertainty: the weighted mean of the two ages, and
    /// the spread of the mixture of dlib's distribution (mean, spread) with face-api.js's point
    /// estimate, which also counts how far the two disagree.
    pub fn age(&self, dlib_years: f32, dlib_spread: f32, faceapi_years: f32) -> (f32, f32) {
        let w = self.dlib_age_weight;
        let mean = w * dlib_years + (1.0 - w) * faceapi_years;
        let variance = w * (dlib_spread.powi(2) + (dlib_years - mean).powi(2))
            + (1.0 - w) * (faceapi_years - mean).powi(2);
        (mean, variance.max(0.0).sqrt())
    }

    /// The combined probability of male.
    pub fn male_probability(&self, dlib: f32, faceapi: f32) -> f32 {
        self.dlib_gender_weight * dlib + (1.0 - self.dlib_gender_weight) * faceapi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_weights_give_the_plain_mean() {
        let config = EnsembleConfig {
            dlib_age_weight: 0.5,
            dlib_gender_weight: 0.5,
        };
        let (age, spread) = config.age(30.0, 0.0, 40.0);
        assert_eq!(age, 35.0);
        assert_eq!(spread, 5.0);
        assert_eq!(config.male_probability(0.9, 0.5), 0.7);
        assert_eq!(config.invalid_weight(), None);
        let bad = EnsembleConfig {
            dlib_age_weight: 1.5,
            ..config
        };
        assert_eq!(bad.invalid_weight(), Some(("dlib_age_weight", 1.5)));
        let (age, _) = EnsembleConfig::default().age(30.0, 0.0, 40.0);
        assert!((age - 38.0).abs() < 1e-5, "{age}");
    }
}
