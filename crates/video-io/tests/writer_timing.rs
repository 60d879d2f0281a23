//! The written video keeps the input's timing and pixel shape: each frame is shown at the time
//! it was given (variable rates, one frame per 100,000 s), read back with FFmpeg directly.

mod common;
#[path = "common/probe.rs"]
mod probe;

use std::path::Path;

use common::scratch_dir;
use face::ImageSize;
use opencv::core::{CV_8UC3, Mat, Scalar};
use probe::{Probe, probe};
use video_io::{Codec, H264Settings, OutputTiming, SampleAspectRatio, TimeBase, VideoWriter};

/// A small frame size, so the tests stay fast.
const SIZE: ImageSize = ImageSize::new(64, 48);
/// Millisecond ticks.
const MS: TimeBase = TimeBase::new(1, 1000);
/// Times of a variable-rate clip in milliseconds: bursts at 25 fps, then long pauses.
const VARIABLE_MS: [i64; 6] = [0, 40, 80, 1000, 1033, 5000];
/// The stated rate of that clip (the bursts').
const VARIABLE_FPS: f64 = 25.0;
/// Seconds between the frames of the slowest clip.
const SLOW_SECONDS: i64 = 100_000;
/// Anamorphic pixel shapes: 4:3 (DV widescreen-like) and 16:11 (PAL DV 16:9).
const WIDE: SampleAspectRatio = SampleAspectRatio::new(4, 3);
const PAL_WIDE: SampleAspectRatio = SampleAspectRatio::new(16, 11);
/// Allowed difference between written and read-back times.
const TOLERANCE_MS: f64 = 1.0;

/// The codecs and containers checked, with a file name.
const OUTPUTS: [(Codec, &str); 4] = [
    (Codec::H264, "h264.mp4"),
    (Codec::Mp4v, "mp4v.mp4"),
    (Codec::Mjpg, "mjpg.avi"),
    (Codec::H264, "h264.mkv"),
];

/// A frame whose colour changes with its index.
fn frame(index: usize) -> Mat {
    let level = (index * 40 % 240) as f64;
    Mat::new_rows_cols_with_default(
        SIZE.height,
        SIZE.width,
        CV_8UC3,
        Scalar::new(level, 128.0, 255.0 - level, 0.0),
    )
    .expect("allocate a frame")
}

/// Writes one frame per entry of `pts` with `timing` and reads the file back.
fn write_and_probe(path: &Path, codec: Codec, timing: &OutputTiming, pts: &[Option<i64>]) -> Probe {
    let mut writer = VideoWriter::create_timed(path, codec, SIZE, H264Settings::default(), timing)
        .expect("create the writer");
    assert_eq!(writer.codec(), codec, "{} fell back", path.display());
    for (index, &pts) in pts.iter().enumerate() {
        writer
            .write_timed(&frame(index), pts)
            .expect("write a frame");
    }
    assert_eq!(writer.finish().expect("finish").frames, pts.len() as u64);
    probe(path)
}

/// Each frame is read back at the time written, within a millisecond or one tick of the file.
fn assert_times(probe: &Probe, expected_ms: &[f64], what: &str) {
    let tolerance = TOLERANCE_MS.max(probe.tick_ms());
    assert_eq!(probe.times_ms.len(), expected_ms.len(), "{what}: {probe:?}");
    for (index, (&got, &wanted)) in probe.times_ms.iter().zip(expected_ms).enumerate() {
        assert!(
            (got - wanted).abs() <= tolerance,
            "{what}: frame {index} at {got} ms, written at {wanted} ms ({probe:?})"
        );
    }
}

fn assert_shape(probe: &Probe, sar: SampleAspectRatio, what: &str) {
    let got = probe.sample_aspect_ratio;
    assert_eq!(
        (got.numerator(), got.denominator()),
        (sar.num, sar.den),
        "{what}: pixel shape"
    );
}

#[test]
fn a_variable_rate_keeps_every_frames_time_and_the_pixel_shape() {
    let dir = scratch_dir("timing_variable");
    let timing = OutputTiming {
        fps: VARIABLE_FPS,
        time_base: Some(MS),
        sample_aspect_ratio: Some(WIDE),
    };
    let pts = VARIABLE_MS.map(Some);
    let expected = VARIABLE_MS.map(|ms| ms as f64);
    for (codec, name) in OUTPUTS {
        let back = write_and_probe(&dir.join(name), codec, &timing, &pts);
        assert_times(&back, &expected, name);
        assert_shape(&back, WIDE, name);
    }
}

