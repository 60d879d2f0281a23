//! A track's age history and the smoothed age it yields.

use super::stats::{argmax, median, winsorised_mean};
use super::window::SlidingWindow;
use super::{AgeGroupSmoothing, AgeSmoothing};
use face::{AGE_GROUP_COUNT, AgeEstimate};

/// Smoothed age plus whether a smoothing mode produced it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SmoothedAge {
    /// The age to display.
    pub value: AgeEstimate,
    /// False when `value` is the latest observation verbatim.
    pub smoothed: bool,
}

/// History kept for ages in years.
#[derive(Debug, Clone, PartialEq)]
enum YearsHistory {
    None,
    Ema {
        alpha: f32,
        value: Option<f32>,
    },
    Median(SlidingWindow<f32>),
    WinsorisedMean {
        window: SlidingWindow<f32>,
        trim: f32,
    },
}

/// History kept for age-group probabilities.
#[derive(Debug, Clone, PartialEq)]
enum GroupHistory {
    None,
    Summed(SlidingWindow<[f32; AGE_GROUP_COUNT]>),
}

/// One track's age smoothing state. Years and groups keep separate histories (a run uses one
/// estimator, so a track only ever sees one kind).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AgeSmoother {
    years: YearsHistory,
    groups: GroupHistory,
}

impl AgeSmoother {
    /// Empty history for the given modes.
    pub(crate) fn new(years: AgeSmoothing, groups: AgeGroupSmoothing) -> Self {
        let years = match years {
            AgeSmoothing::None => YearsHistory::None,
            AgeSmoothing::Ema { alpha } => YearsHistory::Ema { alpha, value: None },
            AgeSmoothing::Median { window } => YearsHistory::Median(SlidingWindow::new(window)),
            AgeSmoothing::WinsorisedMean { window, trim } => YearsHistory::WinsorisedMean {
                window: SlidingWindow::new(window),
                trim,
            },
        };
        let groups = match groups {
            AgeGroupSmoothing::None => GroupHistory::None,
            AgeGroupSmoothing::SummedProbabilities { window } => {
                GroupHistory::Summed(SlidingWindow::new(window))
            }
        };
        Self { years, groups }
    }

    /// Adds the latest observed age and returns the age to display.
    pub(crate) fn push(&mut self, age: AgeEstimate) -> SmoothedAge {
        match age {
            AgeEstimate::Years(years) => self.push_years(years),
            AgeEstimate::Group { probabilities, .. } => match &mut self.groups {
                GroupHistory::None => verbatim(age),
                GroupHistory::Summed(window) => {
                    window.push(probabilities);
                    smoothed(summed_groups(window))
                }
            },
        }
    }

    fn push_years(&mut self, years: f32) -> SmoothedAge {
        let value = match &mut self.years {
            YearsHistory::None => return verbatim(AgeEstimate::Years(years)),
            YearsHistory::Ema { alpha, value } => {
                let next =
                    value.map_or(years, |previous| *alpha * years + (1.0 - *alpha) * previous);
                *value = Some(next);
                next
            }
            YearsHistory::Median(window) => {
                window.push(years);
                median(&window.iter().copied().collect::<Vec<_>>()).unwrap_or(years)
            }
            YearsHistory::WinsorisedMean { window, trim } => {
                window.push(years);
                winsorised_mean(&window.iter().copied().collect::<Vec<_>>(), *trim).unwrap_or(years)
            }
        };
        smoothed(AgeEstimate::Years(value))
    }
}

/// The group with the largest summed probability; probabilities reported as window means.
fn summed_groups(window: &SlidingWindow<[f32; AGE_GROUP_COUNT]>) -> AgeEstimate {
    let mut sums = [0.0_f64; AGE_GROUP_COUNT];
    for probabilities in window.iter() {
        for (sum, &probability) in sums.iter_mut().zip(probabilities) {
            *sum += f64::from(probability);
        }
    }
    let count = window.len().max(1) as f64;
    let summed: [f32; AGE_GROUP_COUNT] = sums.map(|sum| sum as f32);
    AgeEstimate::Group {
        index: argmax(&summed),
        probabilities: sums.map(|sum| (sum / count) as f32),
    }
}

fn verbatim(value: AgeEstimate) -> SmoothedAge {
    SmoothedAge {
        value,
        smoothed: false,
    }
}

