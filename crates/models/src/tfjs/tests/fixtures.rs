//! The real AgeGenderNet files of the shared mirror, as parsed manifests and shard bytes that a
//! test can alter before decoding.

use crate::tfjs::manifest::{self, WeightGroup};
use crate::tfjs::weights::Shard;

/// The weights manifest's file name in the mirror.
pub const MANIFEST: &str = "age_gender_model-weights_manifest.json";
/// Its single shard.
pub const SHARD: &str = "age_gender_model-shard1";

/// The parsed manifest and the shard's bytes.
pub fn real_files() -> (Vec<WeightGroup>, Vec<Shard>) {
    let dir = test_data::mirror_dir();
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
        Err(error) => crate::error::chain(&error),
    }
}
