//! [`extract_chip`]: dlib's `extract_image_chip` with its default bilinear interpolation, on a
//! BGR image: the image pyramid for chips much smaller than their rectangle, bilinear sampling
//! with truncation to u8, black outside the image.

use face::{BGR_CHANNELS, BgrImage};

use super::details::{ChipDetails, ChipRect};
use super::pyramid::{pyramid_down, rect_down};
use super::raster::{OwnedRaster, Raster};
use crate::error::AlignError;

/// Our limit on a chip's pixel count (4096 x 4096), so that a wrong size fails instead of
/// allocating gigabytes; the nets' chips are 32-150 pixels wide.
const MAX_CHIP_PIXELS: u64 = 4096 * 4096;

/// dlib's margin around the turned rectangle before any pyramid level, in pixels; each level
/// doubles it and adds 2 (`grow = grow * 2 + 2` in `extract_image_chips`).
const FIRST_GROW: f64 = 2.0;

/// An owned, tightly packed BGR chip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chip {
    width: usize,
    height: usize,
    data: Vec<u8>,
}

impl Chip {
    /// Width in pixels (at least 1).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels (at least 1).
    pub fn height(&self) -> usize {
        self.height
    }

    /// The `width * height * 3` bytes, B G R per pixel, row by row.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The chip as an image view.
    pub fn view(&self) -> BgrImage<'_> {
        match BgrImage::packed(self.width, self.height, &self.data) {
            Ok(view) => view,
            // extract_chip only builds chips of at least 1x1 with width * height * 3 bytes.
            Err(error) => unreachable!("a chip always holds its pixels: {error}"),
        }
    }
}

/// An integer rectangle with inclusive corners, as dlib's `rectangle`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct IntRect {
    left: i64,
    top: i64,
    right: i64,
    bottom: i64,
}

impl IntRect {
    /// dlib's conversion `drectangle -> rectangle`: every corner `std::lround`ed (half away
    /// from zero, as Rust's `round`).
    fn rounded(rect: &ChipRect) -> Self {
        Self {
            left: rect.left.round() as i64,
            top: rect.top.round() as i64,
            right: rect.right.round() as i64,
            bottom: rect.bottom.round() as i64,
        }
    }

    fn is_empty(&self) -> bool {
        self.left > self.right || self.top > self.bottom
    }
}

/// dlib's `rotate_point(centre, p, angle)`.
fn rotate_point(centre: [f64; 2], p: [f64; 2], sin: f64, cos: f64) -> [f64; 2] {
    let (dx, dy) = (p[0] - centre[0], p[1] - centre[1]);
    [
        cos * dx - sin * dy + centre[0],
        sin * dx + cos * dy + centre[1],
    ]
}

/// The rectangle's top-left, top-right, bottom-left and bottom-right corners turned by the
/// angle about its centre.
fn turned_corners(rect: &ChipRect, angle: f64) -> [[f64; 2]; 4] {
    let (sin, cos) = angle.sin_cos();
    let centre = rect.centre();
    [
        [rect.left, rect.top],
        [rect.right, rect.top],
        [rect.left, rect.bottom],
        [rect.right, rect.bottom],
    ]
    .map(|p| rotate_point(centre, p, sin, cos))
}

