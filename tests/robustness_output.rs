//! Robustness of the outputs: an unwritable path fails before any frame is processed, a full
//! disk is an error naming the file (never a silent success with a broken file), and a stop in the
//! middle (SIGINT, SIGTERM, SIGHUP) leaves a playable video and complete JSON lines. A failed run puts no output
//! in place.
//!
//! A full disk is simulated without root with the file-size limit (`ulimit -f`, with SIGXFSZ
//! ignored so writes fail with EFBIG like on a full disk), and with `/dev/full` (ENOSPC).

mod robustness_support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use opencv::core::Mat;
use opencv::prelude::*;
use opencv::videoio;
use robustness_support::*;

/// Area of the rows recorded for `docs/ROBUSTNESS.md`.
const AREA: &str = "output";

/// File-size limit of the "disk fills up" runs, in 512-byte blocks (`ulimit -f`): 24 KiB, a few
/// frames of annotated video or JSON.
const FILE_SIZE_LIMIT_BLOCKS: u32 = 48;
/// Frames processed by the runs that fill the disk.
const FULL_DISK_FRAMES: &str = "30";
/// Passes over input1.mp4 of the run whose video fills the disk: about 520 KB of H.264, so
/// FFmpeg's 256 KiB output buffer is flushed, and fails, long before the last frame.
const FULL_DISK_VIDEO_PASSES: usize = 3;
/// Frames of those passes.
const FULL_DISK_VIDEO_FRAMES: usize = FULL_DISK_VIDEO_PASSES * INPUT1_FRAMES;
/// How long to let the interrupted run work after its first output appeared.
const RUN_BEFORE_SIGNAL: Duration = Duration::from_millis(2500);
/// Exit code of a run stopped by SIGINT: 128 + 2.
const SIGINT_EXIT: i32 = 130;
/// Exit code of a run stopped by SIGTERM: 128 + 15.
const SIGTERM_EXIT: i32 = 143;
/// Exit code of a run stopped by SIGHUP: 128 + 1.
const SIGHUP_EXIT: i32 = 129;

fn input1() -> PathBuf {
    shared_dir().join("testdata/videos/input1.mp4")
}

/// Frames of a video, decoding every frame (0 when it does not open).
fn decoded_frames(path: &Path) -> usize {
    let Ok(mut capture) = videoio::VideoCapture::from_file(s(path), videoio::CAP_FFMPEG) else {
        return 0;
    };
    if !capture.is_opened().unwrap_or(false) {
        return 0;
    }
    let mut frame = Mat::default();
    let mut count = 0;
    while capture.read(&mut frame).unwrap_or(false) && !frame.empty() {
        count += 1;
    }
    count
}

/// Asserts the run failed before processing any frame.
fn assert_nothing_processed(outcome: &Outcome) {
    assert!(
        !outcome.stderr.contains("done: "),
        "no frame is processed:\n{}",
        outcome.log()
    );
}

#[test]
fn video_in_a_folder_that_cannot_be_created() {
    let dir = temp_dir();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "a file, not a folder").expect("write");
    let video = file.join("out.mp4");
    let json = dir.path().join("frames.jsonl");
    let outcome = run_app_limited(
        &[
            "--input",
            s(&input1()),
            "--output",
            s(&video),
            "--json",
            s(&json),
            "--headless",
        ],
        QUICK_LIMIT,
    );
    assert_failure(
        &outcome,
        EXIT_RUNTIME,
        &[
            s(&file),
            "cannot create the output directory",
            "check the path",
        ],
    );
    assert_nothing_processed(&outcome);
    assert!(!json.exists(), "nothing else is written");
    record(
        AREA,
        "video path under a regular file",
        "fails before processing",
        &outcome.with_tmp(dir.path()),
    );
}

#[test]
fn video_path_that_is_a_directory() {
    let dir = temp_dir();
    let outcome = run_app_limited(
        &[
            "--input",
            s(&input1()),
            "--output",
            s(dir.path()),
            "--headless",
        ],
        QUICK_LIMIT,
    );
    assert_failure(
        &outcome,
        EXIT_RUNTIME,
        &[s(dir.path()), "is a directory", "give a file name"],
    );
    assert_nothing_processed(&outcome);
    record(
        AREA,
        "video path is a directory",
        "fails before processing",
        &outcome.with_tmp(dir.path()),
    );
}

#[test]
fn json_in_a_folder_that_cannot_be_created() {
    let dir = temp_dir();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "a file").expect("write");
    let json = file.join("frames.jsonl");
    let outcome = run_app_limited(
        &[
            "--input",
            s(&input1()),
            "--no-output",
            "--json",
            s(&json),
            "--headless",
        ],
        QUICK_LIMIT,
    );
    assert_failure(&outcome, EXIT_RUNTIME, &[s(&file), "check the path"]);
    assert_nothing_processed(&outcome);
    record(
        AREA,
        "JSON path under a regular file",
        "fails before processing",
        &outcome.with_tmp(dir.path()),
    );
}

#[test]
fn json_to_a_full_device() {
    let dir = temp_dir();
    let video = dir.path().join("annotated.mp4");
    let outcome = run_app_limited(
        &[
            "--input",
            s(&input1()),
            "--output",
            s(&video),
            "--json",
            "/dev/full",
            "--max-frames",
            FULL_DISK_FRAMES,
            "--headless",
        ],
        PROCESS_LIMIT,
    );
    assert_failure(&outcome, EXIT_RUNTIME, &["/dev/full", "no space left"]);
    assert!(
        !video.exists(),
        "a failed run puts no output in place (it would look complete)"
    );
    assert!(
        staging_files(dir.path()).is_empty(),
        "no staging file is left"
    );
    assert!(
        std::fs::metadata("/dev/full").is_ok_and(|meta| !meta.is_file()),
        "a device output is written directly, never replaced by a file"
    );
    record(
        AREA,
        "JSON to /dev/full (ENOSPC)",
        "error; no output is put in place, /dev/full stays a device",
        &outcome.with_tmp(dir.path()),
    );
}

