//! Our preprocessing against the original program's own intermediate results: the 64x64
//! `cv.resize` outputs (OpenCV 4.10) and the normalised f32 blobs fed to Keras.

mod common;

use common::{fixtures, parity_file, read_f32_blob, read_png_as_bgr};
use estimate::preprocess::{SSRNET_FACE_LEN, SSRNET_INPUT_SIZE, resize_bilinear, ssrnet_blob};

#[test]
fn resize_of_every_parity_crop_equals_opencv_4_10_byte_for_byte() {
    let mut checked = 0;
    for fixture in fixtures() {
        let Some(resized_png) = &fixture.resized_png else {
            continue;
        };
        let crop = read_png_as_bgr(&parity_file(&fixture.crop_png));
        let expected = read_png_as_bgr(&parity_file(resized_png));
        assert_eq!(
            (expected.width, expected.height),
            (SSRNET_INPUT_SIZE, SSRNET_INPUT_SIZE)
        );
        let ours = resize_bilinear(&crop.view(), SSRNET_INPUT_SIZE, SSRNET_INPUT_SIZE).unwrap();
        let differing = ours
            .iter()
            .zip(&expected.data)
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(
            differing,
            0,
            "{}: {differing} of {} bytes differ from OpenCV's resize of the {}x{} crop",
            fixture.name,
            ours.len(),
            crop.width,
            crop.height
        );
        checked += 1;
    }
    assert_eq!(
        checked, 5,
        "expected the five face crops to carry a resized_png"
    );
}

#[test]
fn ssrnet_blob_of_every_crop_is_bit_identical_to_the_original_blob() {
    let all = fixtures();
    assert_eq!(all.len(), 9, "five face crops and four extras");
    for fixture in all {
        let crop = read_png_as_bgr(&parity_file(&fixture.crop_png));
        let expected = read_f32_blob(&parity_file(&fixture.blob_bin));
        assert_eq!(expected.len(), SSRNET_FACE_LEN, "{}", fixture.blob_bin);
        let ours = ssrnet_blob(&[crop.view()]).unwrap();
        let differing: Vec<usize> = (0..SSRNET_FACE_LEN)
            .filter(|&i| ours[i].to_bits() != expected[i].to_bits())
            .collect();
        assert!(
            differing.is_empty(),
            "{}: {} values differ, first at {}: ours {} vs original {}",
            fixture.name,
            differing.len(),
            differing[0],
            ours[differing[0]],
            expected[differing[0]]
        );
    }
}

#[test]
fn batch_blob_stacks_the_five_crops_like_the_original() {
    let crops: Vec<_> = fixtures()
        .into_iter()
        .filter(|f| f.resized_png.is_some())
        .map(|f| read_png_as_bgr(&parity_file(&f.crop_png)))
        .collect();
    let views: Vec<_> = crops.iter().map(|c| c.view()).collect();
    let ours = ssrnet_blob(&views).unwrap();
    let expected = read_f32_blob(&parity_file("blob_batch5.bin"));
    assert_eq!(ours.len(), 5 * SSRNET_FACE_LEN);
    assert!(
        ours.iter()
            .zip(&expected)
            .all(|(a, b)| a.to_bits() == b.to_bits()),
        "the batch blob differs from blob_batch5.bin"
    );
}
