//! An output never destroys an input or another output, and a run that fails leaves every file
//! that was there as it was: same-file outputs are refused before anything is written (exit 2,
//! naming both paths, however the path is spelt), outputs are staged beside their destination and
//! renamed into place when complete, and two runs writing the same output leave one whole file.

mod robustness_support;

use std::path::{Path, PathBuf};

use robustness_support::*;

/// Area of the rows recorded for `docs/ROBUSTNESS.md`.
const AREA: &str = "output safety";
/// Frames of the short runs.
const SHORT_RUN_FRAMES: &str = "5";
/// Frames of the second of two runs writing the same file at once, so their files differ.
const OTHER_RUN_FRAMES: &str = "3";

/// A copy of `input1.mp4` in `dir`, so a test that went wrong could only damage its own copy.
fn clip_copy(dir: &Path) -> PathBuf {
    let copy = dir.join("clip.mp4");
    std::fs::copy(shared_dir().join("testdata/videos/input1.mp4"), &copy).expect("copy the clip");
    copy
}

/// The bytes of `path`.
fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()))
}

/// Every file in `dir`, by name.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list the folder")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Runs the app on `args`; asserts exit 2 naming `needles`, that `protected` kept its bytes and
/// that nothing was processed; records the row.
fn assert_refused(case: &str, args: &[&str], protected: &Path, needles: &[&str], dir: &Path) {
    let before = bytes(protected);
    let outcome = run_app_limited(args, QUICK_LIMIT);
    assert_failure(&outcome, EXIT_USAGE, needles);
    assert!(
        !outcome.stderr.contains("done: "),
        "refused before processing:\n{}",
        outcome.log()
    );
    assert_eq!(
        bytes(protected),
        before,
        "{} is untouched",
        protected.display()
    );
    let shown = outcome.with_tmp(dir);
    record(
        AREA,
        case,
        "refused before anything is written (exit 2, both paths named)",
        &shown,
    );
}

#[test]
fn the_output_video_is_the_input() {
    let dir = temp_dir();
    let clip = clip_copy(dir.path());
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    let link = dir.path().join("link.mp4");
    std::os::unix::fs::symlink(&clip, &link).expect("symlink");
    let respelt = dir.path().join("sub/../clip.mp4");
    for (case, output) in [
        ("-o the input", clip.clone()),
        ("-o the input through sub/../", respelt),
        ("-o a symbolic link to the input", link),
    ] {
        assert_refused(
            case,
            &["-i", s(&clip), "-o", s(&output), "--headless"],
            &clip,
            &["same file", s(&output), s(&clip)],
            dir.path(),
        );
    }
    assert_eq!(names_in(dir.path()), ["clip.mp4", "link.mp4", "sub"]);
}

#[test]
fn records_aimed_at_an_input_the_config_or_each_other() {
    let dir = temp_dir();
    let clip = clip_copy(dir.path());
    let config = dir.path().join("run.toml");
    std::fs::copy(root().join("config/ssrnet.toml"), &config).expect("copy the config");
    let hard_link = dir.path().join("hard.mp4");
    std::fs::hard_link(&clip, &hard_link).expect("hard link");
    let json = dir.path().join("out.jsonl");
    let json_respelt = dir.path().join("./out.jsonl");
    let cases: [(&str, Vec<&str>, &Path, &Path); 4] = [
        (
            "--json the config file",
            vec!["-c", s(&config), "-i", s(&clip), "--json", s(&config)],
            &config,
            &config,
        ),
        (
            "--csv a hard link to the input",
            vec!["-i", s(&clip), "--no-output", "--csv", s(&hard_link)],
            &clip,
            &hard_link,
        ),
        (
            "--stats-json the input",
            vec!["-i", s(&clip), "--no-output", "--stats-json", s(&clip)],
            &clip,
            &clip,
        ),
        (
            "--json and --csv one file, spelt two ways",
            vec![
                "-i",
                s(&clip),
                "--no-output",
                "--json",
                s(&json),
                "--csv",
                s(&json_respelt),
            ],
            &clip,
            &json_respelt,
        ),
    ];
    for (case, mut args, protected, named) in cases {
        args.push("--headless");
        assert_refused(case, &args, protected, &["same file", s(named)], dir.path());
    }
    assert!(!json.exists(), "nothing is written");
}

