//! Property tests ("fuzzing" on a stable compiler) of the Caffe converter's parsers: arbitrary
//! bytes and mutations (flipped, inserted, truncated bytes) of the real `.prototxt` and
//! `.caffemodel` from `../shared/mirror` must give an error or a model, never a panic.
//!
//! Cases per property: `AGENDER_FUZZ_CASES` (default [`DEFAULT_CASES`]); `scripts/fuzz.sh` raises
//! it for a longer bounded run.

mod common;

use proptest::prelude::*;

/// Cases per property in a normal test run.
const DEFAULT_CASES: u32 = 48;
/// Bytes of the real `.caffemodel` kept for mutation (its header and first layers): the
/// decoder's paths are all exercised and a case stays fast in a debug build.
const CAFFEMODEL_PREFIX: usize = 256 * 1024;

fn mirror_bytes(name: &str) -> Vec<u8> {
    let path = common::mirror_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// One edit of a byte string.
#[derive(Debug, Clone)]
enum Mutation {
    /// XOR the byte at this position (modulo the length) with the mask.
    Flip(usize, u8),
    /// Insert a byte at this position.
    Insert(usize, u8),
    /// Remove the byte at this position.
    Remove(usize),
    /// Keep only this share (per mille) of the bytes.
    Truncate(u16),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), 1u8..).prop_map(|(at, mask)| Mutation::Flip(at, mask)),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert(at, byte)),
        2 => any::<usize>().prop_map(Mutation::Remove),
        1 => (0u16..1000).prop_map(Mutation::Truncate),
    ]
}

/// Applies `mutations` to a copy of `bytes`.
fn mutate(bytes: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for m in mutations {
        let len = out.len();
        match *m {
            Mutation::Flip(at, mask) if len > 0 => out[at % len] ^= mask,
            Mutation::Insert(at, byte) => out.insert(at % (len + 1), byte),
            Mutation::Remove(at) if len > 0 => {
                out.remove(at % len);
            }
            Mutation::Truncate(per_mille) => out.truncate(len * usize::from(per_mille) / 1000),
            _ => {}
        }
    }
    out
}

proptest! {
    #![proptest_config(common::fuzz_config(DEFAULT_CASES))]

    #[test]
    fn arbitrary_bytes_never_panic(prototxt in proptest::collection::vec(any::<u8>(), 0..512),
                                   caffemodel in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = models::caffe::build(&String::from_utf8_lossy(&prototxt), &caffemodel, "fuzz");
    }

    #[test]
    fn mutated_prototxt_never_panics(mutations in proptest::collection::vec(mutation(), 1..8)) {
        let text = mutate(&mirror_bytes("deploy_age.prototxt"), &mutations);
        // The weights are left empty: the text is parsed and checked before they are read.
        let _ = models::caffe::build(&String::from_utf8_lossy(&text), &[], "fuzz");
    }

    #[test]
    fn mutated_caffemodel_never_panics(mutations in proptest::collection::vec(mutation(), 1..8)) {
        let prototxt = String::from_utf8(mirror_bytes("deploy_gender.prototxt")).expect("utf-8");
        let mut weights = mirror_bytes("gender_net.caffemodel");
        weights.truncate(CAFFEMODEL_PREFIX);
        let weights = mutate(&weights, &mutations);
        let _ = models::caffe::build(&prototxt, &weights, "fuzz");
    }
}

/// Regression inputs found while fuzzing (each one crashed or misbehaved once) and edge cases.
#[test]
fn regression_inputs_give_errors() {
    let prototxt = String::from_utf8(mirror_bytes("deploy_age.prototxt")).expect("utf-8");
    for (text, weights) in [
        ("", &b""[..]),
        ("layer {", &b""[..]),
        (
            "layer { type: \"Convolution\" convolution_param { num_output: 0 } }",
            &b""[..],
        ),
        (
            "input_dim: -1 input_dim: 3 input_dim: 0 input_dim: 99999999999",
            &b""[..],
        ),
        (prototxt.as_str(), &b"\x0a\xff\xff\xff\xff\x0f"[..]),
        (prototxt.as_str(), &b"\x12\x05layer"[..]),
    ] {
        assert!(
            models::caffe::build(text, weights, "fuzz").is_err(),
            "{text:?} + {weights:?} is refused"
        );
    }
}
