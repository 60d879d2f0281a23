//! Robustness of the video input: unreadable inputs fail with exit code 1 and a message naming
//! the input; unusual but valid inputs (grayscale, 1x1, odd sizes, 4K, a truncated file, faces on
//! the borders, no face, a crowd) are processed to the end. Synthetic media are made at test time
//! in a temporary folder (nothing is committed).

mod robustness_support;

use std::path::{Path, PathBuf};

use opencv::core::{CV_8UC1, CV_8UC3, Mat, Rect, Scalar, Size, Vector};
use opencv::prelude::*;
use opencv::{imgcodecs, imgproc, videoio};
use robustness_support::*;
use serde_json::Value;

/// Area of the rows recorded for `docs/ROBUSTNESS.md`.
const AREA: &str = "video";

/// Frame rate of the synthetic clips.
const FPS: f64 = 10.0;
/// Lossless codec that takes any frame size and grayscale frames (FFmpeg's FFV1, in .mkv).
const LOSSLESS: [char; 4] = ['F', 'F', 'V', '1'];
/// Tiles per side of the crowd frame.
const CROWD_SIDE: i32 = 6;
/// Faces the crowd frame must yield at least (Haar at the original's processing area finds
/// most of the 36 tiled 200x200 faces; measured 35 when this test was written).
const CROWD_MIN_FACES: usize = 25;

/// Runs the app on `input` with JSON and video output in `dir`; returns (outcome, json, video).
fn run_on(input: &Path, dir: &Path, extra: &[&str]) -> (Outcome, PathBuf, PathBuf) {
    let json = dir.join("frames.jsonl");
    let video = dir.join("annotated.mp4");
    let mut args = vec![
        "--input",
        s(input),
        "--json",
        s(&json),
        "--output",
        s(&video),
        "--headless",
    ];
    args.extend_from_slice(extra);
    (run_app_limited(&args, PROCESS_LIMIT), json, video)
}

/// Parses a JSON Lines file, requiring every line to be a complete object.
fn json_lines(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "the last line is complete"
    );
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{line}: {err}")))
        .collect()
}

fn faces(frame: &Value) -> &Vec<Value> {
    frame["faces"].as_array().expect("faces array")
}

/// Frame count and size of a video, decoding every frame.
fn video_stats(path: &Path) -> (usize, i32, i32) {
    let mut capture =
        videoio::VideoCapture::from_file(s(path), videoio::CAP_FFMPEG).expect("VideoCapture opens");
    assert!(
        capture.is_opened().unwrap_or(false),
        "cannot open {}",
        path.display()
    );
    let mut frame = Mat::default();
    let (mut count, mut width, mut height) = (0, 0, 0);
    while capture.read(&mut frame).unwrap_or(false) && !frame.empty() {
        count += 1;
        width = frame.cols();
        height = frame.rows();
    }
    (count, width, height)
}

/// Writes `frames` (all of one size and type) as a lossless video.
fn write_video(path: &Path, frames: &[Mat]) {
    let first = frames.first().expect("at least one frame");
    let is_color = first.channels() == 3;
    let fourcc = videoio::VideoWriter::fourcc(LOSSLESS[0], LOSSLESS[1], LOSSLESS[2], LOSSLESS[3])
        .expect("fourcc");
    let mut writer = videoio::VideoWriter::new_with_backend(
        s(path),
        videoio::CAP_FFMPEG,
        fourcc,
        FPS,
        Size::new(first.cols(), first.rows()),
        is_color,
    )
    .expect("VideoWriter");
    assert!(
        writer.is_opened().unwrap_or(false),
        "FFV1 writer opens for {}",
        path.display()
    );
    for frame in frames {
        writer.write(frame).expect("write a frame");
    }
    writer.release().expect("finalise");
}

