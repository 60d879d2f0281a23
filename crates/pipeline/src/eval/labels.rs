//! The labels file of `app eval`: CSV with a header `path,age,gender`, paths relative to the file,
//! gender `M` or `F`.

use std::path::{Path, PathBuf};

use crate::error::{Context, Result, bail_run};
use face::Gender;

/// Header every labels file starts with.
const EXPECTED_HEADER: &str = "path,age,gender";

/// One labelled image.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledImage {
    /// Image path, resolved against the labels file's directory.
    pub path: PathBuf,
    /// True age in years.
    pub age: u32,
    /// True gender.
    pub gender: Gender,
}

/// Reads and checks a labels file; every error names the file and line.
pub fn read_labels(csv_path: &Path) -> Result<Vec<LabelledImage>> {
    let text = std::fs::read_to_string(csv_path)
        .with_context(|| format!("cannot read the labels file {}", csv_path.display()))?;
    parse_labels(&text, csv_path)
}

/// Parses the text of a labels file found at `csv_path`.
pub fn parse_labels(text: &str, csv_path: &Path) -> Result<Vec<LabelledImage>> {
    let base = csv_path.parent().unwrap_or_else(|| Path::new(""));
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty());
    match lines.next() {
        Some((_, header)) if header.trim() == EXPECTED_HEADER => {}
        Some((_, header)) => bail_run!(
            "{}: the first line must be the header {EXPECTED_HEADER:?}, found {header:?}",
            csv_path.display()
        ),
        None => bail_run!(
            "{}: the labels file is empty; expected the header {EXPECTED_HEADER:?}",
            csv_path.display()
        ),
    }
    let images = lines
        .map(|(index, line)| {
            parse_line(line, base)
                .with_context(|| format!("{} line {}", csv_path.display(), index + 1))
        })
        .collect::<Result<Vec<_>>>()?;
    if images.is_empty() {
        bail_run!(
            "{}: no labelled images after the header",
            csv_path.display()
        );
    }
    Ok(images)
}

fn parse_line(line: &str, base: &Path) -> Result<LabelledImage> {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    let [path, age, gender] = fields.as_slice() else {
        bail_run!(
            "expected 3 fields `path,age,gender`, found {}: {line:?}",
            fields.len()
        );
    };
    let age: u32 = age
        .parse()
        .with_context(|| format!("age {age:?} is not a whole number of years"))?;
    let gender = match *gender {
        "M" | "m" => Gender::Male,
        "F" | "f" => Gender::Female,
        other => bail_run!("gender {other:?} must be M or F"),
    };
    Ok(LabelledImage {
        path: base.join(path),
        age,
        gender,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_paths_relative_to_the_file() {
        let images = parse_labels(
            "path,age,gender\na/1.jpg,31,M\nb.png,4,F\n",
            Path::new("/data/labels.csv"),
        )
        .unwrap();
        assert_eq!(
            images,
            vec![
                LabelledImage {
                    path: PathBuf::from("/data/a/1.jpg"),
                    age: 31,
                    gender: Gender::Male
                },
                LabelledImage {
                    path: PathBuf::from("/data/b.png"),
                    age: 4,
                    gender: Gender::Female
                },
            ]
        );
    }

    #[test]
    fn errors_name_the_line_and_the_value() {
        let err = parse_labels("path,age,gender\na.jpg,3x,M\n", Path::new("l.csv")).unwrap_err();
        assert!(
            crate::error::message_chain(&err).contains("l.csv line 2"),
            "{}",
            crate::error::message_chain(&err)
        );
        assert!(
            crate::error::message_chain(&err).contains("\"3x\""),
            "{}",
            crate::error::message_chain(&err)
        );
        let err = parse_labels("path,age,gender\na.jpg,3,X\n", Path::new("l.csv")).unwrap_err();
        assert!(
            crate::error::message_chain(&err).contains("must be M or F"),
            "{}",
            crate::error::message_chain(&err)
        );
        let err = parse_labels("file,age\n", Path::new("l.csv")).unwrap_err();
        assert!(
            crate::error::message_chain(&err).contains("header"),
            "{}",
            crate::error::message_chain(&err)
        );
        assert!(parse_labels("path,age,gender\n", Path::new("l.csv")).is_err());
    }
}
