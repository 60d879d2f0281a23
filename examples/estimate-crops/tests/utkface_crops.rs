//! Runs the example on the 324 UTKFace crops and scores its answers against their labels: the
//! example must print one line per crop and estimate as well as `app eval` does on them.

use std::collections::HashMap;
use std::process::Command;

/// `app eval --no-detect` gets 93.5% of these genders right with face-api.js (docs/ACCURACY.md);
/// the example decodes the JPEGs with another library, so a little less is allowed.
const MIN_GENDER_ACCURACY: f64 = 0.90;
/// The same run's mean age error is about 5 years.
const MAX_AGE_MAE: f64 = 6.5;

#[test]
fn faceapi_on_the_utkface_crops_is_as_good_as_the_app() {
    let faces = test_data::testdata("faces");
    let labels: HashMap<String, (f64, String)> = std::fs::read_to_string(faces.join("labels.csv"))
        .expect("labels")
        .lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let name = fields[0].rsplit('/').next().expect("a name").to_owned();
            (
                name,
                (fields[1].parse().expect("an age"), fields[2].to_owned()),
            )
        })
        .collect();
    let output = Command::new(env!("CARGO_BIN_EXE_estimate-crops"))
        .arg(faces.join("utkface"))
        .arg("faceapi")
        .env(test_data::MODELS_ENV, test_data::models_dir())
        .output()
        .expect("the example runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), labels.len(), "one line per crop");
    let (mut right, mut age_error) = (0usize, 0.0);
    for row in &rows {
        let (age, gender) = &labels[row[0]];
        right += usize::from(row[1].starts_with(gender.as_str()));
        age_error += (row[3].parse::<f64>().expect("an age in years") - age).abs();
    }
    let accuracy = right as f64 / rows.len() as f64;
    let mae = age_error / rows.len() as f64;
    assert!(
        accuracy >= MIN_GENDER_ACCURACY,
        "gender accuracy {accuracy:.3}"
    );
    assert!(mae <= MAX_AGE_MAE, "age MAE {mae:.2}");
}
