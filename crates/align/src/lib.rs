//! Face alignment in pure Rust: from a face box to landmarks (dlib's 5-point shape predictor,
//! [`ShapePredictor`]), and from landmarks to an aligned face chip ([`ChipDetails`],
//! [`extract_chip`]) with dlib's `get_face_chip_details` geometry and sampling.
//!
//! An aligned chip puts the eyes and nose of every face at the same place of a square image,
//! whatever the face's size, position and roll in the frame: the input the dlib (Cydral) and
//! face-api.js age and gender nets were trained on.

mod chip;
mod error;
mod shape_predictor;

pub use chip::{
    Chip, ChipDetails, ChipRect, DLIB5_TEMPLATE, Similarity, YUNET5_TEMPLATE, extract_chip,
};
pub use error::AlignError;
pub use shape_predictor::ShapePredictor;
