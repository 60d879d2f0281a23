//! Drawing for the agender pipeline: face boxes and `Male,32`-style labels on BGR frames, as the
//! original program draws them (box line thickness `max(1, diagonal / 150)`, label just above
//! the box), with labels on a filled background, sized from the frame so they are readable at
//! any resolution and kept inside the frame.
//!
//! ```no_run
//! use face::FaceBox;
//! use render::{Annotation, draw_annotations};
//!
//! # fn main() -> Result<(), render::RenderError> {
//! let mut frame = opencv::core::Mat::default(); // a BGR 8-bit frame
//! draw_annotations(&mut frame, &[Annotation::new(FaceBox::new(142, 51, 222, 131), "Male,35")])?;
//! # Ok(())
//! # }
//! ```

mod annotation;
mod draw;
mod error;
mod layout;
mod style;

pub use annotation::Annotation;
pub use draw::draw_annotations;
pub use error::RenderError;
pub use layout::{LabelPlacement, TextMetrics, place_label};
pub use style::{
    BOX_COLOR, FONT_SCALE_PER_DIAGONAL_PIXEL, FrameStyle, LABEL_BACKGROUND_COLOR, LABEL_TEXT_COLOR,
    MIN_FONT_SCALE, THICKNESS_DIAGONAL_DIVISOR, line_thickness,
};
