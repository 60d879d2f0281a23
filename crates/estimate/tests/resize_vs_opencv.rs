//! `preprocess::resize_bilinear` against the system OpenCV's `imgproc::resize(INTER_LINEAR)` on
//! many shapes (up/down-scaling, odd sizes, 1xN and Nx1, exact 2x, same size), on noise,
//! gradients, real face photos and strided regions of interest.

mod common;

use estimate::BgrImage;
use estimate::preprocess::resize_bilinear;
use opencv::core::{Mat, Rect, Size, ToInputArray, Vec3b};
use opencv::imgcodecs;
use opencv::imgproc;
use opencv::prelude::*;

/// OpenCV's answer for a packed BGR image.
fn opencv_resize(width: usize, height: usize, bgr: &[u8], dw: usize, dh: usize) -> Vec<u8> {
    let src = Mat::new_rows_cols_with_bytes::<Vec3b>(height as i32, width as i32, bgr).unwrap();
    opencv_resize_mat(&src, dw, dh)
}

fn opencv_resize_mat(src: &impl ToInputArray, dw: usize, dh: usize) -> Vec<u8> {
    let mut dst = Mat::default();
    let size = Size::new(dw as i32, dh as i32);
    imgproc::resize(src, &mut dst, size, 0.0, 0.0, imgproc::INTER_LINEAR).unwrap();
    dst.data_bytes().unwrap().to_vec()
}

/// Deterministic xorshift64* bytes.
fn noise(len: usize, mut state: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

/// Smooth ramps per channel: stresses the rounding of nearly equal neighbours.
fn gradient(width: usize, height: usize) -> Vec<u8> {
    let mut data = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            data.push((x * 255 / width.max(2)) as u8);
            data.push((y * 255 / height.max(2)) as u8);
            data.push(((x + y) * 7 % 256) as u8);
        }
    }
    data
}

fn assert_same(label: &str, width: usize, height: usize, bgr: &[u8], dw: usize, dh: usize) {
    let image = BgrImage::packed(width, height, bgr).unwrap();
    let ours = resize_bilinear(&image, dw, dh).unwrap();
    let theirs = opencv_resize(width, height, bgr, dw, dh);
    assert_eq!(
        ours.len(),
        theirs.len(),
        "{label}: {width}x{height} -> {dw}x{dh}"
    );
    let differing: Vec<usize> = (0..ours.len()).filter(|&i| ours[i] != theirs[i]).collect();
    assert!(
        differing.is_empty(),
        "{label}: {width}x{height} -> {dw}x{dh}: {} of {} bytes differ, first at byte {} \
         (ours {}, OpenCV {})",
        differing.len(),
        ours.len(),
        differing[0],
        ours[differing[0]],
        theirs[differing[0]]
    );
}

/// Source and target sizes: every pair is tried in both directions.
const SHAPES: &[(usize, usize)] = &[
    (1, 1),
    (1, 7),
    (9, 1),
    (1, 64),
    (64, 1),
    (2, 2),
    (3, 5),
    (13, 11),
    (31, 32),
    (63, 64),
    (64, 64),
    (65, 66),
    (81, 81),
    (67, 66),
    (119, 119),
    (128, 128),
    (128, 96),
    (129, 127),
    (192, 192),
    (200, 200),
    (227, 227),
    (300, 17),
    (401, 223),
];

#[test]
fn noise_resizes_like_opencv_for_every_shape_pair() {
    for (i, &(width, height)) in SHAPES.iter().enumerate() {
        let data = noise(width * height * 3, 0x9e37_79b9_7f4a_7c15 ^ i as u64);
        for &(dw, dh) in SHAPES {
            assert_same("noise", width, height, &data, dw, dh);
        }
    }
}

#[test]
fn gradients_resize_like_opencv_for_every_shape_pair() {
    for &(width, height) in SHAPES {
        let data = gradient(width, height);
        for &(dw, dh) in SHAPES {
            assert_same("gradient", width, height, &data, dw, dh);
        }
    }
}

#[test]
fn exact_and_near_integer_scales_resize_like_opencv() {
    // 2x on both axes takes OpenCV's area shortcut; 2x on one axis, 3x and 4x do not.
    let cases = [
        (128, 128, 64, 64),
        (130, 66, 65, 33),
        (128, 64, 64, 64),
        (192, 192, 64, 64),
        (256, 256, 64, 64),
        (6, 4, 3, 2),
        (2, 2, 1, 1),
        (32, 32, 64, 64),
        (32, 32, 128, 128),
    ];
    for (index, (width, height, dw, dh)) in cases.into_iter().enumerate() {
        let data = noise(width * height * 3, 77 + index as u64);
        assert_same("integer scale", width, height, &data, dw, dh);
    }
}

#[test]
fn real_face_photos_resize_like_opencv() {
    let faces = common::shared_dir().join("testdata/faces/utkface");
    let mut names: Vec<_> = std::fs::read_dir(&faces)
        .unwrap_or_else(|e| panic!("{}: {e}", faces.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    names.sort();
    assert!(
        names.len() >= 300,
        "expected the UTKFace photos in {}",
        faces.display()
    );
    for path in names.iter().step_by(40) {
        let image = imgcodecs::imread(path.to_str().unwrap(), imgcodecs::IMREAD_COLOR).unwrap();
        let (width, height) = (image.cols() as usize, image.rows() as usize);
        let bgr = image.data_bytes().unwrap().to_vec();
        for (dw, dh) in [(64, 64), (227, 227), (57, 91), (400, 401)] {
            assert_same(&path.display().to_string(), width, height, &bgr, dw, dh);
        }
    }
}

#[test]
fn strided_roi_of_a_frame_resizes_like_opencv_on_the_same_roi() {
    // How the app hands faces over: a region of a larger frame, rows `step` bytes apart.
    let (frame_w, frame_h) = (400usize, 224usize);
    let frame_data = noise(frame_w * frame_h * 3, 4242);
    let frame = Mat::new_rows_cols_with_bytes::<Vec3b>(frame_h as i32, frame_w as i32, &frame_data)
        .unwrap();
    for rect in [
        Rect::new(142, 51, 81, 81),
        Rect::new(0, 150, 100, 74),
        Rect::new(399, 0, 1, 224),
    ] {
        let roi = Mat::roi(&frame, rect).unwrap();
        let step = roi.step1(0).unwrap() * roi.elem_size1();
        let start = (rect.y as usize * frame_w + rect.x as usize) * 3;
        let end = start + (rect.height as usize - 1) * step + rect.width as usize * 3;
        let view = BgrImage::new(
            rect.width as usize,
            rect.height as usize,
            step,
            &frame_data[start..end],
        )
        .unwrap();
        let ours = resize_bilinear(&view, 64, 64).unwrap();
        assert_eq!(ours, opencv_resize_mat(&roi, 64, 64), "ROI {rect:?}");
    }
}
