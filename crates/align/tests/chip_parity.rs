//! Our face chips against dlib's own (`scripts/dlib_reference/chips.py`, PyPI `dlib-bin`):
//! `get_face_chip_details` geometry from the five points dlib's shape predictor found on
//! All-Age-Faces photos, and `extract_image_chip` pixels of a synthetic image of each photo's
//! size (the photos' own pixels may not be committed).

use align::{ChipDetails, ChipRect, DLIB5_TEMPLATE, extract_chip};
use face::{BgrImage, LandmarkScheme, Landmarks, Point};
use serde::Deserialize;

/// The acceptance: rectangle corners within half a pixel of dlib's.
const MAX_CORNER_ERROR_PX: f64 = 0.5;
/// The acceptance: chip pixels within 1 grey level of dlib's on average.
const MAX_MEAN_ABS_DIFF: f64 = 1.0;
/// Our geometry follows dlib's formulas; only rounding of the 2x2 SVD differs.
const MAX_ANGLE_ERROR_RAD: f64 = 1e-9;

#[derive(Deserialize)]
struct Reference {
    photos: Vec<Photo>,
    shifted: Vec<Shifted>,
}

#[derive(Deserialize)]
struct Photo {
    path: String,
    width: usize,
    height: usize,
    points: Vec<[f64; 2]>,
    geometry: Vec<Geometry>,
    pixels: Vec<PixelChip>,
}

#[derive(Deserialize)]
struct Geometry {
    size: u32,
    padding: f64,
    rect: [f64; 4],
    angle: f64,
    rows: u32,
    cols: u32,
}

#[derive(Deserialize)]
struct PixelChip {
    size: u32,
    padding: f64,
    rect: [f64; 4],
    angle: f64,
    rows: u32,
    cols: u32,
    bgr_hex: String,
}

#[derive(Deserialize)]
struct Shifted {
    size: u32,
    padding: f64,
    points: Vec<[f64; 2]>,
    rect: [f64; 4],
    angle: f64,
    rows: u32,
    cols: u32,
    bgr_hex: String,
}

fn reference() -> Reference {
    let text = include_str!("data/chip_dlib.json");
    serde_json::from_str(text).expect("chip_dlib.json parses")
}

/// The synthetic textured image of `chips.py` (`synthetic_rgb`), in BGR.
fn synthetic_bgr(width: usize, height: usize) -> Vec<u8> {
    let mut data = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            let red = (3 * x + 2 * y) % 256;
            let green = ((x / 7 + y / 5) % 2) * 160 + (x * y) % 97;
            let blue = ((x + 2 * y) % 17) * 15;
            data.extend([blue as u8, green as u8, red as u8]);
        }
    }
    data
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn rect_of(corners: [f64; 4]) -> ChipRect {
    ChipRect {
        left: corners[0],
        top: corners[1],
        right: corners[2],
        bottom: corners[3],
    }
}

fn corner_error(ours: &ChipRect, dlib: [f64; 4]) -> f64 {
    [
        ours.left - dlib[0],
        ours.top - dlib[1],
        ours.right - dlib[2],
        ours.bottom - dlib[3],
    ]
    .iter()
    .fold(0.0, |worst, d| d.abs().max(worst))
}

fn landmarks(points: &[[f64; 2]]) -> Landmarks {
    // dlib's shape predictor points are whole pixels here: exact in f32.
    let points = points
        .iter()
        .map(|p| Point::new(p[0] as f32, p[1] as f32))
        .collect();
    Landmarks::new(LandmarkScheme::Dlib5, points).expect("five points")
}

/// Mean and largest absolute difference of two byte buffers of one length.
fn differences(ours: &[u8], dlib: &[u8]) -> (f64, u8) {
    assert_eq!(ours.len(), dlib.len());
    let (sum, max) = ours
        .iter()
        .zip(dlib)
        .fold((0u64, 0u8), |(sum, max), (a, b)| {
            let d = a.abs_diff(*b);
            (sum + u64::from(d), max.max(d))
        });
    (sum as f64 / ours.len() as f64, max)
}

#[test]
fn chip_geometry_matches_get_face_chip_details() {
    let reference = reference();
    let mut worst_corner = 0.0f64;
    let mut worst_angle = 0.0f64;
    let mut cases = 0;
    for photo in &reference.photos {
        let marks = landmarks(&photo.points);
        for g in &photo.geometry {
            let ours = ChipDetails::from_landmarks(&marks, g.size, g.padding).unwrap();
            assert_eq!((ours.rows, ours.cols), (g.rows, g.cols), "{}", photo.path);
            let corner = corner_error(&ours.rect, g.rect);
            let angle = (ours.angle - g.angle).abs();
            assert!(
                corner <= MAX_CORNER_ERROR_PX && angle <= MAX_ANGLE_ERROR_RAD,
                "{} size {} padding {}: corners off by {corner} px, angle by {angle}",
                photo.path,
                g.size,
                g.padding
            );
            worst_corner = worst_corner.max(corner);
            worst_angle = worst_angle.max(angle);
            cases += 1;
        }
    }
    assert_eq!(cases, 20 * 4 * 3, "every photo, size and padding");
    println!(
        "geometry: {cases} chips, worst corner {worst_corner:e} px, worst angle {worst_angle:e} rad"
    );
}