fn smoothed(value: AgeEstimate) -> SmoothedAge {
    SmoothedAge {
        value,
        smoothed: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn years_through(mode: AgeSmoothing, ages: &[f32]) -> Vec<f32> {
        let mut smoother = AgeSmoother::new(mode, AgeGroupSmoothing::None);
        ages.iter()
            .map(|&age| match smoother.push(AgeEstimate::Years(age)).value {
                AgeEstimate::Years(years) => years,
                AgeEstimate::Group { .. } => f32::NAN,
            })
            .collect()
    }

    #[test]
    fn none_returns_each_age_verbatim() {
        let mut smoother = AgeSmoother::new(AgeSmoothing::None, AgeGroupSmoothing::None);
        let out = smoother.push(AgeEstimate::Years(31.7));
        assert_eq!(out.value, AgeEstimate::Years(31.7));
        assert!(!out.smoothed);
    }

    #[test]
    fn ema_starts_at_the_first_age_and_halves_towards_each_new_one() {
        let ages = [30.0, 34.0, 20.0, 20.0];
        assert_eq!(
            years_through(AgeSmoothing::Ema { alpha: 0.5 }, &ages),
            vec![30.0, 32.0, 26.0, 23.0]
        );
        assert_eq!(
            years_through(AgeSmoothing::Ema { alpha: 1.0 }, &ages),
            ages.to_vec()
        );
    }

    #[test]
    fn median_over_a_window_of_three_ignores_one_outlier() {
        let ages = [30.0, 50.0, 31.0, 29.0, 32.0];
        // Windows: [30] [30 50] [30 50 31] [50 31 29] [31 29 32].
        assert_eq!(
            years_through(AgeSmoothing::Median { window: 3 }, &ages),
            vec![30.0, 40.0, 31.0, 31.0, 31.0]
        );
    }

    #[test]
    fn winsorised_mean_over_a_window_of_five() {
        let ages = [30.0, 31.0, 50.0, 29.0, 32.0, 10.0];
        let mode = AgeSmoothing::WinsorisedMean {
            window: 5,
            trim: 0.2,
        };
        // n = 1..4: no value trimmed (floor(0.2 n) = 0): plain means 30, 30.5, 37, 35.
        // n = 5: [29 30 31 32 50] -> [30 30 31 32 32], mean 31.
        // window [31 50 29 32 10] sorted [10 29 31 32 50] -> [29 29 31 32 32], mean 30.6.
        assert_eq!(
            years_through(mode, &ages),
            vec![30.0, 30.5, 37.0, 35.0, 31.0, 30.6]
        );
    }

    #[test]
    fn summed_group_probabilities_pick_the_largest_sum_not_the_latest_peak() {
        let mut smoother = AgeSmoother::new(
            AgeSmoothing::None,
            AgeGroupSmoothing::SummedProbabilities { window: 2 },
        );
        let group = |index: usize, probabilities: [f32; 8]| AgeEstimate::Group {
            index,
            probabilities,
        };
        let first = smoother.push(group(4, [0.0, 0.0, 0.0, 0.25, 0.75, 0.0, 0.0, 0.0]));
        assert_eq!(
            first.value,
            group(4, [0.0, 0.0, 0.0, 0.25, 0.75, 0.0, 0.0, 0.0])
        );
        assert!(first.smoothed);
        // Sums: group 3 = 0.25 + 0.5 = 0.75, group 4 = 0.75 + 0.25 = 1.0 -> group 4 although
        // the latest frame alone says group 3.
        let second = smoother.push(group(3, [0.0, 0.0, 0.0, 0.5, 0.25, 0.25, 0.0, 0.0]));
        assert_eq!(
            second.value,
            group(4, [0.0, 0.0, 0.0, 0.375, 0.5, 0.125, 0.0, 0.0])
        );
        // Window of 2 forgets the first frame: sums group 3 = 1.0, group 4 = 0.5.
        let third = smoother.push(group(3, [0.0, 0.0, 0.0, 0.5, 0.25, 0.25, 0.0, 0.0]));
        assert_eq!(
            third.value,
            group(3, [0.0, 0.0, 0.0, 0.5, 0.25, 0.25, 0.0, 0.0])
        );
    }

    #[test]
    fn none_group_smoothing_keeps_the_input_index() {
        let mut smoother = AgeSmoother::new(AgeSmoothing::None, AgeGroupSmoothing::None);
        let input = AgeEstimate::Group {
            index: 2,
            probabilities: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.3],
        };
        assert_eq!(smoother.push(input).value, input);
    }
}
