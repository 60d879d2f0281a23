//! TEMPORARY compile shim in the lead's worktree; replaced by helper-3's module.
use std::path::Path;
use face::BgrImage;
use crate::error::EstimateError;
pub const FACEAPI_AGE_GENDER_MODEL: &str = "faceapi_age_gender.onnx";
pub const FACEAPI_INPUT_SIZE: u32 = 112;
#[derive(Debug)]
pub struct FaceApiNet;
pub struct RawFaceApiOutputs { pub ages: Vec<f32>, pub male_probabilities: Vec<f32> }
impl FaceApiNet {
    pub fn load(_path: &Path) -> Result<Self, EstimateError> { Ok(Self) }
    pub fn run_blob(&self, _blob: &[f32], n: usize) -> Result<RawFaceApiOutputs, EstimateError> { Ok(RawFaceApiOutputs { ages: vec![0.0; n], male_probabilities: vec![0.0; n] }) }
}
pub fn faceapi_blob(chips: &[BgrImage<'_>]) -> Result<Vec<f32>, EstimateError> { Ok(vec![0.0; chips.len()]) }
