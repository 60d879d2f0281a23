//! The plain types that flow between agender's crates, with no heavy dependencies: a borrowed
//! BGR image view ([`BgrImage`]), a point ([`Point`]), a face box in pixels ([`PixelRect`]) and a face's
//! landmarks ([`Landmarks`]).
//!
//! ```
//! use face::{BgrImage, Landmarks, LandmarkScheme, Point};
//!
//! let pixels = vec![0u8; 4 * 2 * 3];
//! let image = BgrImage::packed(4, 2, &pixels)?;
//! assert_eq!(image.pixel(3, 1), Some([0, 0, 0]));
//!
//! let eyes = Landmarks::new(LandmarkScheme::Yunet5, vec![Point::new(1.0, 1.0); 5])?;
//! assert_eq!(eyes.points().len(), 5);
//! # Ok::<(), face::FaceError>(())
//! ```

mod error;
mod image;
mod landmarks;
mod models_dir;
mod rect;

pub use error::FaceError;
pub use image::{BGR_CHANNELS, BgrImage};
pub use landmarks::{LandmarkScheme, Landmarks, Point};
pub use models_dir::{DEFAULT_MODELS_DIR, MODELS_DIR_ENV, default_models_dir};
pub use rect::PixelRect;
