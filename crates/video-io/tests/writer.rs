//! Writing videos and reading them back: frame count, size, codec, content.

mod common;

use std::path::Path;

use common::{scratch_dir, test_video};
use face::ImageSize;
use opencv::core::{CV_8UC3, Mat, Scalar, Vec3b};
use opencv::prelude::*;
use opencv::videoio::{self, VideoCapture};
use video_io::{
    Codec, H264Preset, H264Settings, H264Tune, Source, VideoError, VideoReader, VideoWriter,
    mat_size,
};

/// AVC profile_idc values a browser decodes: Baseline, Main, High (all 8-bit 4:2:0).
const BROWSER_AVC_PROFILES: [u8; 3] = [66, 77, 100];

/// A frame whose colour encodes its index (so order survives lossy coding).
fn coloured_frame(size: ImageSize, index: u64) -> Mat {
    let level = (index * 20 % 240) as f64;
    Mat::new_rows_cols_with_default(
        size.height,
        size.width,
        CV_8UC3,
        Scalar::new(level, 255.0 - level, 128.0, 0.0),
    )
    .expect("allocate a frame")
}

/// Reads a written file back with OpenCV: frame count, frame size, FourCC and centre pixels.
struct ReadBack {
    frames: u64,
    size: ImageSize,
    fourcc: String,
    centre_blue: Vec<u8>,
}

fn read_back(path: &Path) -> ReadBack {
    let mut capture = VideoCapture::from_file(path, videoio::CAP_FFMPEG).expect("open written");
    assert!(
        capture.is_opened().expect("state"),
        "cannot reopen {}",
        path.display()
    );
    let fourcc = capture.get(videoio::CAP_PROP_FOURCC).expect("fourcc") as i32;
    let mut image = Mat::default();
    let mut result = ReadBack {
        frames: 0,
        size: ImageSize::new(0, 0),
        fourcc: String::from_utf8_lossy(&fourcc.to_le_bytes()).into_owned(),
        centre_blue: Vec::new(),
    };
    while capture.read(&mut image).expect("decode") {
        result.frames += 1;
        result.size = mat_size(&image);
        let centre = image
            .at_2d::<Vec3b>(image.rows() / 2, image.cols() / 2)
            .expect("centre pixel");
        result.centre_blue.push(centre[0]);
    }
    result
}

/// The AVC profile of an MP4 file, from the first `avcC` box (configurationVersion, then
/// AVCProfileIndication).
fn avc_profile(path: &Path) -> Option<u8> {
    let bytes = std::fs::read(path).expect("read the file");
    let at = bytes.windows(4).position(|w| w == b"avcC")?;
    bytes.get(at + 5).copied()
}

fn write_frames(path: &Path, codec: Codec, size: ImageSize, count: u64) -> VideoWriter {
    let mut writer = VideoWriter::create(path, codec, 10.0, size).expect("create the writer");
    for index in 0..count {
        writer
            .write(&coloured_frame(size, index))
            .expect("write a frame");
    }
    writer
}

fn assert_colours_in_order(back: &ReadBack, count: u64) {
    for (index, &blue) in back.centre_blue.iter().enumerate() {
        let expected = (index as u64 * 20 % 240) as i32;
        assert!(
            (i32::from(blue) - expected).abs() <= 8,
            "frame {index}: blue {blue}, wrote {expected}"
        );
    }
    assert_eq!(back.centre_blue.len() as u64, count);
}

#[test]
fn default_codec_writes_browser_playable_h264_mp4() {
    let path = scratch_dir("h264").join("out.mp4");
    let size = ImageSize::new(400, 224);
    let writer = write_frames(&path, Codec::default(), size, 30);
    assert_eq!(writer.codec(), Codec::H264, "avc1 opens on this machine");
    let summary = writer.finish().expect("finish");
    assert_eq!((summary.frames, summary.size), (30, size));

    let back = read_back(&path);
    assert_eq!((back.frames, back.size), (30, size));
    assert_eq!(back.fourcc, "avc1");
    let profile = avc_profile(&path).expect("an avcC box in the MP4");
    assert!(
        BROWSER_AVC_PROFILES.contains(&profile),
        "AVC profile {profile} is not one browsers play"
    );
    assert_colours_in_order(&back, 30);
}

