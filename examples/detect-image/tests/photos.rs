//! Runs the example on All-Age-Faces photos, each of one person: YuNet finds that one face,
//! inside the photo, with a confident score.

use std::process::Command;

/// Photos of one person each, from babies to the elderly.
const PHOTOS: [&str; 4] = [
    "img/00014A02.jpg",
    "img/00022A02.jpg",
    "img/00058A02.jpg",
    "img/00090A03.jpg",
];

/// YuNet's default score threshold is 0.7; a clear portrait scores well above it.
const MIN_CONFIDENCE: f32 = 0.8;

#[test]
fn yunet_finds_the_one_face_of_each_portrait() {
    for photo in PHOTOS {
        let path = test_data::testdata(std::path::Path::new("faces-aaf").join(photo));
        let output = Command::new(env!("CARGO_BIN_EXE_detect-image"))
            .arg(&path)
            .arg("yunet")
            .env(test_data::MODELS_ENV, test_data::models_dir())
            .output()
            .expect("the example runs");
        assert!(
            output.status.success(),
            "{photo}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8(output.stdout).expect("UTF-8");
        let faces: Vec<Vec<f32>> = stdout
            .lines()
            .skip(1)
            .map(|line| {
                line.split(',')
                    .map(|v| v.parse().expect("a number"))
                    .collect()
            })
            .collect();
        assert!(!faces.is_empty(), "{photo}: no face found");
        let best = &faces[0];
        assert!(
            best[0] < best[2] && best[1] < best[3],
            "{photo}: box {best:?}"
        );
        assert!(best[4] >= MIN_CONFIDENCE, "{photo}: confidence {}", best[4]);
    }
}

#[test]
fn an_unknown_detector_is_refused_with_the_choices() {
    let output = Command::new(env!("CARGO_BIN_EXE_detect-image"))
        .args(["whatever.jpg", "retina"])
        .output()
        .expect("the example runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("yunet"), "{stderr}");
}