/// dlib's `extract_image_chip(img, details, chip)` with bilinear interpolation, on a BGR image.
///
/// Chips more than about twice smaller than their rectangle are sampled from a level of dlib's
/// `pyramid_down<2>` image pyramid (built over the window around the rectangle), as dlib does;
/// a pixel whose 2x2 neighbourhood is not entirely inside the (window of the) image is black;
/// interpolated values are truncated to u8 as dlib's `static_cast<unsigned char>`. An upright
/// chip as large as its rectangle is a plain copy, as in dlib.
///
/// Fails when the details have a zero or huge size, a non-finite angle or rectangle, or an
/// empty rectangle.
pub fn extract_chip(image: &BgrImage<'_>, details: &ChipDetails) -> Result<Chip, AlignError> {
    validate(details)?;
    let rows = details.rows as usize;
    let cols = details.cols as usize;
    if details.angle == 0.0
        && f64::from(details.rows) == details.rect.height()
        && f64::from(details.cols) == details.rect.width()
    {
        return Ok(copy_window(
            image,
            &IntRect::rounded(&details.rect),
            cols,
            rows,
        ));
    }
    let size = f64::from(details.rows) * f64::from(details.cols);

    // How deep the pyramid goes, and the margin that level needs around the turned rectangle.
    let mut grow = FIRST_GROW;
    let mut down = rect_down(&details.rect);
    while down.area() > size {
        down = rect_down(&down);
        grow = grow * 2.0 + 2.0;
    }
    let corners = turned_corners(&details.rect, details.angle);
    let xs = corners.map(|p| p[0]);
    let ys = corners.map(|p| p[1]);
    let fold = |values: [f64; 4], pick: fn(f64, f64) -> f64| values.into_iter().reduce(pick);
    let (Some(min_x), Some(max_x), Some(min_y), Some(max_y)) = (
        fold(xs, f64::min),
        fold(xs, f64::max),
        fold(ys, f64::min),
        fold(ys, f64::max),
    ) else {
        unreachable!("four corners always have a minimum and a maximum")
    };
    let window = IntRect::rounded(&ChipRect {
        left: (min_x - grow).max(0.0),
        top: (min_y - grow).max(0.0),
        right: (max_x + grow).min(image.width() as f64 - 1.0),
        bottom: (max_y + grow).min(image.height() as f64 - 1.0),
    });
    let source = window_view(image, &window);

    // Which level to sample, and the rectangle in that level's coordinates.
    let mut rect = ChipRect {
        left: details.rect.left - window.left as f64,
        top: details.rect.top - window.top as f64,
        right: details.rect.right - window.left as f64,
        bottom: details.rect.bottom - window.top as f64,
    };
    let mut levels = 0usize;
    while rect_down(&rect).area() > size {
        levels += 1;
        rect = rect_down(&rect);
    }
    let mut level = OwnedRaster::default();
    for i in 0..levels {
        level = pyramid_down(&if i == 0 { source } else { level.view() });
    }
    let sampled = if levels == 0 { source } else { level.view() };

    // The affine map from chip pixels to the level: dlib fits it to three corners
    // (find_affine_transform); this is its exact solution.
    let [tl, tr, bl, _] = turned_corners(&rect, details.angle);
    let along = |to: [f64; 2], steps: usize| {
        if steps > 1 {
            let n = (steps - 1) as f64;
            [(to[0] - tl[0]) / n, (to[1] - tl[1]) / n]
        } else {
            [0.0, 0.0]
        }
    };
    let (x_step, y_step) = (along(tr, cols), along(bl, rows));
    // A chip one pixel wide or high: dlib's pseudo-inverse puts the lone column or row at the
    // mean of the corners it stands for.
    let origin = match (cols > 1, rows > 1) {
        (true, true) => tl,
        (false, true) => [(tl[0] + tr[0]) / 2.0, (tl[1] + tr[1]) / 2.0],
        (true, false) => [(tl[0] + bl[0]) / 2.0, (tl[1] + bl[1]) / 2.0],
        (false, false) => [(tl[0] + tr[0] + bl[0]) / 3.0, (tl[1] + tr[1] + bl[1]) / 3.0],
    };
    let mut data = vec![0u8; rows * cols * BGR_CHANNELS];
    for (r, chip_row) in data.chunks_exact_mut(cols * BGR_CHANNELS).enumerate() {
        for (c, pixel) in chip_row.chunks_exact_mut(BGR_CHANNELS).enumerate() {
            let (c, r) = (c as f64, r as f64);
            let x = x_step[0] * c + y_step[0] * r + origin[0];
            let y = x_step[1] * c + y_step[1] * r + origin[1];
            bilinear(&sampled, x, y, pixel);
        }
    }
    Ok(Chip {
        width: cols,
        height: rows,
        data,
    })
}

