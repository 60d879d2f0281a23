//! The `[tracking]` section of the app's TOML config and its validation.

use serde::{Deserialize, Serialize};

use crate::error::TrackError;
use crate::reestimation::ReestimationPolicy;
use crate::smoothing::{AgeGroupSmoothing, AgeSmoothing, GenderSmoothing};

/// Name of the config section, used as the prefix of keys in error messages.
const SECTION: &str = "tracking";

/// SORT's default IoU threshold for associating a detection with a track (Bewley et al. 2016).
pub const DEFAULT_MIN_IOU: f32 = 0.3;
/// Half a second at 30 fps: bridges the Haar detector's one-off misses without keeping ghosts.
pub const DEFAULT_MAX_MISSED_FRAMES: u32 = 15;
/// Estimate every frame, the original program's behaviour.
pub const DEFAULT_REESTIMATE_INTERVAL: u32 = 1;
/// Area +50% (about +22% per side): the face came markedly closer, its crop has more detail.
pub const DEFAULT_BOX_GROWTH: f32 = 1.5;
/// Largest smoothing window accepted: about 40 s at 25 fps, far beyond any useful window, and
/// keeps per-frame sorting cheap.
pub const MAX_SMOOTHING_WINDOW: usize = 1024;

/// Tracking, smoothing and re-estimation settings: the app's `[tracking]` TOML section.
///
/// Every key is optional; the defaults reproduce the original per-frame output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrackerConfig {
    /// Whether the app tracks faces at all (the tracker itself ignores this flag).
    pub enabled: bool,
    /// Whether labels show the track ID (read by the app).
    pub show_track_id: bool,
    /// Minimum IoU for a detection to continue a track, in `(0, 1]`.
    pub min_iou: f32,
    /// Frames a track survives without a detection; it is dropped on the next miss.
    pub max_missed_frames: u32,
    /// Predict each track's box with its constant velocity (helps when faces cross).
    pub motion_prediction: bool,
    /// Estimate a track every this many frames (K >= 1; 1 = every frame).
    pub reestimate_interval: u32,
    /// Re-estimate early when the box area grew by more than this factor (>= 1; `inf` = never).
    pub box_growth: f32,
    /// Smoothing of ages in years (SSR-Net).
    pub age_smoothing: AgeSmoothing,
    /// Smoothing of age groups (Caffe age net).
    pub age_group_smoothing: AgeGroupSmoothing,
    /// Accumulation of gender evidence.
    pub gender_smoothing: GenderSmoothing,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            show_track_id: false,
            min_iou: DEFAULT_MIN_IOU,
            max_missed_frames: DEFAULT_MAX_MISSED_FRAMES,
            motion_prediction: true,
            reestimate_interval: DEFAULT_REESTIMATE_INTERVAL,
            box_growth: DEFAULT_BOX_GROWTH,
            age_smoothing: AgeSmoothing::default(),
            age_group_smoothing: AgeGroupSmoothing::default(),
            gender_smoothing: GenderSmoothing::default(),
        }
    }
}

impl TrackerConfig {
    /// Checks every value's range; the error names the first offending key and its value.
    pub fn validate(&self) -> Result<(), TrackError> {
        if !(self.min_iou > 0.0 && self.min_iou <= 1.0) {
            return Err(invalid("min_iou", self.min_iou, "a number in (0, 1]"));
        }
        if self.reestimate_interval == 0 {
            return Err(invalid(
                "reestimate_interval",
                self.reestimate_interval,
                "an integer >= 1 (1 = estimate every frame)",
            ));
        }
        // Infinity is allowed and disables the rule.
        if self.box_growth.is_nan() || self.box_growth < 1.0 {
            return Err(invalid(
                "box_growth",
                self.box_growth,
                "a number >= 1 (inf disables re-estimation on growth)",
            ));
        }
        self.validate_age_smoothing()?;
        match self.age_group_smoothing {
            AgeGroupSmoothing::None => {}
            AgeGroupSmoothing::SummedProbabilities { window } => {
                check_window("age_group_smoothing.window", window)?;
            }
        }
        match self.gender_smoothing {
            GenderSmoothing::None => {}
            GenderSmoothing::MeanScore { window }
            | GenderSmoothing::SummedProbabilities { window } => {
                check_window("gender_smoothing.window", window)?;
            }
        }
        Ok(())
    }

    fn validate_age_smoothing(&self) -> Result<(), TrackError> {
        match self.age_smoothing {
            AgeSmoothing::None => Ok(()),
            AgeSmoothing::Ema { alpha } => {
                if alpha > 0.0 && alpha <= 1.0 {
                    Ok(())
                } else {
                    Err(invalid(
                        "age_smoothing.alpha",
                        alpha,
                        "a number in (0, 1] (1 = no smoothing)",
                    ))
                }
            }
            AgeSmoothing::Median { window } => check_window("age_smoothing.window", window),
            AgeSmoothing::WinsorisedMean { window, trim } => {
                check_window("age_smoothing.window", window)?;
                if (0.0..0.5).contains(&trim) {
                    Ok(())
                } else {
                    Err(invalid(
                        "age_smoothing.trim",
                        trim,
                        "a fraction in [0, 0.5) clamped at each end",
                    ))
                }
            }
        }
    }

    /// The re-estimation policy these settings describe.
    pub fn reestimation_policy(&self) -> ReestimationPolicy {
        ReestimationPolicy {
            interval: self.reestimate_interval,
            box_growth: self.box_growth,
        }
    }
}

fn check_window(key: &str, window: usize) -> Result<(), TrackError> {
    if (1..=MAX_SMOOTHING_WINDOW).contains(&window) {
        Ok(())
    } else {
        Err(invalid(key, window, "an integer from 1 to 1024 (frames)"))
    }
}