/// Runs the app under a file-size limit (a disk that fills up), SIGXFSZ ignored.
fn run_with_file_size_limit(args: &[&str]) -> Outcome {
    require_models();
    let mut script = format!("trap '' XFSZ; ulimit -f {FILE_SIZE_LIMIT_BLOCKS} && exec \"$0\"");
    for index in 1..=args.len() {
        script.push_str(&format!(" \"${index}\""));
    }
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_app"))
        .args(args);
    quiet_env(&mut command);
    run_with_limit(&mut command, PROCESS_LIMIT)
}

#[test]
fn video_filling_the_disk_stops_the_run_at_the_frame_that_failed() {
    let dir = temp_dir();
    let video = dir.path().join("annotated.mp4");
    let passes = FULL_DISK_VIDEO_PASSES.to_string();
    let outcome = run_with_file_size_limit(&[
        "--input",
        s(&input1()),
        "--output",
        s(&video),
        "--passes",
        &passes,
        "--headless",
    ]);
    assert_failure(
        &outcome,
        EXIT_RUNTIME,
        &[s(&video), "incomplete", "disk", "free some space"],
    );
    let failed_frame = frame_named_in(&outcome.stderr, "cannot write frame ");
    assert!(
        failed_frame.is_some_and(|frame| frame + 1 < FULL_DISK_VIDEO_FRAMES),
        "the error names the frame whose write failed, before the last of {FULL_DISK_VIDEO_FRAMES} \
         (found {failed_frame:?}):\n{}",
        outcome.log()
    );
    assert!(
        !video.exists() && staging_files(dir.path()).is_empty(),
        "the incomplete video is not put in place, nor left as a staging file"
    );
    record(
        AREA,
        "video fills the disk (ulimit -f 24 KiB)",
        "error at the frame whose write failed (FFmpeg flushes its output every 256 KiB); the run \
         stops there, the incomplete file is removed",
        &outcome.with_tmp(dir.path()),
    );
}

/// The frame number that follows `prefix` in `log`, if any.
fn frame_named_in(log: &str, prefix: &str) -> Option<usize> {
    let start = log.find(prefix)? + prefix.len();
    let digits: String = log[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[test]
fn sigint_in_the_middle_leaves_a_playable_video_and_complete_json_lines() {
    stop_in_the_middle("INT", SIGINT_EXIT);
}

#[test]
fn sigterm_in_the_middle_leaves_a_playable_video_and_complete_json_lines() {
    stop_in_the_middle("TERM", SIGTERM_EXIT);
}

#[test]
fn sighup_in_the_middle_leaves_a_playable_video_and_complete_json_lines() {
    stop_in_the_middle("HUP", SIGHUP_EXIT);
}

/// Sends SIG`signal` to a run in the middle of `input1.mp4`: it finalises its outputs, says so and
/// exits with `code` (128 + the signal).
fn stop_in_the_middle(signal: &str, code: i32) {
    require_models();
    let dir = temp_dir();
    let video = dir.path().join("annotated.mp4");
    let json = dir.path().join("frames.jsonl");
    let running = spawn(&mut app_command(&[
        "--input",
        s(&input1()),
        "--output",
        s(&video),
        "--json",
        s(&json),
        "--headless",
    ]));
    // Wait for the run to start writing (its outputs are staged beside their destinations until
    // complete), let it process some frames, then send the signal.
    let start = Instant::now();
    while staging_files(dir.path()).is_empty() && start.elapsed() < QUICK_LIMIT {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(RUN_BEFORE_SIGNAL);
    let pid = running.child.id().to_string();
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status()
        .expect("kill runs");
    assert!(status.success(), "SIG{signal} sent");
    let outcome = running.wait(PROCESS_LIMIT);
    assert_eq!(
        outcome.code,
        Some(code),
        "128 + SIG{signal}:\n{}",
        outcome.log()
    );
    assert!(
        staging_files(dir.path()).is_empty(),
        "no staging file is left behind"
    );
    let name = format!("SIG{signal}");
    assert!(
        outcome.stderr.contains("interrupted by") && outcome.stderr.contains(&name),
        "the log says the run was interrupted by {name}:\n{}",
        outcome.log()
    );

    let text = std::fs::read_to_string(&json).expect("the JSON file exists");
    assert!(text.ends_with('\n'), "the last JSON line is complete");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is a complete JSON object"))
        .collect();
    let frames = decoded_frames(&video);
    assert!(
        frames > 0 && frames < INPUT1_FRAMES,
        "the interrupted video is playable with part of the clip ({frames} frames)"
    );
    assert_eq!(lines.len(), frames, "one JSON line per frame in the video");
    record_message(
        AREA,
        &format!("{name} after ~2.5 s"),
        &format!(
            "stops, finalises: {frames} playable frames, {} complete JSON lines; exit {code}",
            lines.len()
        ),
        &outcome.message(),
        outcome.code,
    );
}

/// The staging files of outputs not yet complete in `dir`.
fn staging_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| path.to_string_lossy().contains(".agender-partial-"))
                .collect()
        })
        .unwrap_or_default()
}
