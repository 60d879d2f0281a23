//! Reading real videos, images and directories from `../shared`.

mod common;

use std::path::PathBuf;

use common::{mirror_file, scratch_dir, shared_dir, test_video};
use face::ImageSize;
use opencv::core::{CV_8UC1, CV_8UC3, CV_8UC4, Mat, Scalar, Vec3b, Vector};
use opencv::imgcodecs;
use opencv::prelude::*;
use video_io::{Source, VideoError, VideoReader, pick_video, video_candidates};

/// Reads every frame, checking each is BGR 8-bit of the reader's size and indexed in order.
fn read_all(reader: &mut VideoReader) -> Vec<video_io::Frame> {
    let mut frames = Vec::new();
    while let Some(frame) = reader.next_frame().expect("decode a frame") {
        assert_eq!(frame.index, frames.len() as u64);
        assert_eq!(
            frame.image.typ(),
            CV_8UC3,
            "frame {} is not BGR 8-bit",
            frame.index
        );
        frames.push(frame);
    }
    frames
}

#[test]
fn input1_mp4_has_70_frames_of_400x224_at_its_fps() {
    let mut reader = VideoReader::open(&Source::File(test_video("input1.mp4"))).expect("open");
    assert_eq!(reader.frame_count(), Some(70));
    assert_eq!(reader.frame_size(), ImageSize::new(400, 224));
    let fps = reader.fps().expect("an mp4 has a frame rate");
    assert!(
        (fps - 10.0).abs() < 1e-6,
        "input1.mp4 runs at 10 fps, got {fps}"
    );
    let frames = read_all(&mut reader);
    assert_eq!(frames.len(), 70);
    assert!(frames.iter().all(|f| f.size() == ImageSize::new(400, 224)));
    assert_eq!(frames[69].timestamp_ms, 6900.0);
    assert!(
        reader.describe().contains("400x224"),
        "{}",
        reader.describe()
    );
    assert!(
        reader.next_frame().expect("end").is_none(),
        "stays at the end"
    );
}

#[test]
fn the_original_gif_decodes_all_70_frames() {
    // input1.gif: 70 frames of 400x225, 10 cs each (counted by parsing the GIF blocks).
    let mut reader = VideoReader::open(&Source::File(mirror_file("input1.gif"))).expect("open");
    assert_eq!(reader.frame_size(), ImageSize::new(400, 225));
    assert_eq!(reader.fps(), Some(10.0));
    assert_eq!(reader.frame_count(), Some(70));
    let frames = read_all(&mut reader);
    assert_eq!(frames.len(), 70);
    assert!(frames.iter().all(|f| f.size() == ImageSize::new(400, 225)));
}

#[test]
fn tv_5_frames_has_five_frames() {
    let source = Source::parse(&test_video("tv_5_frames.mp4").to_string_lossy());
    assert!(matches!(source, Source::File(_)), "{source:?}");
    let mut reader = VideoReader::open(&source).expect("open");
    let frames = read_all(&mut reader);
    assert_eq!(frames.len(), 5);
    assert_eq!(reader.frame_count(), Some(5));
}

#[test]
fn an_xvid_avi_opens_with_its_size_and_rate() {
    let mut reader =
        VideoReader::open(&Source::File(test_video("megamind_animated.avi"))).expect("open");
    assert_eq!(reader.frame_size(), ImageSize::new(720, 528));
    let fps = reader.fps().expect("an AVI has a frame rate");
    assert!((fps - 23.976).abs() < 0.01, "{fps}");
    // AVI stores no presentation times: the decoder's one-frame delay puts the first frame at
    // one frame duration (as FFmpeg's players show it), and each next one a frame later.
    let frame_ms = 1000.0 / fps;
    let mut previous_ms: Option<f64> = None;
    for index in 0..10 {
        let frame = reader.next_frame().expect("decode").expect("a frame");
        assert_eq!(
            (frame.index, frame.size()),
            (index, ImageSize::new(720, 528))
        );
        assert_eq!(frame.image.typ(), CV_8UC3);
        match previous_ms {
            None => assert!(
                frame.timestamp_ms <= frame_ms + 1e-6,
                "{}",
                frame.timestamp_ms
            ),
            Some(previous) => assert!(
                (frame.timestamp_ms - previous - frame_ms).abs() < 1e-3,
                "frame {index} at {} ms after {previous} ms",
                frame.timestamp_ms
            ),
        }
        previous_ms = Some(frame.timestamp_ms);
    }
}

#[test]
fn a_jpeg_is_a_one_frame_source() {
    let faces = shared_dir().join("testdata/faces/utkface");
    let path = std::fs::read_dir(&faces)
        .expect("list the UTKFace crops")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".jpg"))
        .min()
        .expect("at least one face crop");
    let source = Source::parse(&path.to_string_lossy());
    assert_eq!(source, Source::Image(path.clone()));
    let mut reader = VideoReader::open(&source).expect("open");
    assert_eq!(reader.frame_count(), Some(1));
    assert_eq!(reader.fps(), None);
    assert_eq!(reader.frame_size(), ImageSize::new(200, 200));
    let frames = read_all(&mut reader);
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].timestamp_ms, 0.0);
}

/// Writes a 5x4 PNG of the given type and fill to `path`.
fn write_png(path: &PathBuf, typ: i32, fill: Scalar) {
    let image = Mat::new_rows_cols_with_default(4, 5, typ, fill).expect("allocate");
    let written = imgcodecs::imwrite(path, &image, &Vector::new()).expect("encode PNG");
    assert!(written, "wrote {}", path.display());
}