#[test]
fn one_frame_per_100000_seconds_is_written_at_that_pace() {
    let dir = scratch_dir("timing_slow");
    let expected: Vec<f64> = (0..3).map(|i| (i * SLOW_SECONDS * 1000) as f64).collect();
    for (base, per_frame) in [
        (TimeBase::new(100_000, 1), 1),
        (TimeBase::new(1, 1), SLOW_SECONDS),
    ] {
        let timing = OutputTiming {
            fps: 1.0 / SLOW_SECONDS as f64,
            time_base: Some(base),
            sample_aspect_ratio: Some(PAL_WIDE),
        };
        let pts: Vec<Option<i64>> = (0..3).map(|i| Some(i * per_frame)).collect();
        for (codec, name) in OUTPUTS {
            let what = format!("{name} in {}/{}", base.num, base.den);
            let back = write_and_probe(&dir.join(name), codec, &timing, &pts);
            assert_times(&back, &expected, &what);
            assert_shape(&back, PAL_WIDE, &what);
        }
    }
}

#[test]
fn frames_without_timestamps_follow_at_the_nominal_rate() {
    let dir = scratch_dir("timing_missing");
    let timing = OutputTiming {
        fps: VARIABLE_FPS,
        time_base: Some(MS),
        sample_aspect_ratio: None,
    };
    // A timestamp, two frames without, a timestamp again. (AVI shows its first frame at 0,
    // whatever its time: its slots start there.)
    let pts = [Some(0), None, None, Some(1000)];
    for (codec, name) in OUTPUTS {
        let back = write_and_probe(&dir.join(name), codec, &timing, &pts);
        assert_times(&back, &[0.0, 40.0, 80.0, 1000.0], name);
        let sar = back.sample_aspect_ratio;
        assert!(
            sar.numerator() == sar.denominator() || sar.numerator() == 0,
            "{name}: square pixels, not {sar}"
        );
    }
}

#[test]
fn repeated_or_earlier_timestamps_move_just_after_the_previous_frame() {
    let path = scratch_dir("timing_repeated").join("out.mp4");
    let timing = OutputTiming {
        fps: VARIABLE_FPS,
        time_base: Some(MS),
        sample_aspect_ratio: None,
    };
    let pts = [0, 40, 40, 30, 100].map(Some);
    let back = write_and_probe(&path, Codec::H264, &timing, &pts);
    assert_times(&back, &[0.0, 40.0, 41.0, 42.0, 100.0], "repeated");
}

#[test]
fn fine_and_unusual_time_bases_are_rescaled_without_losing_time() {
    let dir = scratch_dir("timing_fine");
    // MPEG-TS's 90 kHz (finer than MPEG-4 Part 2 stores), nanoseconds, and NTSC's 1001/30000.
    for (base, name) in [
        (TimeBase::new(1, 90_000), "ts"),
        (TimeBase::new(1, 1_000_000_000), "ns"),
        (TimeBase::new(1001, 30_000), "ntsc"),
    ] {
        let timing = OutputTiming {
            fps: VARIABLE_FPS,
            time_base: Some(base),
            sample_aspect_ratio: None,
        };
        let to_ticks = |ms: i64| {
            (i128::from(ms) * i128::from(base.den) / (1000 * i128::from(base.num))) as i64
        };
        let pts = VARIABLE_MS.map(|ms| Some(to_ticks(ms)));
        let expected = VARIABLE_MS.map(|ms| base.ticks_to_ms(to_ticks(ms)));
        for (codec, file) in [(Codec::H264, "h264.mp4"), (Codec::Mp4v, "mp4v.mp4")] {
            let path = dir.join(format!("{name}_{file}"));
            let back = write_and_probe(&path, codec, &timing, &pts);
            assert_times(&back, &expected, &format!("{name} {file}"));
        }
    }
}

#[test]
fn a_fourcc_goes_through_ffmpeg_and_is_stored_as_asked() {
    let path = scratch_dir("timing_fourcc").join("xvid.avi");
    let timing = OutputTiming {
        fps: VARIABLE_FPS,
        time_base: Some(MS),
        sample_aspect_ratio: Some(WIDE),
    };
    let back = write_and_probe(
        &path,
        Codec::FourCc(*b"XVID"),
        &timing,
        &VARIABLE_MS.map(Some),
    );
    assert_eq!((back.codec.as_str(), &back.codec_tag), ("mpeg4", b"XVID"));
    assert_times(&back, &VARIABLE_MS.map(|ms| ms as f64), "XVID");
    assert_shape(&back, WIDE, "XVID");
}

#[test]
fn an_invalid_time_base_is_refused_naming_it() {
    let timing = OutputTiming {
        fps: VARIABLE_FPS,
        time_base: Some(TimeBase::new(0, 1000)),
        sample_aspect_ratio: None,
    };
    let path = scratch_dir("timing_invalid").join("out.mp4");
    let err = VideoWriter::create_timed(&path, Codec::H264, SIZE, H264Settings::default(), &timing)
        .err()
        .expect("a zero time base");
    assert!(err.to_string().contains("0/1000"), "{err}");
}
