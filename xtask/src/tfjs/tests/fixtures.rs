//! The real AgeGenderNet files of the shared mirror, as parsed manifests and shard bytes that a
//! test can alter before decoding.

use std::path::PathBuf;

use crate::tfjs::manifest::{self, WeightGroup};
use crate::tfjs::weights::Shard;

/// The weights manifest's file name in the mirror.
pub const MANIFEST: &str = "age_gender_model-weights_manifest.json";
/// Its single shard.
pub const SHARD: &str = "age_gender_model-shard1";

/// `$AGENDER_SHARED/mirror`, default `<workspace>/../shared/mirror`.
pub fn mirror() -> PathBuf {
    let shared = std::env::var_os("AGENDER_SHARED")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let mirror = shared.join("mirror");
    assert!(
        mirror.is_dir(),
        "shared mirror not found at {} (set AGENDER_SHARED)",
        mirror.display()
    );
    mirror
}

/// The parsed manifest and the shard's bytes.
pub fn real_files() -> (Vec<WeightGroup>, Vec<Shard>) {
    let dir = mirror();
    let text = std::fs::read_to_string(dir.join(MANIFEST)).expect("manifest readable");
    let groups = manifest::parse(&text).expect("manifest parses");
    let bytes = std::fs::read(dir.join(SHARD)).expect("shard readable");
    (
        groups,
        vec![Shard {
            name: SHARD.to_owned(),
            bytes,
        }],
    )
}

/// The index of weight `name` in the (single) group.
pub fn index_of(groups: &[WeightGroup], name: &str) -> usize {
    groups[0]
        .weights
        .iter()
        .position(|w| w.name == name)
        .unwrap_or_else(|| panic!("{name} is in the manifest"))
}

/// Decodes and builds the AgeGenderNet graph; the error's full text when it fails.
pub fn conversion_error(groups: &[WeightGroup], shards: &[Shard]) -> String {
    let result = crate::tfjs::weights::decode(groups, shards, MANIFEST)
        .and_then(|weights| crate::tfjs::age_gender::build(weights, &[]));
    match result {
        Ok(_) => panic!("conversion should fail"),
        Err(error) => format!("{error:#}"),
    }
}
