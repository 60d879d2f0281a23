//! The evaluation report as a Markdown table (stdout) or JSON (`--json`).

use std::fmt::Write as _;

use super::metrics::{Metrics, Report};

/// Formats a share as a percentage with one decimal, `-` when not applicable.
fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

/// Formats a number of years with two decimals, `-` when not applicable.
fn years(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"))
}

/// The report as Markdown: one table with a row for all images, each age band and each gender.
pub fn markdown(title: &str, report: &Report) -> String {
    let groups = report.overall.group_exact.is_some();
    let mut out = format!("### {title}\n\n");
    if groups {
        out.push_str("| subset | images | misses | gender acc. | age group exact | age group one-off |\n|---|---:|---:|---:|---:|---:|\n");
    } else {
        out.push_str("| subset | images | misses | gender acc. | age MAE (years) | age CS@5 |\n|---|---:|---:|---:|---:|---:|\n");
    }
    let mut row = |name: &str, m: &Metrics| {
        let (first, second) = if groups {
            (percent(m.group_exact), percent(m.group_one_off))
        } else {
            (years(m.age_mae), percent(m.age_cs5))
        };
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {first} | {second} |",
            m.images,
            m.misses,
            percent(m.gender_accuracy)
        );
    };
    row("**all**", &report.overall);
    for (band, metrics) in &report.by_age_band {
        row(&format!("age {band}"), metrics);
    }
    for (gender, metrics) in &report.by_gender {
        row(gender, metrics);
    }
    out
}

#[cfg(test)]
mod tests {
    use face::{Estimate, Gender};

    use super::super::metrics::Outcome;
    use super::*;

    #[test]
    fn markdown_has_a_row_per_subset_with_the_figures() {
        let outcomes = [
            Outcome {
                age: 30,
                gender: Gender::Male,
                estimate: Some(Estimate::from_ssrnet(0.9, 33.0)),
                fallback: false,
            },
            Outcome {
                age: 5,
                gender: Gender::Female,
                estimate: None,
                fallback: false,
            },
        ];
        let text = markdown("ssrnet", &Report::new(&outcomes));
        assert!(
            text.contains("| **all** | 2 | 1 | 100.0% | 3.00 | 100.0% |"),
            "{text}"
        );
        assert!(text.contains("| age 3-9 | 1 | 1 | - | - | - |"), "{text}");
        assert!(text.contains("| Female | 1 | 1 |"), "{text}");
    }
}
