//! The reader on hostile inputs, made at test time by `test-clips`:
//! phone-rotated and mirrored clips, damaged data, a stream that changes size, variable frame
//! rates, a one-frame-per-day rate and non-square pixels.

mod common;

use std::path::Path;

use common::{scratch_dir, test_video};
use face::ImageSize;
use opencv::core::{self, Mat, Scalar};
use test_clips::{ClipSize, Orientation, PixelShape, Rotation};
use video_io::{Frame, SampleAspectRatio, Source, VideoReader, mat_size};

/// Frames of input1.mp4.
const INPUT1_FRAMES: usize = 70;
/// input1.mp4's size.
const INPUT1_SIZE: ImageSize = ImageSize::new(400, 224);
/// input1.mp4 runs at 10 fps.
const INPUT1_FRAME_MS: f64 = 100.0;
/// Mean absolute difference per sample under which two frames count as the same picture
/// (they are the same decoded pixels, or one is a re-encode of the other).
const SAME_PICTURE: f64 = 3.0;

fn open(path: &Path) -> VideoReader {
    VideoReader::open(&Source::File(path.to_path_buf()))
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()))
}

fn read_all(reader: &mut VideoReader) -> Vec<Frame> {
    let mut frames = Vec::new();
    while let Some(frame) = reader.next_frame().expect("decode") {
        frames.push(frame);
    }
    frames
}

/// Mean absolute difference per sample of two images of one size.
fn mean_abs_diff(a: &Mat, b: &Mat) -> f64 {
    assert_eq!(mat_size(a), mat_size(b), "sizes differ");
    let mut diff = Mat::default();
    core::absdiff(a, b, &mut diff).expect("absdiff");
    let mean: Scalar = core::mean_def(&diff).expect("mean");
    (mean[0] + mean[1] + mean[2]) / 3.0
}

/// `image` as a player shows a clip of `orientation`: turned counter-clockwise, then mirrored.
fn turned_like_a_player(image: &Mat, orientation: Orientation) -> Mat {
    let code = match orientation.rotation {
        Rotation::None => None,
        Rotation::Ccw90 => Some(core::ROTATE_90_COUNTERCLOCKWISE),
        Rotation::Ccw180 => Some(core::ROTATE_180),
        Rotation::Ccw270 => Some(core::ROTATE_90_CLOCKWISE),
    };
    let mut out = image.clone();
    if let Some(code) = code {
        core::rotate(image, &mut out, code).expect("rotate");
    }
    for (flip, axis) in [(orientation.hflip, 1), (orientation.vflip, 0)] {
        if flip {
            let mut flipped = Mat::default();
            core::flip(&out, &mut flipped, axis).expect("flip");
            out = flipped;
        }
    }
    out
}

#[test]
fn every_display_orientation_gives_upright_frames_of_the_shown_size() {
    let dir = scratch_dir("orientations");
    let source = test_video("input1.mp4");
    let mut plain = open(&source);
    let reference: Vec<Mat> = (0..3)
        .map(|_| plain.next_frame().expect("decode").expect("frame").image)
        .collect();
    let mut cases: Vec<Orientation> = Rotation::ALL
        .into_iter()
        .flat_map(|rotation| {
            [false, true].map(|hflip| Orientation {
                rotation,
                hflip,
                vflip: false,
            })
        })
        .collect();
    cases.push(Orientation {
        vflip: true,
        ..Orientation::default()
    });
    for orientation in cases {
        let path = dir.join(format!(
            "{:?}-h{}-v{}.mp4",
            orientation.rotation, orientation.hflip, orientation.vflip
        ));
        test_clips::oriented_copy(&source, &path, orientation).expect("write the oriented copy");
        let mut reader = open(&path);
        let sideways = matches!(orientation.rotation, Rotation::Ccw90 | Rotation::Ccw270);
        let shown = if sideways {
            ImageSize::new(INPUT1_SIZE.height, INPUT1_SIZE.width)
        } else {
            INPUT1_SIZE
        };
        assert_eq!(reader.frame_size(), shown, "{orientation:?}");
        assert!(
            reader.describe().contains(&shown.to_string()),
            "{}",
            reader.describe()
        );
        for (index, original) in reference.iter().enumerate() {
            let frame = reader.next_frame().expect("decode").expect("a frame");
            let expected = turned_like_a_player(original, orientation);
            let difference = mean_abs_diff(&frame.image, &expected);
            assert!(
                difference < SAME_PICTURE,
                "{orientation:?} frame {index}: differs by {difference:.1} from the turned original"
            );
        }
    }
}