#[test]
fn eval_json_aimed_at_the_labels_file() {
    let dir = temp_dir();
    let faces = shared_dir().join("testdata/faces");
    let labels = dir.path().join("labels.csv");
    let first_image = std::fs::read_to_string(faces.join("labels.csv"))
        .expect("the UTKFace labels")
        .lines()
        .nth(1)
        .expect("a labelled image")
        .to_owned();
    let (image, label) = first_image.split_once(',').expect("path,age,gender");
    std::fs::write(
        &labels,
        format!("path,age,gender\n{},{label}\n", faces.join(image).display()),
    )
    .expect("write the labels");
    assert_refused(
        "app eval --json the labels file",
        &[
            "eval",
            "--labels",
            s(&labels),
            "--no-detect",
            "--json",
            s(&labels),
        ],
        &labels,
        &["same file", "labels", s(&labels)],
        dir.path(),
    );
}

#[test]
fn a_failed_run_keeps_the_file_at_the_output_path() {
    let dir = temp_dir();
    let clip = clip_copy(dir.path());
    let kept = b"the user's earlier video".to_vec();
    let webm = dir.path().join("out.webm");
    std::fs::write(&webm, &kept).expect("write");
    // H.264 does not go into WebM: the writer cannot be opened.
    let outcome = run_app_limited(
        &[
            "-i",
            s(&clip),
            "-o",
            s(&webm),
            "--headless",
            "--max-frames",
            SHORT_RUN_FRAMES,
        ],
        QUICK_LIMIT,
    );
    assert_failure(&outcome, EXIT_RUNTIME, &[s(&webm)]);
    assert_eq!(bytes(&webm), kept, "the existing video is kept");

    // An unwritable --csv must not truncate the existing --json.
    let json = dir.path().join("frames.jsonl");
    std::fs::write(&json, &kept).expect("write");
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "").expect("write");
    let csv = blocker.join("faces.csv");
    let outcome = run_app_limited(
        &[
            "-i",
            s(&clip),
            "--no-output",
            "--json",
            s(&json),
            "--csv",
            s(&csv),
            "--headless",
        ],
        QUICK_LIMIT,
    );
    assert_failure(&outcome, EXIT_RUNTIME, &[s(&blocker)]);
    assert_eq!(bytes(&json), kept, "the existing JSON is kept");

    // A run failing in the middle (its JSON goes to a full device) keeps the existing video.
    let mp4 = dir.path().join("out.mp4");
    std::fs::write(&mp4, &kept).expect("write");
    let outcome = run_app_limited(
        &[
            "-i",
            s(&clip),
            "-o",
            s(&mp4),
            "--json",
            "/dev/full",
            "--headless",
        ],
        PROCESS_LIMIT,
    );
    assert_failure(&outcome, EXIT_RUNTIME, &["/dev/full"]);
    assert_eq!(bytes(&mp4), kept, "the existing video is kept");
    assert_eq!(
        names_in(dir.path()),
        ["a-file", "clip.mp4", "frames.jsonl", "out.mp4", "out.webm"],
        "no staging file is left behind"
    );
    record_message(
        AREA,
        "failed runs over existing outputs (webm refused, unwritable --csv, JSON to /dev/full)",
        "every existing file kept byte for byte; no staging file left",
        &outcome.message().replace(s(dir.path()), "<tmp>"),
        outcome.code,
    );
}

#[test]
fn two_runs_writing_one_file_at_once_leave_one_whole_file() {
    require_models();
    let dir = temp_dir();
    let clip = clip_copy(dir.path());
    let json = dir.path().join("frames.jsonl");
    let run = |frames: &str| {
        spawn(&mut app_command(&[
            "-i",
            s(&clip),
            "--no-output",
            "--json",
            s(&json),
            "--headless",
            "--max-frames",
            frames,
        ]))
    };
    let first = run(SHORT_RUN_FRAMES);
    let second = run(OTHER_RUN_FRAMES);
    assert_success(&first.wait(PROCESS_LIMIT));
    assert_success(&second.wait(PROCESS_LIMIT));
    let text = std::fs::read_to_string(&json).expect("the JSON file");
    let frames: Vec<u64> = text
        .lines()
        .map(|line| {
            let record: serde_json::Value =
                serde_json::from_str(line).expect("every line is whole JSON");
            record["frame"].as_u64().expect("a frame number")
        })
        .collect();
    let whole_run = |count: &str| {
        let count: u64 = count.parse().expect("a number");
        (0..count).collect::<Vec<_>>()
    };
    assert!(
        frames == whole_run(SHORT_RUN_FRAMES) || frames == whole_run(OTHER_RUN_FRAMES),
        "the file is one run's, whole: frames {frames:?}"
    );
    assert_eq!(names_in(dir.path()), ["clip.mp4", "frames.jsonl"]);
    record_message(
        AREA,
        "two runs write the same --json at once",
        &format!("one run's whole file ({} lines), never a mix", frames.len()),
        "",
        Some(EXIT_OK),
    );
}
