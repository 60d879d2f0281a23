//! face-api.js's AgeGenderNet (Tiny Xception, 112x112), converted from its TensorFlow.js weights
//! to ONNX by `cargo xtask fetch-models`, run by tract.
