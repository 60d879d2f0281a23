//! [`draw_annotations`]: boxes and labels onto a BGR frame.

use opencv::core::{CV_8UC3, Mat, Point, Size};
use opencv::imgproc::{self, FONT_HERSHEY_SIMPLEX, LINE_8, LINE_AA};
use opencv::prelude::*;

use crate::annotation::Annotation;
use crate::error::RenderError;
use crate::layout::{TextMetrics, place_label};
use crate::style::{
    BOX_COLOR, FrameStyle, LABEL_BACKGROUND_COLOR, LABEL_PADDING_PER_TEXT_HEIGHT, LABEL_TEXT_COLOR,
};

/// Label font (OpenCV's Hershey Simplex, as OpenCV demos use).
const FONT: i32 = FONT_HERSHEY_SIMPLEX;
/// `thickness` value that makes OpenCV fill a rectangle.
const FILLED: i32 = -1;
/// No fractional bits in drawing coordinates.
const NO_SHIFT: i32 = 0;

/// Draws each annotation's box (line thickness `max(1, diagonal / 150)`) and its label on a
/// filled background just above the box, kept inside the frame. Boxes first, then labels, so a
/// label is never hidden by another face's box.
pub fn draw_annotations(frame: &mut Mat, annotations: &[Annotation]) -> Result<(), RenderError> {
    if frame.empty() || frame.typ() != CV_8UC3 || frame.dims() != 2 {
        return Err(RenderError::InvalidFrame {
            width: frame.cols(),
            height: frame.rows(),
            mat_type: frame.typ(),
        });
    }
    let frame_size = Size::new(frame.cols(), frame.rows());
    let style = FrameStyle::for_frame(frame_size.width, frame_size.height);
    for annotation in annotations {
        let r = annotation.rect;
        imgproc::rectangle_points(
            frame,
            Point::new(r.x1, r.y1),
            Point::new(r.x2, r.y2),
            BOX_COLOR,
            style.line_thickness,
            LINE_8,
            NO_SHIFT,
        )
        .map_err(RenderError::opencv("draw a face box"))?;
    }
    for annotation in annotations.iter().filter(|a| !a.label.is_empty()) {
        draw_label(frame, frame_size, &style, annotation)?;
    }
    Ok(())
}

fn draw_label(
    frame: &mut Mat,
    frame_size: Size,
    style: &FrameStyle,
    annotation: &Annotation,
) -> Result<(), RenderError> {
    let mut baseline = 0;
    let size = imgproc::get_text_size(
        &annotation.label,
        FONT,
        style.font_scale,
        style.text_thickness,
        &mut baseline,
    )
    .map_err(RenderError::opencv("measure a label"))?;
    let padding = (f64::from(size.height) * LABEL_PADDING_PER_TEXT_HEIGHT).round() as i32;
    let placement = place_label(
        frame_size,
        annotation.rect.x1.min(annotation.rect.x2),
        annotation.rect.y1.min(annotation.rect.y2),
        style.line_thickness,
        TextMetrics { size, baseline },
        padding,
    );
    imgproc::rectangle(
        frame,
        placement.background,
        LABEL_BACKGROUND_COLOR,
        FILLED,
        LINE_8,
        NO_SHIFT,
    )
    .map_err(RenderError::opencv("draw a label background"))?;
    imgproc::put_text(
        frame,
        &annotation.label,
        placement.text_origin,
        FONT,
        style.font_scale,
        LABEL_TEXT_COLOR,
        style.text_thickness,
        LINE_AA,
        false,
    )
    .map_err(RenderError::opencv("draw a label"))
}
