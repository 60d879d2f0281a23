//! Where a label goes: just above its box, moved down and left as needed to stay inside the
//! frame (a box touching the top or right edge).

use opencv::core::{Point, Rect, Size};

/// The measured label text: its size above the baseline and the baseline depth (as OpenCV's
/// `getTextSize` reports them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextMetrics {
    /// Width and height (above the baseline) of the text in pixels.
    pub size: Size,
    /// Depth of the baseline below the text origin in pixels.
    pub baseline: i32,
}

/// Where to draw one label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelPlacement {
    /// The filled background rectangle.
    pub background: Rect,
    /// The text origin (bottom-left of the text, on the baseline) for `putText`.
    pub text_origin: Point,
}

/// Places a label for a box whose top-left corner is `(box_left, box_top)`, drawn with lines
/// `line_thickness` wide, in a frame of `frame` size: the background sits on the box's top edge,
/// aligned with the box's outer left edge; it is moved down to row 0 when it would leave the top
/// of the frame and left when it would leave the right (never past column 0).
pub fn place_label(
    frame: Size,
    box_left: i32,
    box_top: i32,
    line_thickness: i32,
    text: TextMetrics,
    padding: i32,
) -> LabelPlacement {
    let width = text.size.width.saturating_add(padding.saturating_mul(2));
    let height = text
        .size
        .height
        .saturating_add(text.baseline)
        .saturating_add(padding.saturating_mul(2));
    let outer_left = box_left.saturating_sub(line_thickness / 2);
    let left = outer_left.min(frame.width.saturating_sub(width)).max(0);
    let top = box_top.saturating_sub(height).max(0);
    LabelPlacement {
        background: Rect::new(left, top, width, height),
        text_origin: Point::new(
            left.saturating_add(padding),
            top.saturating_add(padding).saturating_add(text.size.height),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: TextMetrics = TextMetrics {
        size: Size {
            width: 60,
            height: 10,
        },
        baseline: 4,
    };
    const FRAME: Size = Size {
        width: 400,
        height: 224,
    };

    #[test]
    fn label_sits_just_above_the_box() {
        let placed = place_label(FRAME, 100, 80, 3, TEXT, 2);
        assert_eq!(placed.background, Rect::new(99, 62, 64, 18));
        assert_eq!(placed.text_origin, Point::new(101, 74));
    }

    #[test]
    fn label_of_a_box_at_the_top_edge_stays_in_the_frame() {
        let placed = place_label(FRAME, 100, 0, 3, TEXT, 2);
        assert_eq!(placed.background.y, 0);
        assert_eq!(placed.text_origin.y, 12);
    }

    #[test]
    fn label_of_a_box_at_the_right_edge_moves_left() {
        let placed = place_label(FRAME, 380, 80, 3, TEXT, 2);
        assert_eq!(placed.background.x, 400 - 64);
        assert_eq!(placed.background.x + placed.background.width, 400);
    }

    #[test]
    fn label_wider_than_the_frame_starts_at_column_zero() {
        let placed = place_label(Size::new(30, 30), 10, 10, 1, TEXT, 2);
        assert_eq!(placed.background.x, 0);
        assert_eq!(placed.background.y, 0);
    }
}