/// Our chip of the synthetic image against dlib's, from dlib's details and from ours.
fn compare_pixels(
    label: &str,
    image: &BgrImage<'_>,
    ours: &ChipDetails,
    dlib: &ChipDetails,
    dlib_hex: &str,
) -> (f64, u8) {
    let expected = unhex(dlib_hex);
    let from_dlib = extract_chip(image, dlib).unwrap();
    let from_ours = extract_chip(image, ours).unwrap();
    assert_eq!(
        (from_ours.width(), from_ours.height()),
        (dlib.cols as usize, dlib.rows as usize)
    );
    let (mad_dlib, max_dlib) = differences(from_dlib.data(), &expected);
    let (mad_ours, max_ours) = differences(from_ours.data(), &expected);
    println!(
        "{label}: dlib's details MAD {mad_dlib:.4} max {max_dlib}; our details MAD {mad_ours:.4} max {max_ours}"
    );
    for mad in [mad_dlib, mad_ours] {
        assert!(
            mad <= MAX_MEAN_ABS_DIFF,
            "{label}: mean abs difference {mad}"
        );
    }
    (mad_dlib.max(mad_ours), max_dlib.max(max_ours))
}

#[test]
fn chip_pixels_match_extract_image_chip() {
    let reference = reference();
    let (mut worst_mad, mut worst_max, mut chips) = (0.0f64, 0u8, 0);
    for photo in &reference.photos {
        let data = synthetic_bgr(photo.width, photo.height);
        let image = BgrImage::packed(photo.width, photo.height, &data).unwrap();
        let marks = landmarks(&photo.points);
        for p in &photo.pixels {
            let ours = ChipDetails::from_landmarks(&marks, p.size, p.padding).unwrap();
            let dlib = ChipDetails {
                rect: rect_of(p.rect),
                angle: p.angle,
                rows: p.rows,
                cols: p.cols,
            };
            let label = format!("{} {}px pad {}", photo.path, p.size, p.padding);
            let (mad, max) = compare_pixels(&label, &image, &ours, &dlib, &p.bgr_hex);
            worst_mad = worst_mad.max(mad);
            worst_max = worst_max.max(max);
            chips += 1;
        }
    }
    assert_eq!(chips, 20 + 10 + 2, "the chips chips.py records");
    println!(
        "pixels: {chips} chips, worst MAD {worst_mad:.4}, worst single difference {worst_max}"
    );
}

#[test]
fn chips_partly_outside_the_image_are_black_there_as_dlibs() {
    let reference = reference();
    let first = &reference.photos[0];
    let data = synthetic_bgr(first.width, first.height);
    let image = BgrImage::packed(first.width, first.height, &data).unwrap();
    for (i, s) in reference.shifted.iter().enumerate() {
        let place = |v: f64| (s.padding + v) / (2.0 * s.padding + 1.0) * f64::from(s.size);
        let chip_points: Vec<[f64; 2]> = DLIB5_TEMPLATE
            .iter()
            .map(|p| [place(p[0]), place(p[1])])
            .collect();
        let ours = ChipDetails::from_point_pairs(&chip_points, &s.points, s.size).unwrap();
        let corner = corner_error(&ours.rect, s.rect);
        assert!(
            corner <= MAX_CORNER_ERROR_PX,
            "shifted {i}: corners off by {corner}"
        );
        assert!(
            (ours.angle - s.angle).abs() <= MAX_ANGLE_ERROR_RAD,
            "shifted {i}"
        );
        let dlib = ChipDetails {
            rect: rect_of(s.rect),
            angle: s.angle,
            rows: s.rows,
            cols: s.cols,
        };
        compare_pixels(&format!("shifted {i}"), &image, &ours, &dlib, &s.bgr_hex);
        // The test must see black: some chips reach out of the image.
        let expected = unhex(&s.bgr_hex);
        let black = expected.chunks_exact(3).filter(|p| p == &[0, 0, 0]).count();
        println!("shifted {i}: {black} black pixels in dlib's chip");
    }
    // The synthetic image has hardly any black pixels of its own: a tenth of a chip black means
    // the chip reaches well outside the image, as these cases must.
    let mostly_outside = reference.shifted.iter().any(|s| {
        let expected = unhex(&s.bgr_hex);
        let black = expected.chunks_exact(3).filter(|p| p == &[0, 0, 0]).count();
        black * 10 > expected.len() / 3
    });
    assert!(
        mostly_outside,
        "a shifted case must reach well outside the image"
    );
}

/// Repetitions of the timing below: few in a debug build (about 15 ms a chip), enough for a
/// steady figure in release.
const TIMING_REPEATS: u32 = if cfg!(debug_assertions) { 5 } else { 2000 };

#[test]
fn chip_time_of_64_and_32_pixel_chips_from_a_150_pixel_face() {
    // The first photo's face: dlib's box is 155 px wide. Run in release for the figure:
    // `cargo test -p align --release --test chip_parity chip_time -- --nocapture`.
    let reference = reference();
    let photo = &reference.photos[0];
    let data = synthetic_bgr(photo.width, photo.height);
    let image = BgrImage::packed(photo.width, photo.height, &data).unwrap();
    let marks = landmarks(&photo.points);
    for size in [64, 32] {
        let details = ChipDetails::from_landmarks(&marks, size, 0.2).unwrap();
        let first = extract_chip(&image, &details).unwrap();
        let start = std::time::Instant::now();
        for _ in 0..TIMING_REPEATS {
            let chip = extract_chip(&image, std::hint::black_box(&details)).unwrap();
            assert_eq!(chip, first, "extraction is deterministic");
        }
        let per_chip = start.elapsed() / TIMING_REPEATS;
        println!(
            "{size}x{size} chip from a {:.0} px rectangle: {per_chip:?} per chip",
            details.rect.width()
        );
    }
}
