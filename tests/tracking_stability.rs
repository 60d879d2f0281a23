//! The stability goals of issue 5 on the real binary with `config/ssrnet-stable.toml`
//! (docs/STABILITY.md has the measured numbers): the displayed age of the main track moves by at
//! most a year from frame to frame, one track covers a face through detection gaps, and two
//! people keep two tracks without a swap.

mod support;
mod tracking_support;

use serde_json::Value;
use tracking_support::*;

/// Issue 5's goal: standard deviation of the frame-to-frame change of the displayed age, years.
const MAX_SMOOTHED_STD_YEARS: f64 = 1.0;
/// Issue 5: one track covers at least this share of input1.mp4's frames with a face.
const MIN_INPUT1_COVERAGE: f64 = 0.9;
/// Issue 5: on man_and_girl.mp4 each person's track covers at least this share of their frames.
const MIN_PERSON_COVERAGE: f64 = 0.8;

/// Runs a single-person clip with tracking off and with the stable config and checks the main
/// track's displayed age; returns the main track's share of the frames with a face.
fn check_stable_age(clip: &str) -> f64 {
    let untracked = run_clip(clip, None, None);
    let stable_section = stable_tracking();
    let tracked = run_clip(clip, Some(stable_section.as_str()), None);
    assert_eq!(tracked.len(), untracked.len(), "{clip}: same frames");
    let track = main_track(&tracked);
    let raw = consecutive_difference_std(&same_faces_untracked(&untracked, &track));
    let smoothed = consecutive_difference_std(&faces_of(&track));
    eprintln!("{clip}: std of consecutive age differences raw {raw:.2}, smoothed {smoothed:.2}");
    assert!(
        smoothed <= MAX_SMOOTHED_STD_YEARS,
        "{clip}: smoothed age changes by {smoothed:.2} years (std) from frame to frame"
    );
    assert!(
        smoothed < raw,
        "{clip}: smoothing must be steadier than the raw {raw:.2} (got {smoothed:.2})"
    );
    track.len() as f64 / face_frames(&tracked) as f64
}

#[test]
fn input1_age_is_stable_and_one_track_covers_the_face() {
    let coverage = check_stable_age("input1.mp4");
    assert!(
        coverage >= MIN_INPUT1_COVERAGE,
        "the main track covers only {coverage:.2} of input1's face frames"
    );
}

#[test]
fn young_woman_closeup_age_is_stable() {
    check_stable_age("young_woman_closeup.mp4");
}

fn centre_y(face: &Value) -> f64 {
    let b = support::json_box(&face["box"]);
    (b[1] + b[3]) / 2.0
}

#[test]
fn man_and_girl_keep_their_own_tracks_and_the_man_is_older() {
    let frames = run_clip("man_and_girl.mp4", Some(stable_tracking().as_str()), None);
    // Who is who by position: the girl sits in front of the man, lower in the picture. The
    // split is halfway between their mean centres in the frames showing both.
    let pairs: Vec<(f64, f64)> = frames
        .iter()
        .filter(|frame| faces(frame).len() == 2)
        .map(|frame| {
            let (a, b) = (centre_y(&faces(frame)[0]), centre_y(&faces(frame)[1]));
            (a.min(b), a.max(b))
        })
        .collect();
    assert!(pairs.len() > 100, "only {} two-face frames", pairs.len());
    let count = pairs.len() as f64;
    let split = pairs.iter().map(|(man, girl)| man + girl).sum::<f64>() / (2.0 * count);

    let (mut girl, mut man): (Vec<&Value>, Vec<&Value>) = (Vec::new(), Vec::new());
    for face in frames.iter().flat_map(faces) {
        if centre_y(face) > split {
            girl.push(face);
        } else {
            man.push(face);
        }
    }
    let main_id = |person: &[&Value]| {
        let tracks = person.iter().map(|face| track_id(face));
        let counts = tracks.fold(std::collections::BTreeMap::new(), |mut counts, id| {
            *counts.entry(id).or_insert(0usize) += 1;
            counts
        });
        counts
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .map(|(id, _)| id)
            .expect("the person was seen")
    };
    let (girl_id, man_id) = (main_id(&girl), main_id(&man));
    assert_ne!(girl_id, man_id, "the two people share one track");
    for (name, person, own, other) in [
        ("girl", &girl, girl_id, man_id),
        ("man", &man, man_id, girl_id),
    ] {
        let on_own = person.iter().filter(|f| track_id(f) == own).count();
        let coverage = on_own as f64 / person.len() as f64;
        eprintln!("{name}: track {own} on {on_own} of {} faces", person.len());
        assert!(
            coverage >= MIN_PERSON_COVERAGE,
            "the {name}'s track {own} covers only {coverage:.2} of the {name}'s faces"
        );
        let swapped = person.iter().filter(|f| track_id(f) == other).count();
        assert_eq!(
            swapped, 0,
            "the {name}'s face carries the other track {other}"
        );
    }
    let mean_age = |person: &[&Value], id: u64| {
        let ages: Vec<f64> = person
            .iter()
            .filter(|f| track_id(f) == id)
            .map(|f| displayed_age(f) as f64)
            .collect();
        ages.iter().sum::<f64>() / ages.len() as f64
    };
    let (girl_age, man_age) = (mean_age(&girl, girl_id), mean_age(&man, man_id));
    assert!(
        man_age > girl_age,
        "the man's track shows {man_age:.1} years on average, the girl's {girl_age:.1}"
    );
}