/// A face photo (200x200 BGR) from the shared UTKFace sample.
fn face_photo(index: usize) -> Mat {
    let dir = shared_dir().join("testdata/faces/utkface");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("utkface folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    names.sort();
    let path = &names[index % names.len()];
    let image = imgcodecs::imread(s(path), imgcodecs::IMREAD_COLOR).expect("imread");
    assert!(!image.empty(), "cannot read {}", path.display());
    image
}

/// A frame of `input1.mp4` (a man facing the camera), resized.
fn input1_frame(width: i32, height: i32, gray: bool) -> Mat {
    let path = shared_dir().join("testdata/videos/input1.mp4");
    let mut capture =
        videoio::VideoCapture::from_file(s(&path), videoio::CAP_FFMPEG).expect("open input1");
    let mut frame = Mat::default();
    assert!(capture.read(&mut frame).expect("read") && !frame.empty());
    let mut resized = Mat::default();
    imgproc::resize(
        &frame,
        &mut resized,
        Size::new(width, height),
        0.0,
        0.0,
        imgproc::INTER_LINEAR,
    )
    .expect("resize");
    if gray {
        let mut single = Mat::default();
        imgproc::cvt_color_def(&resized, &mut single, imgproc::COLOR_BGR2GRAY).expect("gray");
        single
    } else {
        resized
    }
}

/// Runs and checks a successful run over a synthetic clip of `frames` frames; returns the JSON.
fn check_processed(input: &str, path: &Path, dir: &Path, frames: usize) -> Vec<Value> {
    check_processed_with(input, path, dir, frames, &[])
}

/// [`check_processed`] with extra command-line options.
fn check_processed_with(
    input: &str,
    path: &Path,
    dir: &Path,
    frames: usize,
    extra: &[&str],
) -> Vec<Value> {
    let (outcome, json, video) = run_on(path, dir, extra);
    assert_success(&outcome);
    let lines = json_lines(&json);
    assert_eq!(lines.len(), frames, "every frame is processed");
    let (written, _, _) = video_stats(&video);
    assert_eq!(written, frames, "every frame is in the output video");
    let faces_found: usize = lines.iter().map(|l| faces(l).len()).sum();
    let summary = outcome
        .stderr
        .lines()
        .rev()
        .find(|line| line.contains("done: "))
        .map(|line| line[line.find("done: ").unwrap_or(0)..].to_owned())
        .unwrap_or_default();
    record_message(
        AREA,
        input,
        &format!("processed: {frames} frames, {faces_found} faces in the JSON"),
        &summary,
        outcome.code,
    );
    lines
}

/// Asserts every box of every frame lies inside a `width` x `height` frame.
fn assert_boxes_inside(lines: &[Value], width: i64, height: i64) {
    for line in lines {
        for face in faces(line) {
            let b: Vec<i64> = face["box"]
                .as_array()
                .expect("box")
                .iter()
                .map(|v| v.as_i64().expect("integer"))
                .collect();
            assert!(
                b[0] >= 0
                    && b[1] >= 0
                    && b[2] < width
                    && b[3] < height
                    && b[0] <= b[2]
                    && b[1] <= b[3],
                "box {b:?} outside the {width}x{height} frame"
            );
        }
    }
}

#[test]
fn missing_video_file() {
    let dir = temp_dir();
    let absent = dir.path().join("absent.mp4");
    let (outcome, _, video) = run_on(&absent, dir.path(), &[]);
    assert_failure(
        &outcome,
        EXIT_RUNTIME,
        &[s(&absent), "does not exist", "check the path"],
    );
    assert!(
        !video.exists(),
        "no output is created for an input that does not open"
    );
    record(
        AREA,
        "missing file",
        "stops before processing",
        &outcome.with_tmp(dir.path()),
    );
}

#[test]
fn empty_video_file() {
    let dir = temp_dir();
    let empty = dir.path().join("empty.mp4");
    std::fs::write(&empty, b"").expect("write");
    let (outcome, _, _) = run_on(&empty, dir.path(), &[]);
    assert_failure(
        &outcome,
        EXIT_RUNTIME,
        &[s(&empty), "cannot open video", "check that it is a video"],
    );
    record(
        AREA,
        "empty file",
        "stops before processing",
        &outcome.with_tmp(dir.path()),
    );
}

#[test]
fn file_that_is_not_a_video() {
    let dir = temp_dir();
    let text = dir.path().join("notes.mp4");
    std::fs::write(&text, "these are not frames\n".repeat(100)).expect("write");
    let (outcome, _, _) = run_on(&text, dir.path(), &[]);
    assert_failure(
        &outcome,
        EXIT_RUNTIME,
        &[s(&text), "cannot open video", "check that it is a video"],
    );
    record(
        AREA,
        "text file named .mp4",
        "stops before processing",
        &outcome.with_tmp(dir.path()),
    );
}

#[test]
fn image_file_that_is_not_an_image() {
    let dir = temp_dir();
    let fake = dir.path().join("photo.png");
    std::fs::write(&fake, "not a png").expect("write");
    let (outcome, _, _) = run_on(&fake, dir.path(), &[]);
    assert_failure(&outcome, EXIT_RUNTIME, &[s(&fake)]);
    record(
        AREA,
        "text file named .png",
        "stops",
        &outcome.with_tmp(dir.path()),
    );
}

#[test]
fn truncated_mp4_processes_what_decodes_and_says_so() {
    let dir = temp_dir();
    let bytes = std::fs::read(shared_dir().join("testdata/videos/input1.mp4")).expect("input1");
    let half = dir.path().join("half.mp4");
    std::fs::write(&half, &bytes[..bytes.len() / 2]).expect("write");
    let (outcome, json, video) = run_on(&half, dir.path(), &[]);
    assert_success(&outcome);
    let lines = json_lines(&json);
    assert!(
        !lines.is_empty() && lines.len() < INPUT1_FRAMES,
        "part of the clip is processed ({} frames)",
        lines.len()
    );
    let (written, _, _) = video_stats(&video);
    assert_eq!(
        written,
        lines.len(),
        "the decoded frames are in a playable video"
    );
    let message = outcome.message();
    assert!(
        message.contains(&format!("{} of {INPUT1_FRAMES} frames", lines.len()))
            && message.contains("truncated"),
        "a warning says the input ended early: {message}\n{}",
        outcome.log()
    );
    record(
        AREA,
        "truncated mp4 (first half of input1.mp4)",
        &format!(
            "the {} decodable frames are processed, then a warning",
            lines.len()
        ),
        &outcome.with_tmp(dir.path()),
    );
}

#[test]
fn directory_without_videos() {
    let dir = temp_dir();
    let empty = dir.path().join("clips");
    std::fs::create_dir(&empty).expect("mkdir");
    std::fs::write(empty.join("readme.txt"), "no clips").expect("write");
    let (outcome, _, _) = run_on(&empty, dir.path(), &[]);
    assert_failure(
        &outcome,
        EXIT_RUNTIME,
        &[s(&empty), "holds no video file", "put a video there"],
    );
    record(
        AREA,
        "directory with no videos",
        "stops before processing",
        &outcome.with_tmp(dir.path()),
    );
}

#[test]
fn camera_that_does_not_exist() {
    let dir = temp_dir();
    let (outcome, _, _) = run_on(Path::new("57"), dir.path(), &[]);
    assert_failure(&outcome, EXIT_RUNTIME, &["camera 57", "try another index"]);
    // OpenCV's back ends warn about the absent device (GStreamer, V4L2); at the default log level
    // the app keeps OpenCV to errors, and its own message says what happened.
    assert!(
        !outcome.stderr.contains("[ WARN"),
        "OpenCV's warnings reach the console:\n{}",
        outcome.log()
    );
    record(
        AREA,
        "camera index 57 (absent)",
        "stops before processing",
        &outcome,
    );
}

#[test]
fn grayscale_video() {
    let dir = temp_dir();
    let path = dir.path().join("gray.mkv");
    let frame = input1_frame(400, 224, true);
    assert_eq!(frame.typ(), CV_8UC1);
    write_video(&path, &vec![frame; 3]);
    let lines = check_processed("grayscale video (FFV1, 1 channel)", &path, dir.path(), 3);
    assert!(
        faces(&lines[0]).len() == 1,
        "the man is found in gray frames: {lines:?}"
    );
}

#[test]
fn grayscale_image() {
    let dir = temp_dir();
    let path = dir.path().join("gray.png");
    let frame = input1_frame(400, 224, true);
    imgcodecs::imwrite_def(s(&path), &frame).expect("imwrite");
    let lines = check_processed("grayscale PNG image", &path, dir.path(), 1);
    assert_eq!(faces(&lines[0]).len(), 1, "the man is found");
}

#[test]
fn one_by_one_video() {
    let dir = temp_dir();
    // No video encoder takes a 1x1 frame, so the 1x1 input is an image.
    let path = dir.path().join("tiny.png");
    let pixel =
        Mat::new_rows_cols_with_default(1, 1, CV_8UC3, Scalar::new(90.0, 120.0, 200.0, 0.0))
            .expect("1x1");
    assert!(
        opencv::imgcodecs::imwrite(s(&path), &pixel, &opencv::core::Vector::new())
            .expect("imwrite"),
        "the 1x1 PNG is written"
    );
    let lines = check_processed("1x1 image", &path, dir.path(), 1);
    assert!(lines.iter().all(|l| faces(l).is_empty()));
}

#[test]
fn odd_sized_video() {
    let dir = temp_dir();
    let path = dir.path().join("odd.mkv");
    write_video(&path, &vec![input1_frame(333, 211, false); 3]);
    let lines = check_processed("odd-sized 333x211 video", &path, dir.path(), 3);
    assert_boxes_inside(&lines, 333, 211);
    assert_eq!(faces(&lines[0]).len(), 1, "the man is found");
}

#[test]
fn four_k_video() {
    let dir = temp_dir();
    let path = dir.path().join("uhd.mkv");
    write_video(&path, &vec![input1_frame(3840, 2160, false); 2]);
    let lines = check_processed("4K 3840x2160 video", &path, dir.path(), 2);
    assert_boxes_inside(&lines, 3840, 2160);
    assert_eq!(faces(&lines[0]).len(), 1, "the man is found");
    let (_, width, height) = video_stats(&dir.path().join("annotated.mp4"));
    assert_eq!(
        (width, height),
        (3840, 2160),
        "the output keeps the 4K size"
    );
}

#[test]
fn faces_touching_and_crossing_the_borders() {
    let dir = temp_dir();
    // Frame 0: a face photo filling the whole frame (the padded box crosses every border).
    // Frame 1: the same face shifted so its left third is cut off by the left border.
    let photo = face_photo(0);
    let (w, h) = (photo.cols(), photo.rows());
    let cut = w / 3;
    let right_part = Mat::roi(&photo, Rect::new(cut, 0, w - cut, h))
        .and_then(|roi| roi.try_clone())
        .expect("roi");
    let mut shifted = Mat::default();
    opencv::core::copy_make_border(
        &right_part,
        &mut shifted,
        0,
        0,
        0,
        cut,
        opencv::core::BORDER_CONSTANT,
        Scalar::all(128.0),
    )
    .expect("border");
    let path = dir.path().join("borders.mkv");
    write_video(&path, &[photo, shifted]);
    // The DNN detector: the Haar cascade misses faces that fill a tightly cropped photo.
    let lines = check_processed_with(
        "face filling the frame / cut by the left border",
        &path,
        dir.path(),
        2,
        &["--detector", "dnn"],
    );
    assert_boxes_inside(&lines, i64::from(w), i64::from(h));
    assert!(!faces(&lines[0]).is_empty(), "the full-frame face is found");
    let touching = faces(&lines[0]).iter().any(|face| {
        let b = face["box"].as_array().expect("box");
        b[0] == 0 || b[1] == 0 || b[2] == w - 1 || b[3] == h - 1
    });
    assert!(
        touching,
        "the padded box is clamped to the border: {:?}",
        lines[0]
    );
}

#[test]
fn no_face_in_the_whole_video() {
    let dir = temp_dir();
    let mut frames = Vec::new();
    for i in 0..5 {
        // Coloured blocks: structure for the detector, but no face.
        let mut frame =
            Mat::new_rows_cols_with_default(240, 320, CV_8UC3, Scalar::all(40.0)).expect("frame");
        for k in 0..8 {
            let shade = f64::from((k * 30 + i * 17) % 256);
            imgproc::rectangle(
                &mut frame,
                Rect::new(k * 40, (k * 23 + i * 7) % 200, 30, 40),
                Scalar::new(shade, 255.0 - shade, f64::from(k * 20), 0.0),
                -1,
                imgproc::LINE_8,
                0,
            )
            .expect("rectangle");
        }
        frames.push(frame);
    }
    let path = dir.path().join("noise.mkv");
    write_video(&path, &frames);
    let lines = check_processed(
        "no face in the whole video (blurred noise)",
        &path,
        dir.path(),
        5,
    );
    assert!(
        lines.iter().all(|l| faces(l).is_empty()),
        "no face: {lines:?}"
    );
}

#[test]
fn a_crowd_of_36_faces() {
    let dir = temp_dir();
    let tile = face_photo(3);
    let side = tile.cols();
    let mut rows = Vector::<Mat>::new();
    for row in 0..CROWD_SIDE {
        let mut tiles = Vector::<Mat>::new();
        for col in 0..CROWD_SIDE {
            tiles.push(face_photo((row * CROWD_SIDE + col) as usize));
        }
        let mut joined = Mat::default();
        opencv::core::hconcat(&tiles, &mut joined).expect("hconcat");
        rows.push(joined);
    }
    let mut crowd = Mat::default();
    opencv::core::vconcat(&rows, &mut crowd).expect("vconcat");
    assert_eq!(crowd.cols(), side * CROWD_SIDE);
    let path = dir.path().join("crowd.mkv");
    write_video(&path, &[crowd.clone(), crowd]);
    let lines = check_processed(
        "a crowd: 36 faces tiled 6x6 in one 1200x1200 frame",
        &path,
        dir.path(),
        2,
    );
    let found = faces(&lines[0]).len();
    assert!(
        (CROWD_MIN_FACES..=36).contains(&found),
        "{found} faces found in the crowd"
    );
    assert_boxes_inside(
        &lines,
        i64::from(side * CROWD_SIDE),
        i64::from(side * CROWD_SIDE),
    );
}
