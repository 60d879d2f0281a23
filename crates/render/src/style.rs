//! Sizes and colours of boxes and labels, derived from the frame size so the result is readable
//! at any resolution.

use opencv::core::Scalar;

/// The original's box line thickness divisor: `max(1, diagonal / 150)` (`docs/models.md`, §4).
pub const THICKNESS_DIAGONAL_DIVISOR: f64 = 150.0;
/// Label font scale per pixel of frame diagonal: about 0.57 at 400x224 and 2.75 at 1920x1080,
/// so labels keep the same share of the frame (Hershey Simplex glyphs are ~22 px at scale 1).
pub const FONT_SCALE_PER_DIAGONAL_PIXEL: f64 = 1.0 / 800.0;
/// Smallest font scale, so labels on tiny frames stay legible.
pub const MIN_FONT_SCALE: f64 = 0.4;
/// Stroke thickness of label text per unit of font scale.
pub const TEXT_THICKNESS_PER_FONT_SCALE: f64 = 1.5;
/// Space between the label text and its background edge, as a fraction of the text height.
pub const LABEL_PADDING_PER_TEXT_HEIGHT: f64 = 0.25;

/// Box colour, BGR green as the original demo.
pub const BOX_COLOR: Scalar = Scalar::new(0.0, 255.0, 0.0, 0.0);
/// Label background colour: the box colour, so label and box read as one.
pub const LABEL_BACKGROUND_COLOR: Scalar = BOX_COLOR;
/// Label text colour: black on the green background.
pub const LABEL_TEXT_COLOR: Scalar = Scalar::new(0.0, 0.0, 0.0, 0.0);

/// The sizes used to draw on one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameStyle {
    /// Box line thickness in pixels.
    pub line_thickness: i32,
    /// Hershey font scale of labels.
    pub font_scale: f64,
    /// Stroke thickness of label text in pixels.
    pub text_thickness: i32,
}

impl FrameStyle {
    /// The style for a frame of `width` x `height` pixels.
    pub fn for_frame(width: i32, height: i32) -> Self {
        let diagonal = f64::from(width.max(0)).hypot(f64::from(height.max(0)));
        let font_scale = (diagonal * FONT_SCALE_PER_DIAGONAL_PIXEL).max(MIN_FONT_SCALE);
        Self {
            line_thickness: line_thickness(width, height),
            font_scale,
            text_thickness: ((font_scale * TEXT_THICKNESS_PER_FONT_SCALE).round() as i32).max(1),
        }
    }
}

/// The original's box line thickness: `max(1, int(diagonal / 150))`.
pub fn line_thickness(width: i32, height: i32) -> i32 {
    let diagonal = f64::from(width.max(0)).hypot(f64::from(height.max(0)));
    ((diagonal / THICKNESS_DIAGONAL_DIVISOR) as i32).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thickness_follows_the_diagonal() {
        // diag(400, 224) = 458.4 -> 3; diag(1920, 1080) = 2202.9 -> 14; tiny frames -> 1.
        assert_eq!(line_thickness(400, 224), 3);
        assert_eq!(line_thickness(1920, 1080), 14);
        assert_eq!(line_thickness(10, 10), 1);
        assert_eq!(line_thickness(0, -5), 1);
    }

    #[test]
    fn font_grows_with_the_frame() {
        let small = FrameStyle::for_frame(400, 224);
        let large = FrameStyle::for_frame(1920, 1080);
        assert!((small.font_scale - 0.573).abs() < 1e-3, "{small:?}");
        assert!((large.font_scale - 2.754).abs() < 1e-3, "{large:?}");
        assert_eq!(small.text_thickness, 1);
        assert_eq!(large.text_thickness, 4);
        assert_eq!(FrameStyle::for_frame(50, 50).font_scale, MIN_FONT_SCALE);
    }
}
