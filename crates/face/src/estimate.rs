//! What an estimator says about a face: [`Estimate`], with [`Gender`] and [`AgeEstimate`].

use std::fmt;

/// Number of age groups of the Levi & Hassner Caffe age net.
pub const AGE_GROUP_COUNT: usize = 8;

/// Labels of the Caffe age net's classes, in output order (`Ages` in the original program).
pub const AGE_GROUPS: [&str; AGE_GROUP_COUNT] = [
    "(0-2)", "(4-6)", "(8-12)", "(15-20)", "(25-32)", "(38-43)", "(48-53)", "(60-100)",
];

/// SSR-Net gender scores at or above this are Male (`gender >= 0.5` in the original program).
pub const SSRNET_MALE_THRESHOLD: f32 = 0.5;

/// A probability of Male at or above this is Male (the aligned estimators).
pub const MALE_PROBABILITY_THRESHOLD: f32 = 0.5;

/// Estimated gender of a face.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Displayed as "Male".
    Male,
    /// Displayed as "Female".
    Female,
}

impl Gender {
    /// Gender from an SSR-Net gender output: Male when `score >= 0.5` (NaN is Female, as in
    /// Python).
    pub fn from_ssrnet_score(score: f32) -> Self {
        if score >= SSRNET_MALE_THRESHOLD {
            Self::Male
        } else {
            Self::Female
        }
    }

    /// `"Male"` or `"Female"`: the text of labels and output files.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Male => "Male",
            Self::Female => "Female",
        }
    }
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Estimated age: a number of years (SSR-Net) or one of [`AGE_GROUPS`] (Caffe nets).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AgeEstimate {
    /// Age in years, the raw regression output.
    Years(f32),
    /// Most probable age group.
    Group {
        /// Index into [`AGE_GROUPS`] of the most probable group.
        index: usize,
        /// Softmax probability of every group, in [`AGE_GROUPS`] order.
        probabilities: [f32; AGE_GROUP_COUNT],
    },
}

impl AgeEstimate {
    /// The age in years (SSR-Net), or `None` for an age group.
    pub fn years(&self) -> Option<f32> {
        match self {
            Self::Years(years) => Some(*years),
            Self::Group { .. } => None,
        }
    }

    /// The label of the age group (Caffe nets), or `None` for years or an index out of range.
    pub fn group_label(&self) -> Option<&'static str> {
        match self {
            Self::Years(_) => None,
            Self::Group { index, .. } => AGE_GROUPS.get(*index).copied(),
        }
    }

    /// Text as the original program printed it: whole years truncated toward zero like Python's
    /// `int()` (`"32"`), or the group (`"(25-32)"`; `"?"` for an index out of range).
    pub fn label(&self) -> String {
        match self {
            Self::Years(years) => format!("{}", years.trunc() as i64),
            Self::Group { .. } => self.group_label().unwrap_or("?").to_owned(),
        }
    }
}

/// Gender and age estimated for one face.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The decided gender.
    pub gender: Gender,
    /// SSR-Net: the raw gender output (>= 0.5 is Male). Caffe: the probability of Male.
    pub gender_score: f32,
    /// Caffe only: softmax probabilities `[Male, Female]`.
    pub gender_probabilities: Option<[f32; 2]>,
    /// The estimated age.
    pub age: AgeEstimate,
    /// How uncertain the age in years is: the standard deviation (years) of the age net's
    /// distribution over ages (dlib), of the estimators combined (ensemble); `None` where the
    /// net gives no such figure (SSR-Net, Caffe, face-api.js alone).
    pub age_uncertainty: Option<f32>,
}

impl Estimate {
    /// Builds an SSR-Net estimate from the raw outputs of the gender and age nets.
    pub fn from_ssrnet(gender_score: f32, age_years: f32) -> Self {
        Self {
            gender: Gender::from_ssrnet_score(gender_score),
            gender_score,
            gender_probabilities: None,
            age: AgeEstimate::Years(age_years),
            age_uncertainty: None,
        }
    }

    /// An estimate from a probability of Male (Male at 0.5 or more) and an age in years with
    /// its uncertainty: what the dlib, face-api.js and ensemble estimators give.
    pub fn from_probability(
        male_probability: f32,
        age_years: f32,
        age_uncertainty: Option<f32>,
    ) -> Self {
        Self {
            gender: if male_probability >= MALE_PROBABILITY_THRESHOLD {
                Gender::Male
            } else {
                Gender::Female
            },
            gender_score: male_probability,
            gender_probabilities: Some([male_probability, 1.0 - male_probability]),
            age: AgeEstimate::Years(age_years),
            age_uncertainty,
        }
    }

    /// The label the original program drew: `"Male,32"` or `"Female,(25-32)"`.
    pub fn label(&self) -> String {
        format!("{},{}", self.gender, self.age.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssrnet_labels_truncate_like_python_int() {
        assert_eq!(Estimate::from_ssrnet(1.0, 35.695).label(), "Male,35");
        assert_eq!(Estimate::from_ssrnet(0.4999, 38.99).label(), "Female,38");
        assert_eq!(Estimate::from_ssrnet(0.5, -0.7).label(), "Male,0");
        assert_eq!(Estimate::from_ssrnet(f32::NAN, 1.0).gender, Gender::Female);
    }

    #[test]
    fn group_labels_name_the_caffe_classes() {
        let age = AgeEstimate::Group {
            index: 4,
            probabilities: [0.0; AGE_GROUP_COUNT],
        };
        assert_eq!(age.label(), "(25-32)");
        assert_eq!(age.years(), None);
        let estimate = Estimate {
            gender: Gender::Female,
            gender_score: 0.1,
            gender_probabilities: Some([0.1, 0.9]),
            age,
            age_uncertainty: None,
        };
        assert_eq!(estimate.label(), "Female,(25-32)");
        let broken = AgeEstimate::Group {
            index: 8,
            probabilities: [0.0; AGE_GROUP_COUNT],
        };
        assert_eq!(broken.label(), "?");
    }

    #[test]
    fn probabilities_decide_the_gender_at_one_half() {
        let estimate = Estimate::from_probability(0.5, 31.5, Some(4.0));
        assert_eq!(estimate.gender, Gender::Male);
        assert_eq!(estimate.gender_probabilities, Some([0.5, 0.5]));
        assert_eq!(estimate.label(), "Male,31");
        assert_eq!(
            Estimate::from_probability(0.49, 3.0, None).gender,
            Gender::Female
        );
    }
}
