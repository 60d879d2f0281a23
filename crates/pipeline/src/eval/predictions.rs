//! Another program's answers on a labelled set (`app eval --predictions FILE`), scored by the
//! same figures as our own: CSV with the header `path,age,gender,male_probability`, paths as in
//! the labels file, gender `M` or `F`, the three values empty for a photo where it found no face.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Context, Result, bail_run};
use face::{Estimate, Gender};

use super::labels::LabelledImage;
use super::metrics::Outcome;

/// Header every predictions file starts with.
const EXPECTED_HEADER: &str = "path,age,gender,male_probability";

/// Reads `csv_path` and pairs each labelled image with its prediction, in label order. A
/// labelled image the file does not mention is an error (a prediction file of another set).
pub fn read_predictions(csv_path: &Path, labels: &[LabelledImage]) -> Result<Vec<Outcome>> {
    let text = std::fs::read_to_string(csv_path)
        .with_context(|| format!("cannot read the predictions file {}", csv_path.display()))?;
    let base = csv_path.parent().unwrap_or_else(|| Path::new(""));
    let predictions = parse(&text, csv_path)?;
    labels
        .iter()
        .map(|image| {
            let key = relative_key(&image.path);
            let estimate = predictions.get(&key).with_context(|| {
                format!(
                    "{} has no line for {key} of the labels file; give the predictions of the \
                     same photos (base folder {})",
                    csv_path.display(),
                    base.display()
                )
            })?;
            Ok(Outcome {
                age: image.age,
                gender: image.gender,
                estimate: *estimate,
                fallback: false,
            })
        })
        .collect()
}

/// The last two components of a path (`img/0001.jpg`), which is how both files name a photo.
fn relative_key(path: &Path) -> String {
    let parts: Vec<_> = path.components().rev().take(2).collect();
    parts
        .iter()
        .rev()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Parses the predictions, keyed like [`relative_key`].
fn parse(text: &str, csv_path: &Path) -> Result<HashMap<String, Option<Estimate>>> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty());
    match lines.next() {
        Some((_, header)) if header.trim() == EXPECTED_HEADER => {}
        other => bail_run!(
            "{}: the first line must be the header {EXPECTED_HEADER:?}, found {:?}",
            csv_path.display(),
            other.map(|(_, line)| line)
        ),
    }
    let mut predictions = HashMap::new();
    for (index, line) in lines {
        let at = || format!("{} line {}", csv_path.display(), index + 1);
        let fields: Vec<&str> = line.trim().split(',').collect();
        let [path, age, gender, male_probability] = fields[..] else {
            bail_run!("{}: expected 4 fields, found {}", at(), fields.len());
        };
        let estimate = if age.is_empty() && gender.is_empty() {
            None
        } else {
            let age: f32 = age
                .parse()
                .with_context(|| format!("{}: age {age:?} is not a number", at()))?;
            let gender = match gender {
                "M" => Gender::Male,
                "F" => Gender::Female,
                other => bail_run!("{}: gender must be M or F, found {other:?}", at()),
            };
            let male = if male_probability.is_empty() {
                if gender == Gender::Male { 1.0 } else { 0.0 }
            } else {
                male_probability.parse().with_context(|| {
                    format!(
                        "{}: male_probability {male_probability:?} is not a number",
                        at()
                    )
                })?
            };
            let mut estimate = Estimate::from_probability(male, age, None);
            // The program's own decision stands, whatever its probability rounding.
            estimate.gender = gender;
            Some(estimate)
        };
        predictions.insert(relative_key(Path::new(path)), estimate);
    }
    Ok(predictions)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn predictions_pair_with_labels_and_misses_stay_misses() {
        let text = "path,age,gender,male_probability\nimg/a.jpg,31,M,0.9\nimg/b.jpg,,,\n";
        let predictions = parse(text, Path::new("p.csv")).unwrap();
        let a = predictions["img/a.jpg"].unwrap();
        assert_eq!(a.gender, Gender::Male);
        assert_eq!(a.age.years(), Some(31.0));
        assert!(predictions["img/b.jpg"].is_none());
        let labels = [LabelledImage {
            path: PathBuf::from("/data/set/img/a.jpg"),
            age: 30,
            gender: Gender::Male,
        }];
        assert_eq!(relative_key(&labels[0].path), "img/a.jpg");
    }

    #[test]
    fn malformed_lines_name_the_file_and_line() {
        let error = parse(
            "path,age,gender,male_probability\nimg/a.jpg,old,M,0.9\n",
            Path::new("p.csv"),
        )
        .unwrap_err();
        assert!(error.to_string().contains("p.csv line 2"), "{error}");
        assert!(parse("path,age\n", Path::new("p.csv")).is_err());
        let error = parse(
            "path,age,gender,male_probability\nimg/a.jpg,3,X,0.9\n",
            Path::new("p.csv"),
        )
        .unwrap_err();
        assert!(error.to_string().contains("M or F"), "{error}");
    }
}
