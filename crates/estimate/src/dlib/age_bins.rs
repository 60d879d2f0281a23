//! [`AgeDistribution`]: the dlib age net's 81 probabilities as an age and its spread.

/// Number of the age net's output bins (manifest: output shape `[N, 81]`).
pub const AGE_BIN_COUNT: usize = 81;

/// The age each bin stands for (manifest: `age_weights`): 0.25 for the first bin (babies), then
/// 1, 2, ... 80 years.
pub const AGE_BIN_YEARS: [f32; AGE_BIN_COUNT] = {
    let mut years = [0f32; AGE_BIN_COUNT];
    years[0] = 0.25;
    let mut bin = 1;
    while bin < AGE_BIN_COUNT {
        years[bin] = bin as f32;
        bin += 1;
    }
    years
};

/// The age net's distribution over ages for one face, summarised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgeDistribution {
    /// The expected age in years: the sum of each bin's age times its probability.
    pub mean_years: f32,
    /// The standard deviation of the distribution, in years: how sure the net is.
    pub spread_years: f32,
}

impl AgeDistribution {
    /// Summarises one face's `AGE_BIN_COUNT` probabilities (renormalised, so rounding in the
    /// softmax does not bias the age).
    pub fn from_probabilities(probabilities: &[f32]) -> Self {
        let total: f64 = probabilities.iter().map(|&p| f64::from(p)).sum();
        let weight = |p: f32| {
            if total > 0.0 {
                f64::from(p) / total
            } else {
                0.0
            }
        };
        let mean: f64 = probabilities
            .iter()
            .zip(AGE_BIN_YEARS)
            .map(|(&p, years)| weight(p) * f64::from(years))
            .sum();
        let variance: f64 = probabilities
            .iter()
            .zip(AGE_BIN_YEARS)
            .map(|(&p, years)| weight(p) * (f64::from(years) - mean).powi(2))
            .sum();
        Self {
            mean_years: mean as f32,
            spread_years: variance.max(0.0).sqrt() as f32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certain_bin_has_its_age_and_no_spread() {
        let mut probabilities = [0f32; AGE_BIN_COUNT];
        probabilities[33] = 1.0;
        let age = AgeDistribution::from_probabilities(&probabilities);
        assert_eq!(age.mean_years, 33.0);
        assert_eq!(age.spread_years, 0.0);
        probabilities[33] = 0.0;
        probabilities[0] = 1.0;
        assert_eq!(
            AgeDistribution::from_probabilities(&probabilities).mean_years,
            0.25
        );
    }

    #[test]
    fn two_bins_give_their_mean_and_half_their_distance() {
        let mut probabilities = [0f32; AGE_BIN_COUNT];
        probabilities[20] = 0.5;
        probabilities[40] = 0.5;
        let age = AgeDistribution::from_probabilities(&probabilities);
        assert!((age.mean_years - 30.0).abs() < 1e-5);
        assert!((age.spread_years - 10.0).abs() < 1e-5);
        let nothing = AgeDistribution::from_probabilities(&[0.0; AGE_BIN_COUNT]);
        assert_eq!(nothing.mean_years, 0.0);
    }
}