/// Refuses details dlib would assert on, or that would run away.
fn validate(details: &ChipDetails) -> Result<(), AlignError> {
    let reason = if details.rows == 0 || details.cols == 0 {
        Some(format!(
            "the chip is {}x{} pixels",
            details.cols, details.rows
        ))
    } else if u64::from(details.rows) * u64::from(details.cols) > MAX_CHIP_PIXELS {
        Some(format!(
            "the chip is {}x{} pixels, more than {MAX_CHIP_PIXELS}",
            details.cols, details.rows
        ))
    } else if !details.rect.is_finite() || !details.angle.is_finite() {
        Some(format!(
            "the rectangle {:?} or angle {} is not finite",
            details.rect, details.angle
        ))
    } else if details.rect.is_empty() {
        Some(format!("the rectangle {:?} is empty", details.rect))
    } else {
        None
    };
    reason.map_or(Ok(()), |reason| Err(AlignError::ChipGeometry { reason }))
}

/// dlib's `sub_image(img, rect)` for a rectangle inside the image (or empty).
fn window_view<'a>(image: &BgrImage<'a>, window: &IntRect) -> Raster<'a> {
    let empty = Raster {
        width: 0,
        height: 0,
        stride: 0,
        data: &[],
    };
    if window.is_empty() || window.left < 0 || window.top < 0 {
        return empty;
    }
    let (left, top) = (window.left as usize, window.top as usize);
    let width = (window.right - window.left + 1) as usize;
    let height = (window.bottom - window.top + 1) as usize;
    if left + width > image.width() || top + height > image.height() {
        return empty;
    }
    let start = top * image.stride() + left * BGR_CHANNELS;
    Raster {
        width,
        height,
        stride: image.stride(),
        data: image.data().get(start..).unwrap_or(&[]),
    }
}

/// dlib's `basic_extract_image_chip`: the pixels of `rect` copied as they are, black outside
/// the image.
fn copy_window(image: &BgrImage<'_>, rect: &IntRect, cols: usize, rows: usize) -> Chip {
    let mut data = vec![0u8; rows * cols * BGR_CHANNELS];
    for (r, chip_row) in data.chunks_exact_mut(cols * BGR_CHANNELS).enumerate() {
        let y = rect.top + r as i64;
        let Some(row) = usize::try_from(y).ok().and_then(|y| image.row(y)) else {
            continue;
        };
        for (c, pixel) in chip_row.chunks_exact_mut(BGR_CHANNELS).enumerate() {
            let x = rect.left + c as i64;
            if let Some(from) = usize::try_from(x)
                .ok()
                .and_then(|x| row.get(x * BGR_CHANNELS..(x + 1) * BGR_CHANNELS))
            {
                pixel.copy_from_slice(from);
            }
        }
    }
    Chip {
        width: cols,
        height: rows,
        data,
    }
}

