//! How H.264 is encoded: the x264 speed preset ([`H264Preset`]) and quality ([`H264Settings`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::VideoError;

/// x264's default constant rate factor (quality): visually close to the source at a modest size.
pub const DEFAULT_CRF: u8 = 23;
/// Highest constant rate factor x264 accepts for 8-bit video (lowest quality).
pub const MAX_CRF: u8 = 51;

/// For an x264 option type with an `ALL` list and a `name()`: `names()`, `Display` and `Serialize`
/// as the name, and `FromStr` / `Deserialize` from a case-insensitive name, an unknown one
/// giving the error variant `$unknown` (with the value and the known names).
macro_rules! x264_named {
    ($type:ident, $unknown:ident) => {
        impl $type {
            /// The names, comma-separated (for error messages and documentation).
            pub fn names() -> String {
                Self::ALL.map(Self::name).join(", ")
            }
        }

        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FromStr for $type {
            type Err = VideoError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let name = s.trim().to_ascii_lowercase();
                Self::ALL
                    .into_iter()
                    .find(|choice| choice.name() == name)
                    .ok_or_else(|| VideoError::$unknown {
                        value: s.to_owned(),
                        known: Self::names(),
                    })
            }
        }

        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

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
}

x264_named!(H264Preset, UnknownPreset);

/// x264's tunings: settings for a kind of content or use, applied on top of the preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum H264Tune {
    /// Live-action film.
    Film,
    /// Cartoons and other flat content.
    Animation,
    /// Film grain to preserve.
    Grain,
    /// Slide shows and other still images.
    Stillimage,
    /// Cheaper decoding (no CABAC, no deblocking).
    Fastdecode,
    /// No frame held back: no lookahead and no B-frames, threads over slices. The encoder then
    /// holds a few frames instead of tens (about a third of the memory at 4K), for larger files.
    Zerolatency,
}

impl H264Tune {
    /// Every tuning.
    pub const ALL: [H264Tune; 6] = [
        H264Tune::Film,
        H264Tune::Animation,
        H264Tune::Grain,
        H264Tune::Stillimage,
        H264Tune::Fastdecode,
        H264Tune::Zerolatency,
    ];

    /// The name x264 knows the tuning by.
    pub const fn name(self) -> &'static str {
        match self {
            H264Tune::Film => "film",
            H264Tune::Animation => "animation",
            H264Tune::Grain => "grain",
            H264Tune::Stillimage => "stillimage",
            H264Tune::Fastdecode => "fastdecode",
            H264Tune::Zerolatency => "zerolatency",
        }
    }
}

x264_named!(H264Tune, UnknownTune);

/// How the H.264 writer encodes: speed preset, constant rate factor and an optional tuning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct H264Settings {
    /// x264 speed preset.
    pub preset: H264Preset,
    /// Constant rate factor, 0 (lossless) to [`MAX_CRF`]; lower is better quality and larger.
    pub crf: u8,
    /// x264 tuning on top of the preset; `None` for the preset alone.
    pub tune: Option<H264Tune>,
}

impl Default for H264Settings {
    fn default() -> Self {
        Self {
            preset: H264Preset::default(),
            crf: DEFAULT_CRF,
            tune: None,
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
        Ok(Self {
            preset,
            crf,
            tune: None,
        })
    }

    /// The same settings with `tune` applied on top of the preset (`None`: the preset alone).
    pub fn with_tune(self, tune: Option<H264Tune>) -> Self {
        Self { tune, ..self }
    }
}

impl fmt::Display for H264Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "preset {}, crf {}", self.preset, self.crf)?;
        match self.tune {
            Some(tune) => write!(f, ", tune {tune}"),
            None => Ok(()),
        }
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
    fn tunes_parse_back_and_show_in_the_settings() {
        for tune in H264Tune::ALL {
            assert_eq!(tune.name().parse::<H264Tune>().ok(), Some(tune));
        }
        let err = "fast".parse::<H264Tune>().expect_err("not a tuning");
        assert!(err.to_string().contains("zerolatency"), "{err}");
        let settings = H264Settings::default().with_tune(Some(H264Tune::Zerolatency));
        assert_eq!(
            settings.to_string(),
            "preset veryfast, crf 23, tune zerolatency"
        );
    }

    #[test]
    fn defaults_are_veryfast_at_x264s_default_quality() {
        let settings = H264Settings::default();
        assert_eq!((settings.preset, settings.crf), (H264Preset::Veryfast, 23));
        assert_eq!(settings.to_string(), "preset veryfast, crf 23");
    }
}
