//! face-api.js's AgeGenderNet (Tiny Xception, 112x112), converted from its TensorFlow.js weights
//! to ONNX by `cargo xtask fetch-models`, run by tract.

/// File name of the converted AgeGenderNet in the models folder (written by `cargo xtask
/// fetch-models` from face-api's `age_gender_model` weights).
pub const FACEAPI_AGE_GENDER_MODEL: &str = "faceapi_age_gender.onnx";
