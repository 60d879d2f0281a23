//! The aligned estimators end to end: the real binary with `config/accurate.toml` (YuNet, dlib's
//! landmarks, ensemble) and with YuNet's points, on the original's sample clip (one adult man), checked
//! for what they wrote: the schema, the alignment and landmarks of every face, the age's
//! uncertainty, and answers that are right for this man.

mod support;

use serde_json::Value;
use support::*;

/// The man of `input1.mp4` is an adult; SSR-Net says 35. The aligned estimators must put him in
/// this range on most frames.
const ADULT_YEARS: std::ops::RangeInclusive<f64> = 20.0..=55.0;

fn faces(frames: &[Value]) -> Vec<&Value> {
    frames
        .iter()
        .flat_map(|frame| frame["faces"].as_array().unwrap())
        .collect()
}

fn assert_valid(frames: &[Value]) {
    let path = workspace_root().join("docs/output.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for frame in frames {
        let errors: Vec<String> = validator
            .iter_errors(frame)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}\n{frame}");
    }
}

/// Share of faces labelled Male, and the median age.
fn summary(faces: &[&Value]) -> (f64, f64) {
    let male = faces.iter().filter(|face| face["gender"] == "Male").count();
    let mut ages: Vec<f64> = faces
        .iter()
        .map(|face| face["age_years"].as_f64().unwrap())
        .collect();
    ages.sort_by(f64::total_cmp);
    (male as f64 / faces.len() as f64, ages[ages.len() / 2])
}

#[test]
fn the_recommended_config_aligns_on_dlib_points_and_gets_the_man_right() {
    let frames = json_frames("config/accurate.toml", "input1.mp4", &[]);
    assert_eq!(frames.len(), INPUT1_FRAMES);
    assert_valid(&frames);
    let faces = faces(&frames);
    assert!(faces.len() >= INPUT1_FRAMES / 2, "{} faces", faces.len());
    for face in &faces {
        assert_eq!(face["alignment"], "dlib5", "{face}");
        assert_eq!(face["landmarks"]["scheme"], "dlib5");
        let points = face["landmarks"]["points"].as_array().unwrap();
        // dlib gives whole pixels; the eye on the image's right comes first.
        assert!(
            points
                .iter()
                .flat_map(|point| point.as_array().unwrap())
                .all(|v| v.as_f64().unwrap().fract() == 0.0)
        );
        assert!(points[0][0].as_f64() > points[2][0].as_f64(), "{points:?}");
        assert!(face["age_uncertainty"].as_f64().unwrap() > 0.0);
        assert_eq!(
            face["gender_probabilities"][0], face["gender_score"],
            "P(male) is the gender score"
        );
        // Every landmark lies in the padded box.
        let b = json_box(&face["box"]);
        for point in face["landmarks"]["points"].as_array().unwrap() {
            let (x, y) = (point[0].as_f64().unwrap(), point[1].as_f64().unwrap());
            assert!(
                x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3],
                "{point} outside {b:?}"
            );
        }
    }
    let (male, median_age) = summary(&faces);
    assert!(male >= 0.9, "Male on {:.0}% of the faces", male * 100.0);
    assert!(ADULT_YEARS.contains(&median_age), "median age {median_age}");
}

#[test]
fn yunet_points_can_replace_dlibs_landmarks() {
    let dir = temp_dir();
    let config = dir.path().join("yunet_points.toml");
    std::fs::write(
        &config,
        "[detector]\nkind = \"yunet\"\n[estimator]\nkind = \"dlib\"\nflip_average = true\n\
         [estimator.alignment]\nlandmarks = \"detector\"\n",
    )
    .unwrap();
    let frames = json_frames(config.to_str().unwrap(), "input1.mp4", &[]);
    assert_valid(&frames);
    let faces = faces(&frames);
    assert!(!faces.is_empty());
    for face in &faces {
        assert_eq!(face["alignment"], "yunet5", "{face}");
        let points = face["landmarks"]["points"].as_array().unwrap();
        // YuNet: the subject's right eye (on the image's left) first, the nose tip below both.
        assert!(points[0][0].as_f64() < points[1][0].as_f64(), "{points:?}");
        assert!(points[2][1].as_f64() > points[0][1].as_f64(), "{points:?}");
    }
    let (male, median_age) = summary(&faces);
    assert!(male >= 0.9, "Male on {:.0}% of the faces", male * 100.0);
    assert!(ADULT_YEARS.contains(&median_age), "median age {median_age}");
}
