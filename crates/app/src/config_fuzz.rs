//! Property tests ("fuzzing" on a stable compiler) of the config parser: arbitrary bytes,
//! TOML-shaped text over the real keys, and mutations of the shipped `config/*.toml` must load or
//! be refused with a message naming the file, and a loaded config must validate or be refused,
//! never panic. Cases per property: `AGENDER_FUZZ_CASES` (default [`DEFAULT_CASES`]).

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::Config;

use crate::config::AppConfig;

/// Cases per property in a normal test run.
const DEFAULT_CASES: u32 = 128;

fn config() -> Config {
    let cases = std::env::var("AGENDER_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Loads `bytes` as a config file and validates it; errors must name the file.
fn load_and_validate(bytes: &[u8]) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("fuzz.toml");
    std::fs::write(&path, bytes).expect("write");
    match AppConfig::load(&path) {
        Ok(config) => {
            let _ = config.validate();
            let _ = config.pipeline.resolved_models_dir();
        }
        Err(err) => assert!(
            format!("{err:#}").contains("fuzz.toml"),
            "the error names the file: {err:#}"
        ),
    }
}

/// Shipped configs, read from the workspace.
fn shipped_configs() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("config folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read(p).expect("read a config"))
        .collect()
}

/// Keys and values that reach the deserialiser's typed paths.
fn toml_line() -> impl Strategy<Value = String> {
    let sections = prop_oneof![
        Just(""),
        Just("[input]"),
        Just("[output]"),
        Just("[processing]"),
        Just("[detector]"),
        Just("[detector.haar]"),
        Just("[detector.dnn]"),
        Just("[detector.yunet]"),
        Just("[estimator]"),
        Just("[display]"),
        Just("[tracking]"),
    ];
    let keys = prop_oneof![
        Just("kind"),
        Just("source"),
        Just("area"),
        Just("seed"),
        Just("max_frames"),
        Just("video"),
        Just("codec"),
        Just("preset"),
        Just("crf"),
        Just("tune"),
        Just("json"),
        Just("padding_ratio"),
        Just("scale_factor"),
        Just("min_neighbors"),
        Just("confidence_threshold"),
        Just("input_width"),
        Just("score_threshold"),
        Just("enabled"),
        Just("models_dir"),
        Just("age_model"),
        Just("reestimate_interval"),
        Just("mean"),
        Just("min_size"),
    ];
    let values = prop_oneof![
        any::<i64>().prop_map(|v| v.to_string()),
        any::<f64>().prop_map(|v| format!("{v:?}")),
        Just("nan".to_owned()),
        Just("inf".to_owned()),
        Just("-inf".to_owned()),
        "[a-z0-9 ._/-]{0,12}".prop_map(|v| format!("\"{v}\"")),
        Just("true".to_owned()),
        Just("[1, 2, 3]".to_owned()),
        Just("{ width = 0, height = -1 }".to_owned()),
    ];
    (sections, keys, values).prop_map(|(section, key, value)| format!("{section}\n{key} = {value}"))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        load_and_validate(&bytes);
    }

    #[test]
    fn toml_shaped_text_never_panics(lines in proptest::collection::vec(toml_line(), 1..6)) {
        load_and_validate(lines.join("\n").as_bytes());
    }

    #[test]
    fn mutated_shipped_configs_never_panic(which in 0usize..16, flips in proptest::collection::vec((any::<usize>(), 1u8..), 1..6)) {
        let configs = shipped_configs();
        let mut bytes = configs[which % configs.len()].clone();
        let len = bytes.len();
        for (at, mask) in flips {
            bytes[at % len] ^= mask;
        }
        load_and_validate(&bytes);
    }
}

#[test]
fn shipped_configs_load_and_validate() {
    for bytes in shipped_configs() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("shipped.toml");
        std::fs::write(&path, &bytes).expect("write");
        let config = AppConfig::load(&path).expect("a shipped config loads");
        config.validate().expect("a shipped config is valid");
    }
}
