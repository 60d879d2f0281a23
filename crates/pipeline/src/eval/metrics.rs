//! Accuracy figures of `app eval`: gender accuracy, age MAE and CS@5 for ages in years, exact and
//! one-off accuracy for age groups, overall and broken down by age band and gender.

use face::{AGE_GROUP_COUNT, AgeEstimate, Estimate, Gender};
use serde::Serialize;

/// CS@5: the share of faces whose estimated age is within this many years of the truth.
pub const CUMULATIVE_SCORE_YEARS: f64 = 5.0;

/// Inclusive year ranges of the Caffe age groups, in [`face::AGE_GROUPS`] order; the last is open above.
pub const AGE_GROUP_RANGES: [(u32, u32); AGE_GROUP_COUNT] = [
    (0, 2),
    (4, 6),
    (8, 12),
    (15, 20),
    (25, 32),
    (38, 43),
    (48, 53),
    (60, 100),
];

/// Age bands of the breakdown: `(label, first year, last year)`.
pub const AGE_BANDS: [(&str, u32, u32); 9] = [
    ("0-2", 0, 2),
    ("3-9", 3, 9),
    ("10-19", 10, 19),
    ("20-29", 20, 29),
    ("30-39", 30, 39),
    ("40-49", 40, 49),
    ("50-59", 50, 59),
    ("60-69", 60, 69),
    ("70+", 70, u32::MAX),
];

/// The Caffe age group a true age belongs to. Ages between two groups (3, 7, 13-14, 21-24, 33-37,
/// 44-47, 54-59) go to the nearer group; an exact tie (3, 7, 35) goes to the younger one. Ages
/// above 100 belong to the last group.
pub fn age_group_of(age: u32) -> usize {
    let distance = |(low, high): (u32, u32)| {
        if age < low {
            low - age
        } else {
            age.saturating_sub(high)
        }
    };
    let mut best = 0;
    for (index, range) in AGE_GROUP_RANGES.iter().enumerate() {
        if distance(*range) < distance(AGE_GROUP_RANGES[best]) {
            best = index;
        }
    }
    if age > AGE_GROUP_RANGES[AGE_GROUP_RANGES.len() - 1].1 {
        AGE_GROUP_RANGES.len() - 1
    } else {
        best
    }
}

/// The label of the age band of a true age.
pub fn age_band_of(age: u32) -> &'static str {
    AGE_BANDS
        .iter()
        .find(|(_, low, high)| (*low..=*high).contains(&age))
        .map_or("70+", |band| band.0)
}

/// Truth and outcome for one image.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    /// True age in years.
    pub age: u32,
    /// True gender.
    pub gender: Gender,
    /// The estimate, or `None` when no face was detected.
    pub estimate: Option<Estimate>,
    /// Whether an aligned estimator found no usable landmarks and took the face box instead.
    pub fallback: bool,
}

/// Accuracy figures over a set of images.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Images in the set.
    pub images: usize,
    /// Images where no face was detected (they count as wrong in no figure below, which are over
    /// the estimated faces only).
    pub misses: usize,
    /// Faces estimated.
    pub estimated: usize,
    /// Faces an aligned estimator took from the box because it found no usable landmarks.
    pub box_fallbacks: usize,
    /// Share of estimated faces with the right gender.
    pub gender_accuracy: Option<f64>,
    /// Mean absolute age error in years (SSR-Net).
    pub age_mae: Option<f64>,
    /// Share within [`CUMULATIVE_SCORE_YEARS`] years (SSR-Net).
    pub age_cs5: Option<f64>,
    /// Share in the right age group (Caffe).
    pub group_exact: Option<f64>,
    /// Share in the right or an adjacent age group (Caffe).
    pub group_one_off: Option<f64>,
}

impl Metrics {
    /// Computes the figures over `outcomes`.
    pub fn over<'a>(outcomes: impl IntoIterator<Item = &'a Outcome>) -> Self {
        let mut metrics = Metrics::default();
        let (mut gender_right, mut abs_error, mut within, mut years_count) =
            (0usize, 0.0f64, 0usize, 0usize);
        let (mut exact, mut one_off, mut group_count) = (0usize, 0usize, 0usize);
        for outcome in outcomes {
            metrics.images += 1;
            let Some(estimate) = &outcome.estimate else {
                metrics.misses += 1;
                continue;
            };
            metrics.estimated += 1;
            metrics.box_fallbacks += usize::from(outcome.fallback);
            gender_right += usize::from(estimate.gender == outcome.gender);
            match estimate.age {
                AgeEstimate::Years(years) => {
                    let error = (f64::from(years) - f64::from(outcome.age)).abs();
                    abs_error += error;
                    within += usize::from(error <= CUMULATIVE_SCORE_YEARS);
                    years_count += 1;
                }
                AgeEstimate::Group { index, .. } => {
                    let truth = age_group_of(outcome.age);
                    exact += usize::from(index == truth);
                    one_off += usize::from(index.abs_diff(truth) <= 1);
                    group_count += 1;
                }
            }
        }
        let share = |count: usize, total: usize| (total > 0).then(|| count as f64 / total as f64);
        metrics.gender_accuracy = share(gender_right, metrics.estimated);
        metrics.age_mae = (years_count > 0).then(|| abs_error / years_count as f64);
        metrics.age_cs5 = share(within, years_count);
        metrics.group_exact = share(exact, group_count);
        metrics.group_one_off = share(one_off, group_count);
        metrics
    }
}