#[test]
fn odd_frame_sizes_are_padded_to_even_not_cropped() {
    for (codec, name) in [
        (Codec::H264, "odd.mp4"),
        (Codec::Mp4v, "odd_mp4v.mp4"),
        (Codec::Mjpg, "odd.avi"),
    ] {
        let path = scratch_dir("odd").join(name);
        let writer = write_frames(&path, codec, ImageSize::new(101, 57), 12);
        assert_eq!(writer.output_size(), ImageSize::new(102, 58));
        writer.finish().expect("finish");
        let back = read_back(&path);
        assert_eq!(
            (back.frames, back.size),
            (12, ImageSize::new(102, 58)),
            "{codec}"
        );
        assert_colours_in_order(&back, 12);
    }
}

#[test]
fn the_original_gif_converts_to_h264_with_every_frame() {
    // 400x225 (odd height) GIF -> H.264 mp4 of 400x226, 70 frames.
    let gif = common::mirror_file("input1.gif");
    let mut reader = VideoReader::open(&Source::File(gif)).expect("open the GIF");
    let path = scratch_dir("gif_to_mp4").join("input1.mp4");
    let mut writer = VideoWriter::create(
        &path,
        Codec::H264,
        reader.fps().expect("GIF fps"),
        reader.frame_size(),
    )
    .expect("create");
    while let Some(frame) = reader.next_frame().expect("decode") {
        writer.write(&frame.image).expect("write");
    }
    let summary = writer.finish().expect("finish");
    assert_eq!(summary.frames, 70);
    let back = read_back(&path);
    assert_eq!((back.frames, back.size), (70, ImageSize::new(400, 226)));
}

#[test]
fn dropping_the_writer_early_leaves_a_playable_file() {
    let path = scratch_dir("dropped").join("partial.mp4");
    {
        let _writer = write_frames(&path, Codec::H264, ImageSize::new(64, 48), 7);
        // Dropped here without finish(), as when a run stops on an error or ESC.
    }
    let back = read_back(&path);
    assert_eq!((back.frames, back.size), (7, ImageSize::new(64, 48)));
}

#[test]
fn input1_round_trips_through_the_writer() {
    let mut reader =
        VideoReader::open(&Source::File(test_video("input1.mp4"))).expect("open input1");
    let path = scratch_dir("round_trip").join("input1_copy.mp4");
    let mut writer = VideoWriter::create(
        &path,
        Codec::default(),
        reader.fps().expect("fps"),
        reader.frame_size(),
    )
    .expect("create");
    while let Some(frame) = reader.next_frame().expect("decode") {
        writer.write(&frame.image).expect("write");
    }
    assert_eq!(writer.finish().expect("finish").frames, 70);
    let mut copy = VideoReader::open(&Source::File(path)).expect("reopen");
    assert_eq!(copy.frame_count(), Some(70));
    assert_eq!(copy.frame_size(), ImageSize::new(400, 224));
    assert_eq!(copy.fps(), Some(10.0));
    let mut frames = 0;
    while copy.next_frame().expect("decode the copy").is_some() {
        frames += 1;
    }
    assert_eq!(frames, 70);
}

#[test]
fn a_frame_of_another_size_is_rejected_naming_both_sizes() {
    let path = scratch_dir("mismatch").join("out.mp4");
    let mut writer =
        VideoWriter::create(&path, Codec::H264, 25.0, ImageSize::new(64, 48)).expect("create");
    let err = writer
        .write(&coloured_frame(ImageSize::new(32, 48), 0))
        .expect_err("wrong size");
    assert!(matches!(err, VideoError::FrameSizeMismatch { .. }), "{err}");
    assert!(
        err.to_string().contains("32x48") && err.to_string().contains("64x48"),
        "{err}"
    );
}

#[test]
fn unusable_settings_and_containers_are_errors() {
    let dir = scratch_dir("bad_settings");
    let size = ImageSize::new(64, 48);
    for (fps, size) in [(0.0, size), (f64::NAN, size), (25.0, ImageSize::new(0, 48))] {
        let err = VideoWriter::create(dir.join("x.mp4"), Codec::H264, fps, size)
            .err()
            .expect("invalid settings");
        assert!(
            matches!(err, VideoError::InvalidWriterSettings { .. }),
            "{err}"
        );
    }
    // WebM takes neither H.264 nor MPEG-4 Part 2: both are tried, then a clear error.
    let err = VideoWriter::create(dir.join("x.webm"), Codec::H264, 25.0, size)
        .err()
        .expect("webm refuses H.264");
    assert!(matches!(err, VideoError::OpenWriter { .. }), "{err}");
    assert!(err.to_string().contains("h264, mp4v"), "{err}");
}

