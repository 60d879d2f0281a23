//! A track's gender evidence and the accumulated gender it yields.

use super::GenderSmoothing;
use super::stats::mean;
use super::window::SlidingWindow;
use face::{Estimate, Gender};

/// Smoothed gender plus whether a smoothing mode produced it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SmoothedGender {
    /// Gender to display.
    pub gender: Gender,
    /// Score behind it.
    pub score: f32,
    /// `[P(Male), P(Female)]` behind it, if known.
    pub probabilities: Option<[f32; 2]>,
    /// False when the fields are the latest observation verbatim.
    pub smoothed: bool,
}

/// One observation's gender evidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct GenderEvidence {
    score: f32,
    probabilities: Option<[f32; 2]>,
}

impl GenderEvidence {
    /// The probabilities, or `[score, 1 - score]` when the estimator gave only a score.
    fn probabilities_or_from_score(&self) -> [f32; 2] {
        self.probabilities.unwrap_or([self.score, 1.0 - self.score])
    }
}

/// One track's gender accumulation state.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum GenderSmoother {
    /// No history: the latest gender verbatim.
    None,
    /// Mean score over a window.
    MeanScore(SlidingWindow<GenderEvidence>),
    /// Summed probabilities over a window.
    SummedProbabilities(SlidingWindow<GenderEvidence>),
}

impl GenderSmoother {
    /// Empty history for the given mode.
    pub(crate) fn new(mode: GenderSmoothing) -> Self {
        match mode {
            GenderSmoothing::None => Self::None,
            GenderSmoothing::MeanScore { window } => Self::MeanScore(SlidingWindow::new(window)),
            GenderSmoothing::SummedProbabilities { window } => {
                Self::SummedProbabilities(SlidingWindow::new(window))
            }
        }
    }

    /// Adds the latest observation's gender evidence and returns the gender to display.
    pub(crate) fn push(&mut self, observation: &Estimate) -> SmoothedGender {
        let evidence = GenderEvidence {
            score: observation.gender_score,
            probabilities: observation.gender_probabilities,
        };
        match self {
            Self::None => SmoothedGender {
                gender: observation.gender,
                score: observation.gender_score,
                probabilities: observation.gender_probabilities,
                smoothed: false,
            },
            Self::MeanScore(window) => {
                window.push(evidence);
                let score = mean_score(window, evidence.score);
                SmoothedGender {
                    gender: Gender::from_ssrnet_score(score),
                    score,
                    probabilities: mean_probabilities(window, |e| e.probabilities),
                    smoothed: true,
                }
            }
            Self::SummedProbabilities(window) => {
                window.push(evidence);
                let probabilities =
                    mean_probabilities(window, |e| Some(e.probabilities_or_from_score()))
                        .unwrap_or_else(|| evidence.probabilities_or_from_score());
                // Comparing the means compares the sums (same positive divisor); ties go to
                // Male, the first class, as numpy.argmax does.
                let [male, female] = probabilities;
                SmoothedGender {
                    gender: if male >= female {
                        Gender::Male
                    } else {
                        Gender::Female
                    },
                    score: mean_score(window, evidence.score),
                    probabilities: Some(probabilities),
                    smoothed: true,
                }
            }
        }
    }
}

fn mean_score(window: &SlidingWindow<GenderEvidence>, latest: f32) -> f32 {
    mean(window.iter().map(|e| e.score)).unwrap_or(latest)
}

/// Mean of `[P(Male), P(Female)]` over the window; `None` if any observation has none.
fn mean_probabilities(
    window: &SlidingWindow<GenderEvidence>,
    probabilities: impl Fn(&GenderEvidence) -> Option<[f32; 2]>,
) -> Option<[f32; 2]> {
    let all: Option<Vec<[f32; 2]>> = window.iter().map(probabilities).collect();
    let all = all?;
    Some([
        mean(all.iter().map(|p| p[0]))?,
        mean(all.iter().map(|p| p[1]))?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use face::AgeEstimate;

    fn ssrnet(score: f32) -> Estimate {
        Estimate::from_ssrnet(score, 30.0)
    }

    fn caffe(male: f32, female: f32) -> Estimate {
        Estimate {
            gender: if male >= female {
                Gender::Male
            } else {
                Gender::Female
            },
            gender_score: male,
            gender_probabilities: Some([male, female]),
            age: AgeEstimate::Years(30.0),
            age_uncertainty: None,
        }
    }

    #[test]
    fn none_returns_the_latest_gender_verbatim_even_if_inconsistent() {
        let mut smoother = GenderSmoother::new(GenderSmoothing::None);
        // The estimator's own decision wins, whatever the score says.
        let mut observation = ssrnet(0.9);
        observation.gender = Gender::Female;
        let out = smoother.push(&observation);
        assert_eq!(
            out,
            SmoothedGender {
                gender: Gender::Female,
                score: 0.9,
                probabilities: None,
                smoothed: false
            }
        );
    }

    #[test]
    fn mean_score_outvotes_a_single_flip() {
        let mut smoother = GenderSmoother::new(GenderSmoothing::MeanScore { window: 3 });
        let genders: Vec<(Gender, f32)> = [0.75, 0.25, 0.5, 0.0, 0.0]
            .iter()
            .map(|&score| {
                let out = smoother.push(&ssrnet(score));
                (out.gender, out.score)
            })
            .collect();
        // Means: 0.75, 0.5, 0.5, 0.25, 0.1666..
        assert_eq!(
            genders,
            vec![
                (Gender::Male, 0.75),
                (Gender::Male, 0.5),
                (Gender::Male, 0.5),
                (Gender::Female, 0.25),
                (Gender::Female, (0.5_f64 / 3.0) as f32),
            ]
        );
    }

    #[test]
    fn summed_probabilities_accumulate_caffe_evidence() {
        let mut smoother = GenderSmoother::new(GenderSmoothing::SummedProbabilities { window: 3 });
        let first = smoother.push(&caffe(0.75, 0.25));
        assert_eq!(first.gender, Gender::Male);
        assert_eq!(first.probabilities, Some([0.75, 0.25]));
        // Sums [1.0, 1.0]: a tie goes to Male.
        let second = smoother.push(&caffe(0.25, 0.75));
        assert_eq!(second.gender, Gender::Male);
        assert_eq!(second.probabilities, Some([0.5, 0.5]));
        // Sums [1.25, 1.75].
        let third = smoother.push(&caffe(0.25, 0.75));
        assert_eq!(third.gender, Gender::Female);
        assert_eq!(third.probabilities, Some([1.25 / 3.0, 1.75 / 3.0]));
        assert_eq!(third.score, 1.25 / 3.0);
        assert!(third.smoothed);
    }

    #[test]
    fn summed_probabilities_derive_probabilities_from_a_bare_score() {
        let mut smoother = GenderSmoother::new(GenderSmoothing::SummedProbabilities { window: 2 });
        smoother.push(&ssrnet(0.75));
        let out = smoother.push(&ssrnet(0.125));
        assert_eq!(out.probabilities, Some([0.4375, 0.5625]));
        assert_eq!(out.gender, Gender::Female);
    }

    #[test]
    fn mean_score_keeps_probabilities_only_when_every_observation_has_them() {
        let mut smoother = GenderSmoother::new(GenderSmoothing::MeanScore { window: 2 });
        assert_eq!(
            smoother.push(&caffe(0.5, 0.5)).probabilities,
            Some([0.5, 0.5])
        );
        assert_eq!(smoother.push(&ssrnet(0.5)).probabilities, None);
    }
}