/// Every figure of an evaluation: overall, per age band, per gender.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Over all images.
    pub overall: Metrics,
    /// Per age band, in [`AGE_BANDS`] order (empty bands left out).
    pub by_age_band: Vec<(String, Metrics)>,
    /// Per true gender.
    pub by_gender: Vec<(String, Metrics)>,
}

impl Report {
    /// Builds the report of `outcomes`.
    pub fn new(outcomes: &[Outcome]) -> Self {
        let by_age_band = AGE_BANDS
            .iter()
            .map(|(band, _, _)| {
                (
                    band.to_string(),
                    Metrics::over(outcomes.iter().filter(|o| age_band_of(o.age) == *band)),
                )
            })
            .filter(|(_, metrics)| metrics.images > 0)
            .collect();
        let by_gender = [Gender::Male, Gender::Female]
            .iter()
            .map(|gender| {
                (
                    gender.to_string(),
                    Metrics::over(outcomes.iter().filter(|o| o.gender == *gender)),
                )
            })
            .filter(|(_, metrics)| metrics.images > 0)
            .collect();
        Self {
            overall: Metrics::over(outcomes),
            by_age_band,
            by_gender,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn years(gender: Gender, age: f32) -> Option<Estimate> {
        Some(Estimate::from_ssrnet(
            if gender == Gender::Male { 1.0 } else { 0.0 },
            age,
        ))
    }

    fn group(index: usize) -> Option<Estimate> {
        Some(Estimate {
            gender: Gender::Male,
            gender_score: 1.0,
            gender_probabilities: Some([1.0, 0.0]),
            age: AgeEstimate::Group {
                index,
                probabilities: [0.0; 8],
            },
            age_uncertainty: None,
        })
    }

    #[test]
    fn ages_between_groups_go_to_the_nearer_group_ties_to_the_younger() {
        let expected = [
            (0, 0),
            (2, 0),
            (3, 0),
            (4, 1),
            (7, 1),
            (8, 2),
            (13, 2),
            (14, 3),
            (22, 3),
            (23, 4),
            (35, 4),
            (36, 5),
            (45, 5),
            (46, 6),
            (56, 6),
            (57, 7),
            (100, 7),
            (116, 7),
        ];
        for (age, group) in expected {
            assert_eq!(age_group_of(age), group, "age {age}");
        }
    }

    #[test]
    fn years_metrics_count_exactly() {
        let outcomes = [
            Outcome {
                age: 30,
                gender: Gender::Male,
                estimate: years(Gender::Male, 33.0),
                fallback: false,
            },
            Outcome {
                age: 10,
                gender: Gender::Female,
                estimate: years(Gender::Male, 20.0),
                fallback: false,
            },
            Outcome {
                age: 50,
                gender: Gender::Female,
                estimate: None,
                fallback: false,
            },
        ];
        let metrics = Metrics::over(&outcomes);
        assert_eq!(
            (metrics.images, metrics.misses, metrics.estimated),
            (3, 1, 2)
        );
        assert_eq!(metrics.gender_accuracy, Some(0.5));
        assert_eq!(metrics.age_mae, Some(6.5));
        assert_eq!(metrics.age_cs5, Some(0.5));
        assert_eq!(metrics.group_exact, None);
    }

    #[test]
    fn group_metrics_count_exact_and_one_off() {
        let outcomes = [
            Outcome {
                age: 30,
                gender: Gender::Male,
                estimate: group(4),
                fallback: false,
            },
            Outcome {
                age: 30,
                gender: Gender::Male,
                estimate: group(5),
                fallback: false,
            },
            Outcome {
                age: 30,
                gender: Gender::Female,
                estimate: group(2),
                fallback: false,
            },
        ];
        let metrics = Metrics::over(&outcomes);
        assert_eq!(metrics.group_exact, Some(1.0 / 3.0));
        assert_eq!(metrics.group_one_off, Some(2.0 / 3.0));
        assert_eq!(metrics.gender_accuracy, Some(2.0 / 3.0));
        let report = Report::new(&outcomes);
        assert_eq!(report.by_age_band.len(), 1);
        assert_eq!(report.by_age_band[0].0, "30-39");
        assert_eq!(
            report
                .by_gender
                .iter()
                .map(|(g, m)| (g.as_str(), m.images))
                .collect::<Vec<_>>(),
            [("Male", 2), ("Female", 1)]
        );
    }

    #[test]
    fn bands_cover_every_age() {
        assert_eq!(age_band_of(0), "0-2");
        assert_eq!(age_band_of(3), "3-9");
        assert_eq!(age_band_of(69), "60-69");
        assert_eq!(age_band_of(116), "70+");
    }
}