#[test]
fn a_phone_rotated_face_clip_decodes_all_its_frames_upright() {
    let dir = scratch_dir("rotated_face_clip");
    let source = test_video("man_and_girl.mp4");
    let path = dir.join("portrait.mp4");
    let phone = Orientation {
        rotation: Rotation::Ccw270,
        ..Orientation::default()
    };
    test_clips::oriented_copy(&source, &path, phone).expect("write the rotated copy");
    let original = open(&source);
    let stored = original.frame_size();
    let expected_count = original
        .frame_count()
        .expect("an mp4 states its frame count");
    let mut reader = open(&path);
    let frames = read_all(&mut reader);
    assert_eq!(frames.len() as u64, expected_count);
    let upright = ImageSize::new(stored.height, stored.width);
    assert!(frames.iter().all(|f| f.size() == upright));
    assert_eq!(reader.lost_frames(), 0);
}

/// Copies `src` to `dst` with `bytes` bytes damaged at the start of each of `packets` (the
/// video packets by index), where the decoder has to refuse the packet.
fn damage_packets(src: &Path, dst: &Path, packets: &[usize], bytes: usize) {
    let spans = test_clips::video_packets(src).expect("list the packets");
    std::fs::copy(src, dst).expect("copy");
    for &packet in packets {
        let fraction = test_clips::fraction_at(dst, spans[packet].offset).expect("fraction");
        let offset = test_clips::corrupted_copy(dst, dst, fraction, bytes).expect("damage");
        assert_eq!(
            offset as u64, spans[packet].offset,
            "aimed at packet {packet}"
        );
    }
}

#[test]
fn damaged_packets_cost_only_their_frames_and_are_counted() {
    let dir = scratch_dir("damaged_packets");
    let source = test_video("input1.mp4");
    let original_len = std::fs::metadata(&source).expect("stat").len();
    // OpenCV stopped at the first damaged packet (24 frames of 70 for the first case).
    for packets in [vec![24], vec![24, 40], vec![10, 35, 50]] {
        let path = dir.join(format!("damaged-{packets:?}.mp4"));
        damage_packets(&source, &path, &packets, 8);
        assert_eq!(std::fs::metadata(&path).expect("stat").len(), original_len);
        let mut reader = open(&path);
        let frames = read_all(&mut reader);
        let lost = reader.lost_frames();
        assert_eq!(lost, packets.len() as u64, "damaged packets {packets:?}");
        assert_eq!(frames.len() as u64 + lost, INPUT1_FRAMES as u64);
        assert!(frames.windows(2).all(|w| w[0].pts < w[1].pts));
    }
}

#[test]
fn damage_inside_the_data_is_concealed_and_all_frames_decode() {
    let dir = scratch_dir("damaged_data");
    let source = test_video("input1.mp4");
    for (fraction, bytes) in [(0.3, 16), (0.5, 8), (0.7, 64)] {
        let path = dir.join(format!("damaged-{fraction}-{bytes}.mp4"));
        test_clips::corrupted_copy(&source, &path, fraction, bytes)
            .expect("write the damaged copy");
        let mut reader = open(&path);
        let decoded = read_all(&mut reader).len();
        assert!(
            decoded >= 60,
            "only {decoded} of {INPUT1_FRAMES} frames at {fraction}"
        );
        assert_eq!(decoded as u64 + reader.lost_frames(), INPUT1_FRAMES as u64);
    }
}

