//! Property tests ("fuzzing" on a stable compiler) of the SSR-Net weight reader: arbitrary bytes
//! and mutations (flipped, inserted, removed, truncated bytes) of the real `.h5` files from
//! `../shared/mirror` must give an error naming the file, never a panic.
//!
//! Cases per property: `AGENDER_FUZZ_CASES` (default [`DEFAULT_CASES`]).

mod common;

use std::path::Path;

use models::ssrnet::SsrNetTarget;
use models::ssrnet::architecture::layers;
use models::ssrnet::weights::load_checked;
use proptest::prelude::*;

/// Cases per property in a normal test run.
const DEFAULT_CASES: u32 = 48;
/// Real weight file mutated by the tests.
const AGE_H5: &str = "ssrnet_age_3_3_3_64_1.0_1.0.h5";

fn real_h5() -> Vec<u8> {
    let path = common::mirror_dir().join(AGE_H5);
    std::fs::read(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// Writes `bytes` to a temporary `.h5` and loads it; an error must name the file.
fn load_bytes(bytes: &[u8]) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("fuzz.h5");
    std::fs::write(&path, bytes).expect("write");
    check_load(&path);
}

fn check_load(path: &Path) {
    if let Err(err) = load_checked(path, &layers(SsrNetTarget::Age)) {
        let message = format!("{:#}", anyhow::Error::from(err));
        assert!(
            message.contains("fuzz.h5"),
            "the error names the file: {message}"
        );
    }
}

proptest! {
    #![proptest_config(common::fuzz_config(DEFAULT_CASES))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        load_bytes(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_the_hdf5_signature_never_panic(
        tail in proptest::collection::vec(any::<u8>(), 0..2048)
    ) {
        let mut bytes = b"\x89HDF\r\n\x1a\n".to_vec();
        bytes.extend_from_slice(&tail);
        load_bytes(&bytes);
    }

    #[test]
    fn flipped_bytes_never_panic(flips in proptest::collection::vec((any::<usize>(), 1u8..), 1..8)) {
        let mut bytes = real_h5();
        let len = bytes.len();
        for (at, mask) in flips {
            bytes[at % len] ^= mask;
        }
        load_bytes(&bytes);
    }

    #[test]
    fn flipped_header_bytes_never_panic(flips in proptest::collection::vec((0usize..4096, 1u8..), 1..4)) {
        // The superblock, root group and B-tree nodes sit in the first pages: flips there reach
        // the structural parsing rather than the weight values.
        let mut bytes = real_h5();
        for (at, mask) in flips {
            bytes[at] ^= mask;
        }
        load_bytes(&bytes);
    }

    #[test]
    fn truncated_files_never_panic(keep_per_mille in 0usize..1000) {
        let mut bytes = real_h5();
        let keep = bytes.len() * keep_per_mille / 1000;
        bytes.truncate(keep);
        load_bytes(&bytes);
    }
}
