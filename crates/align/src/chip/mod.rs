//! Aligned face chips as dlib makes them: the similarity transform from a face's landmarks to a
//! template ([`ChipDetails`], dlib's `get_face_chip_details`) and the sampling of the chip
//! ([`extract_chip`], dlib's `extract_image_chip`: image pyramid, bilinear, black outside).

mod details;
mod extract;
mod pyramid;
mod raster;
mod similarity;
mod template;

pub use details::{ChipDetails, ChipRect};
pub use extract::{Chip, extract_chip};
pub use similarity::Similarity;
pub use template::{DLIB5_TEMPLATE, YUNET5_TEMPLATE};
