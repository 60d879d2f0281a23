//! [`FaceInput`]: one face of a frame as the estimators take it, and [`FaceEstimate`]: what they
//! give back for it.

use face::{BgrImage, Estimate, FaceBox, LandmarkScheme, Landmarks};

/// One face to estimate: the frame it is in, its box, the crop the seed's nets take, and the
/// landmarks its detector found.
#[derive(Debug, Clone)]
pub struct FaceInput<'a> {
    /// The whole frame (8-bit BGR).
    pub frame: BgrImage<'a>,
    /// The detector's box in frame pixels, before any padding: what dlib's shape predictor and
    /// the aligned nets' fallback crop start from.
    pub face_box: FaceBox,
    /// The padded box, clipped to the frame: the pixels SSR-Net and the Caffe nets see (the
    /// original program's crop).
    pub crop: FaceBox,
    /// The detector's landmarks in frame pixels (YuNet's five points), if it has them.
    pub landmarks: Option<Landmarks>,
}

impl<'a> FaceInput<'a> {
    /// `image` as one face whose box and crop are the whole image, without landmarks (a photo
    /// that is already a face crop): the aligned estimators find its landmarks with dlib's
    /// shape predictor.
    pub fn whole_image(image: BgrImage<'a>) -> Self {
        let last = |pixels: usize| i32::try_from(pixels).unwrap_or(i32::MAX) - 1;
        let whole = FaceBox::new(0, 0, last(image.width()), last(image.height()));
        Self {
            frame: image,
            face_box: whole,
            crop: whole,
            landmarks: None,
        }
    }
}

/// What the nets of an estimate were given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChipSource {
    /// The box crop of the original program (SSR-Net, Caffe).
    Crop,
    /// A chip aligned on landmarks of this scheme.
    Aligned(LandmarkScheme),
    /// No usable landmarks: the padded square box, upright (counted in the run's statistics).
    BoxFallback,
}

impl ChipSource {
    /// The name used in the output files: `"crop"`, `"dlib5"`, `"yunet5"` or `"box"`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Crop => "crop",
            Self::Aligned(scheme) => scheme.name(),
            Self::BoxFallback => "box",
        }
    }
}

/// The estimate of one [`FaceInput`], with the landmarks it was aligned on.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceEstimate {
    /// Gender and age.
    pub estimate: Estimate,
    /// The landmarks the chips were aligned on (frame pixels); `None` for the crop estimators
    /// and the box fallback.
    pub landmarks: Option<Landmarks>,
    /// What the nets were given.
    pub source: ChipSource,
}