#[test]
fn an_image_directory_is_read_in_name_order_as_bgr() {
    let dir = scratch_dir("image_directory");
    write_png(&dir.join("b_gray.png"), CV_8UC1, Scalar::all(90.0));
    write_png(
        &dir.join("a_bgr.png"),
        CV_8UC3,
        Scalar::new(1.0, 2.0, 3.0, 0.0),
    );
    write_png(
        &dir.join("c_bgra.png"),
        CV_8UC4,
        Scalar::new(40.0, 50.0, 60.0, 128.0),
    );
    std::fs::write(dir.join("notes.txt"), "not an image").expect("write a stray file");

    let source = Source::parse(&dir.to_string_lossy());
    assert_eq!(source, Source::ImageDirectory(dir.clone()));
    let mut reader = VideoReader::open(&source).expect("open");
    assert_eq!(reader.frame_count(), Some(3));
    let pixels: Vec<[u8; 3]> = read_all(&mut reader)
        .iter()
        .map(|f| {
            let v = f.image.at_2d::<Vec3b>(2, 3).expect("pixel");
            [v[0], v[1], v[2]]
        })
        .collect();
    assert_eq!(pixels, [[1, 2, 3], [90, 90, 90], [40, 50, 60]]);
}

#[test]
fn directory_candidates_are_sorted_video_files() {
    let dir = shared_dir().join("testdata/videos");
    let names: Vec<String> = video_candidates(&dir)
        .expect("list")
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    for expected in ["input1.mp4", "megamind_animated.avi", "tv_5_frames.mp4"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
}

#[test]
fn a_seeded_directory_pick_is_reproducible_and_opens_the_picked_video() {
    let dir = scratch_dir("seeded_pick");
    for name in ["c.mp4", "a.mp4", "b.gif"] {
        std::fs::copy(test_video("tv_5_frames.mp4"), dir.join(name)).expect("copy a video");
    }
    std::fs::write(dir.join("readme.txt"), "ignored").expect("write a stray file");
    let candidates = video_candidates(&dir).expect("list");
    assert_eq!(
        candidates,
        ["a.mp4", "b.gif", "c.mp4"].map(|n| dir.join(n)).to_vec()
    );

    let first = pick_video(&dir, Some(42)).expect("pick");
    assert_eq!(first.seed, 42);
    assert_eq!(first.candidates, 3);
    for _ in 0..5 {
        assert_eq!(pick_video(&dir, Some(42)).expect("pick").path, first.path);
    }
    let picked: std::collections::BTreeSet<PathBuf> = (0..32)
        .map(|seed| pick_video(&dir, Some(seed)).expect("pick").path)
        .collect();
    assert_eq!(picked.len(), 3, "32 seeds reach every candidate");

    let source = Source::parse(&dir.to_string_lossy()).with_seed(Some(42));
    assert_eq!(
        source,
        Source::Directory {
            path: dir.clone(),
            seed: Some(42)
        }
    );
    let mut reader = VideoReader::open(&source).expect("open the picked video");
    assert_eq!(reader.resolved_path(), Some(first.path.as_path()));
    assert!(
        reader.describe().contains("seed 42"),
        "{}",
        reader.describe()
    );
    assert_eq!(read_all(&mut reader).len(), 5);
}

#[test]
fn a_directory_without_videos_is_an_error_naming_it() {
    let dir = scratch_dir("no_videos");
    std::fs::write(dir.join("a.txt"), "x").expect("write");
    let err = VideoReader::open(&Source::Directory {
        path: dir.clone(),
        seed: Some(1),
    })
    .err()
    .expect("no video to pick");
    assert!(matches!(err, VideoError::NoVideos { .. }), "{err}");
    assert!(err.to_string().contains(&*dir.to_string_lossy()), "{err}");
}

#[test]
fn a_missing_file_is_an_error_naming_the_path() {
    let path = shared_dir().join("testdata/videos/does_not_exist.mp4");
    let err = VideoReader::open(&Source::parse(&path.to_string_lossy()))
        .err()
        .expect("missing file");
    assert!(matches!(err, VideoError::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("does_not_exist.mp4"), "{err}");
}

#[test]
fn a_file_that_is_not_a_video_is_an_error_naming_the_path() {
    let dir = scratch_dir("not_a_video");
    let path = dir.join("fake.mp4");
    std::fs::write(&path, b"this is not a video").expect("write");
    let err = VideoReader::open(&Source::File(path))
        .err()
        .expect("not a video");
    assert!(
        matches!(
            err,
            VideoError::OpenVideo { .. } | VideoError::NoFrames { .. }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("fake.mp4"), "{err}");
}

#[test]
fn parse_recognises_cameras_images_and_files() {
    assert_eq!(Source::parse("0"), Source::Camera(0));
    assert_eq!(Source::parse(" 2 "), Source::Camera(2));
    assert_eq!(Source::parse("-1"), Source::File(PathBuf::from("-1")));
    assert_eq!(
        Source::parse("photo.JPG"),
        Source::Image(PathBuf::from("photo.JPG"))
    );
    assert_eq!(
        Source::parse("clip.avi"),
        Source::File(PathBuf::from("clip.avi"))
    );
}

#[test]
fn a_missing_camera_is_an_error_naming_its_index() {
    // No camera device exists in CI; index 97 is never present.
    match VideoReader::open(&Source::Camera(97)) {
        Err(err) => assert!(err.to_string().contains("97"), "{err}"),
        Ok(_) => panic!("camera 97 opened on this machine"),
    }
}
