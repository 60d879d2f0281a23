//! Decisions the estimators share: numpy's `argmax` and the mean of two estimates of one face.

use face::{AGE_GROUP_COUNT, AgeEstimate, Estimate, Gender};

/// Index of the largest value, the first one on ties, or of the first NaN: numpy's `argmax`,
/// which the original program used.
pub(crate) fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v.is_nan() {
            return i;
        }
        if values.get(best).is_some_and(|&b| v > b) {
            best = i;
        }
    }
    best
}

/// The mean of two estimates of the same face by the same estimator (e.g. of the face and
/// its mirror image): scores, probabilities and ages averaged, the gender and the age group
/// decided again from the averages as the estimator decides them.
pub(crate) fn mean_of(one: &Estimate, other: &Estimate) -> Estimate {
    let mean = |a: f32, b: f32| (a + b) / 2.0;
    let gender_score = mean(one.gender_score, other.gender_score);
    let gender_probabilities = match (one.gender_probabilities, other.gender_probabilities) {
        (Some(a), Some(b)) => Some([mean(a[0], b[0]), mean(a[1], b[1])]),
        _ => None,
    };
    let gender = match gender_probabilities {
        // [Male, Female]: Male when it is at least as probable, as argmax takes the first.
        Some([male, female]) => {
            if male >= female {
                Gender::Male
            } else {
                Gender::Female
            }
        }
        None => Gender::from_ssrnet_score(gender_score),
    };
    let age = match (one.age, other.age) {
        (AgeEstimate::Years(a), AgeEstimate::Years(b)) => AgeEstimate::Years(mean(a, b)),
        (
            AgeEstimate::Group {
                probabilities: a, ..
            },
            AgeEstimate::Group {
                probabilities: b, ..
            },
        ) => {
            let mut probabilities = [0f32; AGE_GROUP_COUNT];
            for (out, (x, y)) in probabilities.iter_mut().zip(a.iter().zip(&b)) {
                *out = mean(*x, *y);
            }
            let index = argmax(&probabilities);
            AgeEstimate::Group {
                index,
                probabilities,
            }
        }
        (first, _) => first,
    };
    let age_uncertainty = match (one.age_uncertainty, other.age_uncertainty) {
        (Some(a), Some(b)) => Some(mean(a, b)),
        (first, second) => first.or(second),
    };
    Estimate {
        gender,
        gender_score,
        gender_probabilities,
        age,
        age_uncertainty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mean_of_two_estimates_decides_again() {
        let a = Estimate::from_probability(0.8, 30.0, Some(2.0));
        let b = Estimate::from_probability(0.1, 40.0, Some(4.0));
        let mean = mean_of(&a, &b);
        assert_eq!(mean.gender, Gender::Female);
        assert!((mean.gender_score - 0.45).abs() < 1e-6);
        assert_eq!(mean.age, AgeEstimate::Years(35.0));
        assert_eq!(mean.age_uncertainty, Some(3.0));
        let mut young = [0.0; AGE_GROUP_COUNT];
        young[1] = 1.0;
        let mut old = [0.0; AGE_GROUP_COUNT];
        old[6] = 0.6;
        old[1] = 0.4;
        let group = |probabilities| Estimate {
            gender: Gender::Male,
            gender_score: 1.0,
            gender_probabilities: Some([1.0, 0.0]),
            age: AgeEstimate::Group {
                index: 0,
                probabilities,
            },
            age_uncertainty: None,
        };
        let mean = mean_of(&group(young), &group(old));
        assert_eq!(mean.age.group_label(), Some("(4-6)"));
        assert_eq!(mean.gender, Gender::Male);
    }
}