#[test]
fn a_damaged_first_keyframe_fails_at_open_naming_the_file() {
    let dir = scratch_dir("damaged_keyframe");
    let path = dir.join("no_keyframe.mp4");
    damage_packets(&test_video("input1.mp4"), &path, &[0], 8);
    let err = VideoReader::open(&Source::File(path))
        .err()
        .expect("nothing decodes");
    assert!(
        matches!(err, video_io::VideoError::Undecodable { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("no_keyframe.mp4"), "{err}");
}

#[test]
fn a_stream_that_changes_size_is_followed_without_stale_frames() {
    let dir = scratch_dir("joined_ts");
    let small = test_video("input1.mp4");
    let large = dir.join("large.mp4");
    let large_size = ImageSize::new(800, 448);
    let written = test_clips::scaled_copy(
        &small,
        &large,
        ClipSize {
            width: 800,
            height: 448,
        },
    )
    .expect("scale");
    let joined = dir.join("joined.ts");
    test_clips::joined_transport_stream(&small, &large, &joined).expect("join");

    let first_large = open(&large).next_frame().expect("decode").expect("frame");
    let last_small = read_all(&mut open(&small)).pop().expect("frames");
    let mut reader = open(&joined);
    let frames = read_all(&mut reader);
    let switch = frames
        .iter()
        .position(|f| f.size() != INPUT1_SIZE)
        .expect("the size changes");
    assert!(frames[..switch].iter().all(|f| f.size() == INPUT1_SIZE));
    assert!(frames[switch..].iter().all(|f| f.size() == large_size));
    assert!(switch.abs_diff(INPUT1_FRAMES) <= 2, "{switch} small frames");
    let large_count = frames.len() - switch;
    assert!(
        large_count.abs_diff(written as usize) <= 2,
        "{large_count} large frames of {written}"
    );
    // The frames on either side of the switch are the parts' own last and first pictures.
    assert!(mean_abs_diff(&frames[switch - 1].image, &last_small.image) < SAME_PICTURE);
    assert!(mean_abs_diff(&frames[switch].image, &first_large.image) < SAME_PICTURE);
    assert!(
        frames.windows(2).all(|w| w[0].pts < w[1].pts),
        "times increase"
    );
}

#[test]
fn variable_frame_rate_times_are_the_stored_ones() {
    let dir = scratch_dir("vfr");
    let times = [0, 40, 80, 500, 520, 540, 3000, 5000, 5033, 5066];
    for extension in ["mkv", "mp4"] {
        let path = dir.join(format!("vfr.{extension}"));
        test_clips::variable_frame_rate_clip(
            &path,
            &times,
            ClipSize {
                width: 160,
                height: 96,
            },
        )
        .expect("write the clip");
        let mut reader = open(&path);
        let frames = read_all(&mut reader);
        let got: Vec<f64> = frames.iter().map(|f| f.timestamp_ms).collect();
        assert_eq!(got.len(), times.len(), "{extension}: {got:?}");
        for (frame, expected) in got.iter().zip(times) {
            assert!(
                (frame - expected as f64).abs() <= 1.0,
                "{extension}: {got:?}"
            );
        }
        let pts: Vec<i64> = frames
            .iter()
            .map(|f| f.pts.expect("a file frame has a pts"))
            .collect();
        assert!(pts.windows(2).all(|w| w[0] < w[1]), "{extension}: {pts:?}");
        let timing = reader.timing().expect("a file has timing");
        for (frame, ticks) in frames.iter().zip(&pts) {
            assert_eq!(frame.timestamp_ms, timing.time_base.ticks_to_ms(*ticks));
        }
    }
}

#[test]
fn one_frame_per_100000_seconds_is_timed_right_and_not_read_as_16384_fps() {
    let dir = scratch_dir("very_slow");
    let seconds_ms = 100_000_000;
    let path = dir.join("slow.mkv");
    test_clips::variable_frame_rate_clip(
        &path,
        &[0, seconds_ms],
        ClipSize {
            width: 64,
            height: 64,
        },
    )
    .expect("write the clip");
    let mut reader = open(&path);
    let fps = reader.fps();
    assert!(fps.is_none_or(|fps| fps < 1.0), "fps {fps:?}");
    assert_eq!(reader.timing().expect("timing").average_fps, fps);
    let frames = read_all(&mut reader);
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[0].timestamp_ms, 0.0);
    assert!(
        (frames[1].timestamp_ms - seconds_ms as f64).abs() <= 1.0,
        "{}",
        frames[1].timestamp_ms
    );
}

#[test]
fn a_stated_pixel_shape_is_reported() {
    let dir = scratch_dir("anamorphic");
    for (num, den) in [(4, 3), (8, 9)] {
        let path = dir.join(format!("sar-{num}-{den}.mp4"));
        test_clips::anamorphic_clip(&path, PixelShape { num, den }).expect("write the clip");
        let reader = open(&path);
        let timing = reader.timing().expect("timing");
        assert_eq!(
            timing.sample_aspect_ratio,
            Some(SampleAspectRatio::new(num, den))
        );
        // Turned a quarter, the pixels are turned too.
        let turned = dir.join(format!("sar-{num}-{den}-turned.mp4"));
        let quarter = Orientation {
            rotation: Rotation::Ccw90,
            ..Orientation::default()
        };
        test_clips::oriented_copy(&path, &turned, quarter).expect("turn");
        let timing = open(&turned).timing().expect("timing");
        assert_eq!(
            timing.sample_aspect_ratio,
            Some(SampleAspectRatio::new(den, num))
        );
    }
}

#[test]
fn input1_frames_are_100_ms_apart_from_zero() {
    let mut reader = open(&test_video("input1.mp4"));
    let timing = reader.timing().expect("timing");
    assert_eq!(timing.average_fps, Some(10.0));
    let frames = read_all(&mut reader);
    assert_eq!(frames.len(), INPUT1_FRAMES);
    for (index, frame) in frames.iter().enumerate() {
        assert!(
            (frame.timestamp_ms - index as f64 * INPUT1_FRAME_MS).abs() < 1e-6,
            "{index}"
        );
        assert!(frame.pts.is_some());
    }
    assert_eq!(reader.lost_frames(), 0);
}

#[test]
fn the_reader_can_move_to_a_decode_thread() {
    fn assert_send<T: Send>() {}
    assert_send::<VideoReader>();
}