/// dlib's `interpolate_bilinear` for one point: black (left as 0) unless the 2x2 neighbourhood
/// is inside the image; the weighted sum in dlib's order, truncated to u8.
fn bilinear(image: &Raster<'_>, x: f64, y: f64, pixel: &mut [u8]) {
    let (left, top) = (x.floor(), y.floor());
    if !(left >= 0.0
        && top >= 0.0
        && left + 1.0 < image.width as f64
        && top + 1.0 < image.height as f64)
    {
        return;
    }
    let (lr, tb) = (x - left, y - top);
    let (left, top) = (left as usize, top as usize);
    let at = left * BGR_CHANNELS;
    let (upper, lower) = (image.row(top), image.row(top + 1));
    let (Some(t), Some(b)) = (
        upper.get(at..at + 2 * BGR_CHANNELS),
        lower.get(at..at + 2 * BGR_CHANNELS),
    ) else {
        return;
    };
    for (ch, out) in pixel.iter_mut().enumerate() {
        let (tl, tr) = (f64::from(t[ch]), f64::from(t[ch + BGR_CHANNELS]));
        let (bl, br) = (f64::from(b[ch]), f64::from(b[ch + BGR_CHANNELS]));
        let value = (1.0 - tb) * ((1.0 - lr) * tl + lr * tr) + tb * ((1.0 - lr) * bl + lr * br);
        // A convex combination of bytes: in 0..=255; `as` truncates like dlib's cast.
        *out = value as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 20x10 image whose pixel (x, y) is [x, y, 7].
    fn coordinates_image() -> Vec<u8> {
        (0..10u8)
            .flat_map(|y| (0..20u8).flat_map(move |x| [x, y, 7]))
            .collect()
    }

    #[test]
    fn an_upright_box_of_the_chip_size_is_copied_with_black_outside() {
        let data = coordinates_image();
        let image = BgrImage::packed(20, 10, &data).unwrap();
        // 4x4 box from (17, 8): columns 17-20, rows 8-11, half of it outside the image.
        let details = ChipDetails::from_box(&face::FaceBox::new(17, 8, 20, 11), 4);
        let chip = extract_chip(&image, &details).unwrap();
        assert_eq!(chip.view().pixel(0, 0), Some([17, 8, 7]));
        // Column 19, row 9 is the image's last pixel: copied, where bilinear would be black.
        assert_eq!(chip.view().pixel(2, 1), Some([19, 9, 7]));
        assert_eq!(chip.view().pixel(3, 0), Some([0, 0, 0]));
        assert_eq!(chip.view().pixel(0, 2), Some([0, 0, 0]));
    }

    #[test]
    fn bilinear_samples_between_pixels_and_truncates() {
        let data = coordinates_image();
        let image = BgrImage::packed(20, 10, &data).unwrap();
        // A 2x2 chip of a 3-pixel-wide rectangle: samples at x = 2, 3.5, 5 (scaled), rows 1, 2.5.
        let details = ChipDetails {
            rect: ChipRect {
                left: 2.0,
                top: 1.0,
                right: 5.0,
                bottom: 4.0,
            },
            angle: 0.0,
            rows: 3,
            cols: 3,
        };
        let chip = extract_chip(&image, &details).unwrap();
        assert_eq!(chip.view().pixel(0, 0), Some([2, 1, 7]));
        // x = 3.5 and y = 2.5 interpolate to 3.5 and 2.5, truncated to 3 and 2.
        assert_eq!(chip.view().pixel(1, 1), Some([3, 2, 7]));
        assert_eq!(chip.view().pixel(2, 2), Some([5, 4, 7]));
    }

    #[test]
    fn impossible_details_are_errors_not_panics() {
        let data = coordinates_image();
        let image = BgrImage::packed(20, 10, &data).unwrap();
        let good = ChipDetails::from_box(&face::FaceBox::new(2, 2, 9, 9), 4);
        assert!(extract_chip(&image, &good).is_ok());
        let cases = [
            ChipDetails { rows: 0, ..good },
            ChipDetails {
                rows: 100_000,
                cols: 100_000,
                ..good
            },
            ChipDetails {
                angle: f64::NAN,
                ..good
            },
            ChipDetails {
                rect: ChipRect {
                    left: f64::INFINITY,
                    ..good.rect
                },
                ..good
            },
            ChipDetails::from_box(&face::FaceBox::new(5, 5, 4, 9), 4),
        ];
        for details in cases {
            assert!(
                matches!(
                    extract_chip(&image, &details),
                    Err(AlignError::ChipGeometry { .. })
                ),
                "{details:?}"
            );
        }
    }

    #[test]
    fn a_chip_wholly_outside_the_image_is_black() {
        let data = coordinates_image();
        let image = BgrImage::packed(20, 10, &data).unwrap();
        let details = ChipDetails {
            rect: ChipRect {
                left: 500.0,
                top: -300.0,
                right: 900.0,
                bottom: 100.0,
            },
            angle: 0.3,
            rows: 16,
            cols: 16,
        };
        let chip = extract_chip(&image, &details).unwrap();
        assert!(chip.data().iter().all(|&v| v == 0));
        // A 1x1 chip of a 1-pixel rectangle, turned: no pyramid, the one sample at (2, 3).
        let tiny = ChipDetails {
            angle: 0.5,
            ..ChipDetails::from_box(&face::FaceBox::new(2, 3, 2, 3), 1)
        };
        let chip = extract_chip(&image, &tiny).unwrap();
        assert_eq!(chip.view().pixel(0, 0), Some([2, 3, 7]));
        // A larger rectangle into 1x1 goes down the pyramid; this small image's first level is
        // empty (dlib empties images of 8 pixels or fewer a side), so the chip is black.
        let shrunk = ChipDetails::from_box(&face::FaceBox::new(2, 2, 5, 5), 1);
        let chip = extract_chip(&image, &shrunk).unwrap();
        assert_eq!(chip.data(), &[0, 0, 0]);
    }
}
