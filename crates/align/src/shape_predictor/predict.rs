//! The cascade itself, step for step as dlib's `shape_predictor::operator()`: at each level,
//! place the level's feature pixels relative to the current shape, read their intensities, walk
//! every tree on intensity differences and add the leaves' shape updates.

use face::{BGR_CHANNELS, BgrImage, FaceBox};

use super::model::{Cascade, Tree};
use super::transform::{BoxTransform, round_like_dlib};
use super::{SHAPE_LEN, ShapePredictor};

/// Intensity dlib gives a feature pixel that falls outside the image.
const OUTSIDE_INTENSITY: u8 = 0;

/// Runs every cascade on `rect` of `image` and returns the final shape in box-normalised
/// coordinates (x0, y0, x1, y1, ...).
pub(crate) fn run(
    predictor: &ShapePredictor,
    image: &BgrImage<'_>,
    rect: &FaceBox,
) -> [f32; SHAPE_LEN] {
    let to_image = BoxTransform::new(rect);
    let mut shape = predictor.initial_shape;
    let mut intensities = vec![OUTSIDE_INTENSITY; predictor.max_pixels];
    for cascade in &predictor.cascades {
        let tform = predictor.reference.similarity_to(&shape);
        let pixels = &mut intensities[..cascade.anchors.len()];
        read_feature_pixels(image, &to_image, &shape, &tform, cascade, pixels);
        for tree in &cascade.trees {
            let leaf = leaf_values(cascade, tree, pixels);
            for (value, update) in shape.iter_mut().zip(leaf) {
                *value += update;
            }
        }
    }
    shape
}

/// Fills `pixels` with the intensity of each of the cascade's feature pixels placed on `shape`
/// (dlib's `extract_feature_pixel_values`).
fn read_feature_pixels(
    image: &BgrImage<'_>,
    to_image: &BoxTransform,
    shape: &[f32; SHAPE_LEN],
    tform: &[[f32; 2]; 2],
    cascade: &Cascade,
    pixels: &mut [u8],
) {
    let targets = cascade.anchors.iter().zip(&cascade.deltas);
    for (pixel, (&anchor, delta)) in pixels.iter_mut().zip(targets) {
        let anchor = anchor as usize;
        // f32 as in dlib: the offset turned by the float 2x2 transform, plus the anchor landmark.
        let x = tform[0][0] * delta[0] + tform[0][1] * delta[1] + shape[2 * anchor];
        let y = tform[1][0] * delta[0] + tform[1][1] * delta[1] + shape[2 * anchor + 1];
        let [image_x, image_y] = to_image.apply(x, y);
        *pixel = intensity(image, round_like_dlib(image_x), round_like_dlib(image_y));
    }
}

/// dlib's `get_pixel_intensity` of an RGB pixel, `(r + g + b) / 3` in integers, or 0 outside.
fn intensity(image: &BgrImage<'_>, x: i64, y: i64) -> u8 {
    let (Ok(x), Ok(y)) = (usize::try_from(x), usize::try_from(y)) else {
        return OUTSIDE_INTENSITY;
    };
    if x >= image.width() || y >= image.height() {
        return OUTSIDE_INTENSITY;
    }
    let at = y * image.stride() + x * BGR_CHANNELS;
    match image.data().get(at..at + BGR_CHANNELS) {
        Some(&[b, g, r]) => ((u16::from(b) + u16::from(g) + u16::from(r)) / 3) as u8,
        _ => OUTSIDE_INTENSITY,
    }
}

/// Walks `tree` on the intensities and returns the shape update of the leaf it ends in.
fn leaf_values<'a>(cascade: &'a Cascade, tree: &Tree, pixels: &[u8]) -> &'a [f32] {
    let start = tree.split_start as usize;
    let splits = &cascade.splits[start..start + tree.split_count as usize];
    let mut node = 0;
    while let Some(split) = splits.get(node) {
        // Integer intensities in f32, as dlib subtracts them; the difference is exact.
        let difference =
            f32::from(pixels[split.first as usize]) - f32::from(pixels[split.second as usize]);
        node = if difference > split.threshold {
            2 * node + 1
        } else {
            2 * node + 2
        };
    }
    // A complete tree (checked at load) ends at one of its split_count + 1 leaves.
    let leaf = node - splits.len();
    let at = tree.leaf_start as usize + leaf * SHAPE_LEN;
    &cascade.leaves[at..at + SHAPE_LEN]
}
