//! The plain types that flow between agender's crates, with no heavy dependencies: a borrowed
//! BGR image view ([`BgrImage`]) and its size ([`ImageSize`]), a face box ([`FaceBox`]), a
//! point ([`Point`]) and a face's landmarks ([`Landmarks`]), what a detector finds
//! ([`Detection`]) and what an estimator says ([`Estimate`]: a [`Gender`] and an
//! [`AgeEstimate`]).
//!
//! ```
//! use face::{BgrImage, Estimate, FaceBox, Landmarks, LandmarkScheme, Point};
//!
//! let pixels = vec![0u8; 4 * 2 * 3];
//! let image = BgrImage::packed(4, 2, &pixels)?;
//! assert_eq!(image.pixel(3, 1), Some([0, 0, 0]));
//!
//! // Inclusive corners: columns 1 to 3 and rows 0 to 1.
//! let face = FaceBox::new(1, 0, 3, 1);
//! assert_eq!((face.pixel_width(), face.corner_width()), (3, 2));
//! assert_eq!(image.sub_image(&face).map(|crop| crop.width()), Some(3));
//!
//! let eyes = Landmarks::new(LandmarkScheme::Yunet5, vec![Point::new(1.0, 1.0); 5])?;
//! assert_eq!(eyes.points().len(), 5);
//!
//! assert_eq!(Estimate::from_ssrnet(0.9, 32.7).label(), "Male,32");
//! # Ok::<(), face::FaceError>(())
//! ```

mod detection;
mod error;
mod estimate;
mod face_box;
mod image;
mod landmarks;
mod models_dir;
mod size;

pub use detection::Detection;
pub use error::FaceError;
pub use estimate::{
    AGE_GROUP_COUNT, AGE_GROUPS, AgeEstimate, Estimate, Gender, MALE_PROBABILITY_THRESHOLD,
    SSRNET_MALE_THRESHOLD,
};
pub use face_box::FaceBox;
pub use image::{BGR_CHANNELS, BgrImage};
pub use landmarks::{LandmarkScheme, Landmarks, Point};
pub use models_dir::{DEFAULT_MODELS_DIR, MODELS_DIR_ENV, default_models_dir};
pub use size::ImageSize;