fn invalid(key: &str, value: impl std::fmt::Debug, expected: &'static str) -> TrackError {
    TrackError::InvalidConfig {
        key: format!("{SECTION}.{key}"),
        value: format!("{value:?}"),
        expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(toml_text: &str) -> Result<TrackerConfig, toml::de::Error> {
        #[derive(Deserialize)]
        struct File {
            tracking: TrackerConfig,
        }
        toml::from_str::<File>(toml_text).map(|file| file.tracking)
    }

    fn key_of(error: TrackError) -> String {
        match error {
            TrackError::InvalidConfig { key, .. } => key,
            other => format!("unexpected {other:?}"),
        }
    }

    #[test]
    fn empty_section_is_the_per_frame_default() {
        let config = parse("[tracking]\n").expect("empty section parses");
        assert_eq!(config, TrackerConfig::default());
        assert_eq!(config.min_iou, 0.3);
        assert_eq!(config.max_missed_frames, 15);
        assert_eq!(config.reestimate_interval, 1);
        assert_eq!(config.age_smoothing, AgeSmoothing::None);
        assert_eq!(config.validate(), Ok(()));
    }

    #[test]
    fn full_section_parses_every_mode() {
        let config = parse(
            r#"
            [tracking]
            enabled = true
            show_track_id = true
            min_iou = 0.25
            max_missed_frames = 10
            motion_prediction = false
            reestimate_interval = 5
            box_growth = 2.0
            age_smoothing = { mode = "winsorised_mean", window = 15, trim = 0.2 }
            age_group_smoothing = { mode = "summed_probabilities", window = 9 }
            gender_smoothing = { mode = "mean_score", window = 30 }
            "#,
        )
        .expect("full section parses");
        assert!(config.enabled && config.show_track_id && !config.motion_prediction);
        assert_eq!(config.max_missed_frames, 10);
        assert_eq!(
            config.reestimation_policy(),
            ReestimationPolicy {
                interval: 5,
                box_growth: 2.0
            }
        );
        assert_eq!(
            config.age_smoothing,
            AgeSmoothing::WinsorisedMean {
                window: 15,
                trim: 0.2
            }
        );
        assert_eq!(
            config.age_group_smoothing,
            AgeGroupSmoothing::SummedProbabilities { window: 9 }
        );
        assert_eq!(
            config.gender_smoothing,
            GenderSmoothing::MeanScore { window: 30 }
        );
        assert_eq!(config.validate(), Ok(()));
        let ema = parse("[tracking]\nage_smoothing = { mode = \"ema\", alpha = 0.3 }\n")
            .expect("ema parses");
        assert_eq!(ema.age_smoothing, AgeSmoothing::Ema { alpha: 0.3 });
    }

    #[test]
    fn unknown_keys_and_modes_are_rejected() {
        assert!(parse("[tracking]\nmin_iuo = 0.3\n").is_err());
        assert!(parse("[tracking]\nage_smoothing = { mode = \"mean\" }\n").is_err());
        let stray =
            parse("[tracking]\nage_smoothing = { mode = \"ema\", alpha = 0.3, beta = 1 }\n");
        assert!(stray.is_err(), "{stray:?}");
    }

    #[test]
    fn out_of_range_values_name_their_key_and_value() {
        let with = |change: fn(&mut TrackerConfig)| {
            let mut config = TrackerConfig::default();
            change(&mut config);
            config.validate().expect_err("must be rejected")
        };
        let error = with(|c| c.age_smoothing = AgeSmoothing::Ema { alpha: 1.5 });
        assert_eq!(
            error.to_string(),
            "invalid setting `tracking.age_smoothing.alpha = 1.5`: a number in (0, 1] \
             (1 = no smoothing); fix it in the [tracking] section of the config file"
        );
        assert_eq!(
            key_of(with(|c| c.age_smoothing = AgeSmoothing::Ema { alpha: 0.0 })),
            "tracking.age_smoothing.alpha"
        );
        assert_eq!(
            key_of(with(
                |c| c.age_smoothing = AgeSmoothing::Median { window: 0 }
            )),
            "tracking.age_smoothing.window"
        );
        assert_eq!(
            key_of(with(|c| c.age_smoothing = AgeSmoothing::WinsorisedMean {
                window: 5,
                trim: 0.5
            })),
            "tracking.age_smoothing.trim"
        );
        assert_eq!(
            key_of(with(
                |c| c.gender_smoothing = GenderSmoothing::MeanScore { window: 5000 }
            )),
            "tracking.gender_smoothing.window"
        );
        assert_eq!(
            key_of(with(
                |c| c.age_group_smoothing = AgeGroupSmoothing::SummedProbabilities { window: 0 }
            )),
            "tracking.age_group_smoothing.window"
        );
        assert_eq!(key_of(with(|c| c.min_iou = 0.0)), "tracking.min_iou");
        assert_eq!(key_of(with(|c| c.min_iou = f32::NAN)), "tracking.min_iou");
        assert_eq!(
            key_of(with(|c| c.reestimate_interval = 0)),
            "tracking.reestimate_interval"
        );
        assert_eq!(key_of(with(|c| c.box_growth = 0.9)), "tracking.box_growth");
        assert_eq!(
            key_of(with(|c| c.box_growth = f32::NAN)),
            "tracking.box_growth"
        );
        let never_on_growth = TrackerConfig {
            box_growth: f32::INFINITY,
            ..TrackerConfig::default()
        };
        assert_eq!(never_on_growth.validate(), Ok(()));
    }
}