#[test]
fn the_writer_creates_missing_parent_directories() {
    let path = scratch_dir("parents").join("a/b/out.avi");
    write_frames(&path, Codec::Mjpg, ImageSize::new(32, 32), 3)
        .finish()
        .expect("finish");
    assert_eq!(read_back(&path).frames, 3);
}

fn write_h264(path: &Path, settings: H264Settings, count: u64) -> Option<H264Settings> {
    let size = ImageSize::new(160, 96);
    let mut writer =
        VideoWriter::create_with(path, Codec::H264, 10.0, size, settings).expect("create");
    for index in 0..count {
        writer
            .write(&coloured_frame(size, index))
            .expect("write a frame");
    }
    let used = writer.h264_settings();
    writer.finish().expect("finish");
    used
}

#[test]
fn h264_preset_and_quality_reach_libx264() {
    let dir = scratch_dir("h264_settings");
    // veryfast: one reference frame, 10 frames of lookahead; medium: 3 and 40 (x264's presets).
    for (preset, crf, expected) in [
        (
            H264Preset::Veryfast,
            23,
            ["ref=1 ", "rc_lookahead=10 ", "crf=23.0 "],
        ),
        (
            H264Preset::Medium,
            23,
            ["ref=3 ", "rc_lookahead=40 ", "crf=23.0 "],
        ),
        (
            H264Preset::Ultrafast,
            40,
            ["ref=1 ", "cabac=0 ", "crf=40.0 "],
        ),
    ] {
        let settings = H264Settings::new(preset, crf).expect("valid settings");
        let path = dir.join(format!("{preset}_{crf}.mp4"));
        assert_eq!(write_h264(&path, settings, 12), Some(settings));
        let options = video_io::x264_options(&path)
            .expect("read the file")
            .expect("x264's options in the stream");
        for needle in expected {
            assert!(
                options.contains(needle),
                "{preset}: no {needle:?} in {options}"
            );
        }
        let back = read_back(&path);
        assert_eq!(
            (back.frames, back.fourcc.as_str()),
            (12, "avc1"),
            "{preset}"
        );
        assert_colours_in_order(&back, 12);
    }
}

#[test]
fn a_tune_reaches_libx264_on_top_of_the_preset() {
    let path = scratch_dir("h264_tune").join("zerolatency.mp4");
    let settings = H264Settings::default().with_tune(Some(H264Tune::Zerolatency));
    assert_eq!(write_h264(&path, settings, 12), Some(settings));
    let options = video_io::x264_options(&path)
        .expect("read the file")
        .expect("x264's options in the stream");
    // zerolatency: no B-frames, no macroblock tree and no lookahead (x264 then writes no
    // rc_lookahead, where veryfast alone writes rc_lookahead=10); veryfast's one reference.
    for needle in ["bframes=0 ", "mbtree=0 ", "ref=1 "] {
        assert!(options.contains(needle), "no {needle:?} in {options}");
    }
    assert!(!options.contains("rc_lookahead="), "{options}");
    let back = read_back(&path);
    assert_eq!(back.frames, 12);
    assert_colours_in_order(&back, 12);
}

#[test]
fn other_codecs_report_no_h264_settings() {
    let path = scratch_dir("no_h264_settings").join("out.avi");
    let writer = write_frames(&path, Codec::Mjpg, ImageSize::new(32, 32), 2);
    assert_eq!(writer.h264_settings(), None);
    assert_eq!(writer.finish().expect("finish").frames, 2);
    assert_eq!(video_io::x264_options(&path).expect("read the file"), None);
}

#[test]
fn every_frame_keeps_its_duration_in_the_mp4() {
    // Without packet durations the MP4 muxer gives the last frame none and players drop it.
    let path = scratch_dir("durations").join("out.mp4");
    write_h264(&path, H264Settings::default(), 30);
    let mut copy = VideoReader::open(&Source::File(path)).expect("reopen");
    assert_eq!(copy.fps(), Some(10.0));
    let mut timestamps = Vec::new();
    while let Some(frame) = copy.next_frame().expect("decode") {
        timestamps.push(frame.timestamp_ms);
    }
    assert_eq!(timestamps.len(), 30);
    assert_eq!(timestamps.last().copied(), Some(2900.0));
}
