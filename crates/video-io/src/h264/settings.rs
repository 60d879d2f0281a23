//! How H.264 is encoded: the x264 speed preset ([`H264Preset`]) and quality ([`H264Settings`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::VideoError;

/// x264's default constant rate factor (quality): visually close to the source at a modest size.
pub const DEFAULT_CRF: u8 = 23;
/// Highest constant rate factor x264 accepts for 8-bit video (lowest quality).
pub const MAX_CRF: u8 = 51;

/// x264's speed presets, fastest first. A faster preset spends less CPU per frame and holds
/// fewer frames in memory, for a somewhat larger file at the same quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum H264Preset {
    /// Fastest; files several times larger.
    Ultrafast,
    /// Very fast; files about 1.5x larger than `veryfast`.
    Superfast,
    /// The default: the preset live encoders use; a tenth of a frame of lookahead.
    #[default]
    Veryfast,
    /// Faster than `fast`.
    Faster,
    /// Faster than `medium`.
    Fast,
    /// x264's own default (and what OpenCV's writer uses): about 3x the CPU of `veryfast`.
    Medium,
    /// Slower, smaller files.
    Slow,
    /// Slower still.
    Slower,
    /// Much slower.
    Veryslow,
}

impl H264Preset {
    /// Every preset, fastest first.
    pub const ALL: [H264Preset; 9] = [
        H264Preset::Ultrafast,
        H264Preset::Superfast,
        H264Preset::Veryfast,
        H264Preset::Faster,
        H264Preset::Fast,
        H264Preset::Medium,
        H264Preset::Slow,
        H264Preset::Slower,
        H264Preset::Veryslow,
    ];

    /// The name x264 knows the preset by.
    pub const fn name(self) -> &'static str {
        match self {
            H264Preset::Ultrafast => "ultrafast",
            H264Preset::Superfast => "superfast",
            H264Preset::Veryfast => "veryfast",
            H264Preset::Faster => "faster",
            H264Preset::Fast => "fast",
            H264Preset::Medium => "medium",
            H264Preset::Slow => "slow",
            H264Preset::Slower => "slower",
            H264Preset::Veryslow => "veryslow",
        }
    }

    /// The preset names, comma-separated (for error messages and documentation).
    pub fn names() -> String {
        Self::ALL.map(Self::name).join(", ")
    }
}

impl fmt::Display for H264Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for H264Preset {
    type Err = VideoError;

    /// A preset name, case-insensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|preset| preset.name() == name)
            .ok_or_else(|| VideoError::UnknownPreset {
                value: s.to_owned(),
                known: Self::names(),
            })
    }
}

impl Serialize for H264Preset {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for H264Preset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// How the H.264 writer encodes: speed preset and constant rate factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct H264Settings {
    /// x264 speed preset.
    pub preset: H264Preset,
    /// Constant rate factor, 0 (lossless) to [`MAX_CRF`]; lower is better quality and larger.
    pub crf: u8,
}

impl Default for H264Settings {
    fn default() -> Self {
        Self {
            preset: H264Preset::default(),
            crf: DEFAULT_CRF,
        }
    }
}

impl H264Settings {
    /// Settings with `preset` and `crf`, refusing a CRF above [`MAX_CRF`].
    pub fn new(preset: H264Preset, crf: u8) -> Result<Self, VideoError> {
        if crf > MAX_CRF {
            return Err(VideoError::InvalidCrf {
                value: crf,
                max: MAX_CRF,
            });
        }
        Ok(Self { preset, crf })
    }
}

impl fmt::Display for H264Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "preset {}, crf {}", self.preset, self.crf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_names_parse_back() {
        for preset in H264Preset::ALL {
            assert_eq!(preset.name().parse::<H264Preset>().ok(), Some(preset));
        }
        assert_eq!(
            " VeryFast ".parse::<H264Preset>().ok(),
            Some(H264Preset::Veryfast)
        );
    }

    #[test]
    fn unknown_presets_are_rejected_listing_the_known_ones() {
        let err = "quick".parse::<H264Preset>().expect_err("not a preset");
        let text = err.to_string();
        assert!(
            text.contains("\"quick\"") && text.contains("ultrafast, superfast"),
            "{text}"
        );
    }

    #[test]
    fn crf_above_the_x264_range_is_refused() {
        assert!(H264Settings::new(H264Preset::Medium, MAX_CRF).is_ok());
        let err = H264Settings::new(H264Preset::Medium, MAX_CRF + 1).expect_err("too high");
        assert!(err.to_string().contains("52"), "{err}");
    }

    #[test]
    fn defaults_are_veryfast_at_x264s_default_quality() {
        let settings = H264Settings::default();
        assert_eq!((settings.preset, settings.crf), (H264Preset::Veryfast, 23));
        assert_eq!(settings.to_string(), "preset veryfast, crf 23");
    }
}
