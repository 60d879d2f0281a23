//! Robust location statistics over a window of ages: median and winsorised mean.

/// Tolerance added to `trim * n` before flooring, so that a trim such as 0.35 (stored as
/// 0.3499999940 in f32) trims 7 of 20 values, as written, rather than 6.
const TRIM_COUNT_TOLERANCE: f64 = 1.0e-6;

/// Median of `values` (mean of the two middle values for an even count); `None` when empty.
pub(crate) fn median(values: &[f32]) -> Option<f32> {
    let sorted = sorted(values);
    let count = sorted.len();
    let upper_middle = *sorted.get(count / 2)?;
    if count % 2 == 1 {
        return Some(upper_middle);
    }
    let lower_middle = *sorted.get(count / 2 - 1)?;
    Some(((f64::from(lower_middle) + f64::from(upper_middle)) / 2.0) as f32)
}

/// Winsorised mean of `values`: the `floor(trim * n)` smallest values are replaced by the next
/// smallest one, the same number of largest values by the next largest one, then the mean is
/// taken. `trim` must be in `[0, 0.5)`; `None` when empty.
pub(crate) fn winsorised_mean(values: &[f32], trim: f32) -> Option<f32> {
    let sorted = sorted(values);
    let count = sorted.len();
    let trimmed = ((f64::from(trim) * count as f64 + TRIM_COUNT_TOLERANCE).floor() as usize)
        .min(count.saturating_sub(1) / 2);
    let low = *sorted.get(trimmed)?;
    let high = *sorted.get(count - 1 - trimmed)?;
    let sum: f64 = sorted
        .iter()
        .map(|&value| f64::from(value.clamp(low, high)))
        .sum();
    Some((sum / count as f64) as f32)
}

/// Mean of `values` computed in f64; `None` when empty.
pub(crate) fn mean(values: impl Iterator<Item = f32>) -> Option<f32> {
    let (sum, count) = values.fold((0.0_f64, 0_usize), |(sum, count), value| {
        (sum + f64::from(value), count + 1)
    });
    (count > 0).then(|| (sum / count as f64) as f32)
}

/// Index of the largest value, the first one on ties (as `numpy.argmax`); NaNs never win.
pub(crate) fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (index, &value) in values.iter().enumerate() {
        if values
            .get(best)
            .is_none_or(|&current| value > current || current.is_nan())
        {
            best = index;
        }
    }
    best
}

fn sorted(values: &[f32]) -> Vec<f32> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f32::total_cmp);
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[31.0, 50.0, 29.0]), Some(31.0));
        assert_eq!(median(&[31.0, 50.0, 29.0, 30.0]), Some(30.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn winsorised_mean_clamps_the_extremes() {
        // Sorted: 29 30 31 32 50; trim 0.2 of 5 = 1 value each side -> 30 30 31 32 32.
        assert_eq!(
            winsorised_mean(&[30.0, 31.0, 50.0, 29.0, 32.0], 0.2),
            Some(31.0)
        );
        // No trimming is the plain mean.
        assert_eq!(winsorised_mean(&[1.0, 2.0, 6.0], 0.0), Some(3.0));
        assert_eq!(winsorised_mean(&[], 0.2), None);
    }

    #[test]
    fn winsorised_trim_count_is_not_lost_to_f32_rounding() {
        // 0.35 * 20 = 7 values each side: 0..=6 become 7 and 13..=19 become 12.
        let values: Vec<f32> = (0..20).map(|v| v as f32).collect();
        let expected = (7.0 * 7.0 + (7..=12).sum::<i32>() as f64 + 7.0 * 12.0) / 20.0;
        assert_eq!(winsorised_mean(&values, 0.35), Some(expected as f32));
    }

    #[test]
    fn argmax_takes_the_first_maximum_and_ignores_nan() {
        assert_eq!(argmax(&[0.1, 0.4, 0.4, 0.1]), 1);
        assert_eq!(argmax(&[f32::NAN, 0.2, 0.3]), 2);
        assert_eq!(argmax(&[]), 0);
    }

    #[test]
    fn mean_is_none_for_nothing() {
        assert_eq!(mean([1.0, 2.0].into_iter()), Some(1.5));
        assert_eq!(mean(std::iter::empty()), None);
    }
}
