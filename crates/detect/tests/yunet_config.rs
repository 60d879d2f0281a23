//! The `[detector.yunet]` configuration: TOML parsing and the shipped `config/yunet.toml`.

use detect::{DetectorConfig, DetectorKind, YunetConfig};

#[test]
fn the_detector_section_reads_a_yunet_subsection_and_rejects_unknown_keys() {
    let config: DetectorConfig = toml::from_str(
        "kind = \"yunet\"\n[yunet]\nscore_threshold = 0.8\nnms_threshold = 0.4\ntop_k = 100\n",
    )
    .expect("valid [detector] section");
    assert_eq!(config.kind, DetectorKind::Yunet);
    assert_eq!(
        config.yunet,
        YunetConfig {
            score_threshold: 0.8,
            nms_threshold: 0.4,
            top_k: 100,
            ..YunetConfig::default()
        }
    );
    assert!(toml::from_str::<DetectorConfig>("[yunet]\nthreshold = 0.8\n").is_err());
}

#[test]
fn shipped_config_selects_yunet_with_the_documented_defaults() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/yunet.toml");
    let text = std::fs::read_to_string(&path).expect("config/yunet.toml");
    let file: toml::Table = toml::from_str(&text).expect("valid TOML");
    let section = file.get("detector").cloned().expect("a [detector] section");
    let config: DetectorConfig = section.try_into().expect("a valid [detector] section");
    assert_eq!(config.kind, DetectorKind::Yunet);
    assert_eq!(config.yunet, YunetConfig::default());
    assert!(config.validate().is_ok());
}
