//! The original program's box geometry, reproduced exactly: the processing size of a frame, the
//! padding and clamping of `findFaces`, and the mapping back and cropping of `collectFaces`.

use face::{FaceBox, ImageSize};

use crate::error::DetectError;

/// The area (pixels) of the frame the original program detects on: "about 480x340"
/// (`docs/models.md`, section 4).
pub const ORIGINAL_PROCESSING_AREA: u64 = 480 * 340;

/// `floor(0.5 + x)`: the original's rounding of a padding (`int(math.floor(0.5 + h * ratio))`).
const HALF: f64 = 0.5;

/// The size of the frame detection runs on: `w = int(sqrt(area * W / H))`,
/// `h = int(sqrt(area * H / W))`, as the original (400x224 gives 539x302 for
/// [`ORIGINAL_PROCESSING_AREA`]).
///
/// Errors when a side of `original` or `target_area` is not positive, or when the result would
/// have an empty side (an extreme aspect ratio).
pub fn processing_size(original: ImageSize, target_area: u64) -> Result<ImageSize, DetectError> {
    let invalid = || DetectError::InvalidFrameSize {
        width: original.width,
        height: original.height,
        target_area,
    };
    if original.width <= 0 || original.height <= 0 || target_area == 0 {
        return Err(invalid());
    }
    // Python computes `area * W` exactly (integers), then divides in float64; f64 is exact for
    // the product as long as it stays below 2^53, which any real frame size does.
    let area = target_area as f64;
    let (w, h) = (f64::from(original.width), f64::from(original.height));
    let width = (area * w / h).sqrt().trunc();
    let height = (area * h / w).sqrt().trunc();
    let fits = |side: f64| side >= 1.0 && side <= f64::from(i32::MAX);
    if !fits(width) || !fits(height) {
        return Err(invalid());
    }
    Ok(ImageSize::new(width as i32, height as i32))
}

/// Pads a raw detector box by `ratio` of its width/height on each side and clamps it to the
/// frame, exactly as the original's `findFaces`:
/// `pad_h = int(floor(0.5 + h * ratio))`, `x1 = max(0, x1 - pad_w)`,
/// `x2 = min(x2 + pad_w, width - 1)` (and the same for y). Like the original, `x1`/`y1` are not
/// clamped from above and `x2`/`y2` not from below.
pub fn pad_and_clamp(face: &FaceBox, ratio: f64, frame: ImageSize) -> FaceBox {
    let pad = |extent: i32| -> i32 { (HALF + f64::from(extent) * ratio).floor() as i32 };
    let pad_w = pad(face.corner_width());
    let pad_h = pad(face.corner_height());
    FaceBox {
        x1: face.x1.saturating_sub(pad_w).max(0),
        y1: face.y1.saturating_sub(pad_h).max(0),
        x2: face
            .x2
            .saturating_add(pad_w)
            .min(frame.width.saturating_sub(1)),
        y2: face
            .y2
            .saturating_add(pad_h)
            .min(frame.height.saturating_sub(1)),
    }
}

/// Maps a box from the processing frame back to the original frame, exactly as the original's
/// `collectFaces`: `int(round(x * W_orig / W_proc))` with Python's `round`, which rounds halves to
/// even (banker's rounding).
///
/// Never panics: a zero processing side maps to saturated values.
pub fn to_original(face: &FaceBox, processing: ImageSize, original: ImageSize) -> FaceBox {
    let map = |v: i32, orig: i32, proc: i32| -> i32 {
        (f64::from(v) * f64::from(orig) / f64::from(proc)).round_ties_even() as i32
    };
    FaceBox {
        x1: map(face.x1, original.width, processing.width),
        y1: map(face.y1, original.height, processing.height),
        x2: map(face.x2, original.width, processing.width),
        y2: map(face.y2, original.height, processing.height),
    }
}

/// The pixels the original cuts for a box in original-frame coordinates (`collectFaces`), as a
/// box with inclusive corners: the Python slice `rows max(0, y1) .. min(y2 + 1, H - 1)`, columns
/// `max(0, x1) .. min(x2 + 1, W - 1)` (exclusive ends; note the original's `- 1`, which never
/// includes the last row or column), so the crop is `pixel_width` x `pixel_height` pixels.
///
/// `None` when that slice is empty. (Python would wrap a negative end index around; a box wholly
/// outside the frame gives no face here instead.)
pub fn crop_rect(face: &FaceBox, original: ImageSize) -> Option<FaceBox> {
    let row_start = face.y1.max(0);
    let row_end = face
        .y2
        .saturating_add(1)
        .min(original.height.saturating_sub(1));
    let col_start = face.x1.max(0);
    let col_end = face
        .x2
        .saturating_add(1)
        .min(original.width.saturating_sub(1));
    if row_end <= row_start || col_end <= col_start {
        return None;
    }
    Some(FaceBox::new(col_start, row_start, col_end - 1, row_end - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input1_size_gives_the_original_processing_size() {
        let size = processing_size(ImageSize::new(400, 224), ORIGINAL_PROCESSING_AREA);
        assert_eq!(size.ok(), Some(ImageSize::new(539, 302)));
    }

    #[test]
    fn processing_size_rejects_empty_and_degenerate_frames() {
        for (w, h) in [(0, 10), (10, 0), (-5, 10), (i32::MAX, 1)] {
            assert!(
                processing_size(ImageSize::new(w, h), ORIGINAL_PROCESSING_AREA).is_err(),
                "{w}x{h} must be rejected"
            );
        }
        assert!(processing_size(ImageSize::new(400, 224), 0).is_err());
    }

    #[test]
    fn mapping_back_rounds_halves_to_even_like_python() {
        // 1 * 5 / 2 = 2.5 -> 2 and 3 * 5 / 2 = 7.5 -> 8 under Python's round().
        let mapped = to_original(
            &FaceBox::new(1, 3, 1, 3),
            ImageSize::new(2, 2),
            ImageSize::new(5, 5),
        );
        assert_eq!(mapped, FaceBox::new(2, 8, 2, 8));
    }

    #[test]
    fn padding_rounds_half_up_and_clamps_to_the_last_pixel() {
        // w = 15: 15 * 0.1 = 1.5 -> floor(2.0) = 2; h = 10: 1.0 -> 1.
        let padded = pad_and_clamp(&FaceBox::new(1, 5, 16, 15), 0.1, ImageSize::new(17, 16));
        assert_eq!(padded, FaceBox::new(0, 4, 16, 15));
    }

    #[test]
    fn crop_excludes_the_last_row_and_column_like_the_original() {
        let crop = crop_rect(&FaceBox::new(0, 0, 9, 9), ImageSize::new(10, 10))
            .map(|crop| (crop.x1, crop.y1, crop.pixel_width(), crop.pixel_height()));
        assert_eq!(crop, Some((0, 0, 9, 9)));
    }

    #[test]
    fn crop_of_a_box_outside_the_frame_is_none() {
        assert_eq!(
            crop_rect(&FaceBox::new(20, 20, 30, 30), ImageSize::new(10, 10)),
            None
        );
        assert_eq!(
            crop_rect(&FaceBox::new(-30, -30, -20, -20), ImageSize::new(10, 10)),
            None
        );
    }
}
