//! Robustness of `cargo xtask fetch-models` (the real binary): a hash mismatch while fetching, a
//! missing mirror, and the conversion of corrupted `.h5` / `.caffemodel` / `.prototxt` files fail
//! with exit code 1 and an error naming the file, never a panic, and leave no converted model
//! behind.

mod robustness_support;

use std::path::PathBuf;
use std::process::Command;

use robustness_support::*;
use sha2::{Digest, Sha256};

/// Area of the rows recorded for `docs/ROBUSTNESS.md`.
const AREA: &str = "xtask fetch-models";

/// Bytes kept of the truncated `.caffemodel` (its first layers, far short of the 45 MB).
const TRUNCATED_CAFFEMODEL_BYTES: usize = 1 << 20;

/// A temporary mirror, manifest and destination.
struct Sandbox {
    dir: tempfile::TempDir,
    entries: String,
}

impl Sandbox {
    fn new() -> Self {
        let dir = temp_dir();
        std::fs::create_dir(dir.path().join("mirror")).expect("mirror folder");
        Sandbox {
            dir,
            entries: String::new(),
        }
    }

    fn mirror(&self) -> PathBuf {
        self.dir.path().join("mirror")
    }

    fn models(&self) -> PathBuf {
        self.dir.path().join("models")
    }

    /// Puts `bytes` in the mirror as `file` and lists it in the manifest under `name` with the
    /// given sha256 (the bytes' own unless `claimed_sha256`).
    fn add(&mut self, name: &str, file: &str, bytes: &[u8], claimed_sha256: Option<&str>) {
        std::fs::write(self.mirror().join(file), bytes).expect("write a mirror file");
        let sha = claimed_sha256.map_or_else(|| hex(&Sha256::digest(bytes)), str::to_owned);
        self.entries.push_str(&format!(
            "[[file]]\nname = \"{name}\"\nurl = \"https://example.invalid/{file}\"\nsha256 = \"{sha}\"\nsize = {}\nlicense = \"test\"\ndestination = \"models/{file}\"\ndescription = \"test\"\n\n",
            bytes.len()
        ));
    }

    /// Runs `fetch-models` on this sandbox.
    fn fetch(&self) -> Outcome {
        let manifest = self.dir.path().join("manifest.toml");
        std::fs::write(&manifest, &self.entries).expect("write the manifest");
        let mut command = xtask_command();
        command.args([
            "fetch-models",
            "--mirror",
            s(&self.mirror()),
            "--manifest",
            s(&manifest),
            "--models-dir",
            s(&self.models()),
            "--videos-dir",
            s(&self.dir.path().join("videos")),
        ]);
        run_with_limit(&mut command, PROCESS_LIMIT)
    }

    /// Files left in the destination folder.
    fn converted(&self) -> Vec<String> {
        std::fs::read_dir(self.models())
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|name| name.ends_with(".onnx"))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn xtask_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    quiet_env(&mut command);
    command
}

/// A real file of the mirror.
fn mirror_file(name: &str) -> Vec<u8> {
    let path = shared_dir().join("mirror").join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// xtask prints `Error: <context>` then `Caused by:` lines; all of it, on one line.
fn xtask_message(outcome: &Outcome) -> String {
    let text = &outcome.stderr;
    let start = text.find("Error: ").unwrap_or(0);
    text[start..]
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Asserts exit 1, no panic, every needle in the message, and records the row.
fn check(input: &str, sandbox: &Sandbox, outcome: &Outcome, needles: &[&str]) {
    assert_no_panic(outcome);
    assert_eq!(outcome.code, Some(EXIT_RUNTIME), "{}", outcome.log());
    let message = xtask_message(outcome);
    for needle in needles {
        assert!(
            message.to_lowercase().contains(&needle.to_lowercase()),
            "the message does not mention `{needle}`: {message}"
        );
    }
    assert!(
        sandbox.converted().is_empty(),
        "no converted model is left behind: {:?}",
        sandbox.converted()
    );
    record_message(
        AREA,
        input,
        "fetch stops, nothing converted",
        &message.replace(s(sandbox.dir.path()), "<tmp>"),
        outcome.code,
    );
}

#[test]
fn hash_mismatch_while_fetching() {
    let mut sandbox = Sandbox::new();
    let mut bytes = mirror_file("ssrnet_age_3_3_3_64_1.0_1.0.h5");
    let real_sha = hex(&Sha256::digest(&bytes));
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x5a;
    sandbox.add(
        "ssrnet-age-h5",
        "ssrnet_age_3_3_3_64_1.0_1.0.h5",
        &bytes,
        Some(&real_sha),
    );
    let outcome = sandbox.fetch();
    check(
        "sha256 mismatch",
        &sandbox,
        &outcome,
        &["ssrnet_age_3_3_3_64_1.0_1.0.h5", "sha256"],
    );
    assert!(
        !sandbox
            .models()
            .join("ssrnet_age_3_3_3_64_1.0_1.0.h5")
            .exists(),
        "a file failing its check is not kept"
    );
}

#[test]
fn missing_mirror_folder() {
    let sandbox = Sandbox::new();
    let absent = sandbox.dir.path().join("no-mirror");
    let mut command = xtask_command();
    command.args([
        "fetch-models",
        "--mirror",
        s(&absent),
        "--models-dir",
        s(&sandbox.models()),
    ]);
    let outcome = run_with_limit(&mut command, QUICK_LIMIT);
    check(
        "mirror folder does not exist",
        &sandbox,
        &outcome,
        &[s(&absent), "does not exist"],
    );
}

#[test]
fn corrupted_h5_conversion() {
    let mut sandbox = Sandbox::new();
    // The HDF5 superblock survives; the B-tree and heap behind it are zeroed.
    let mut bytes = mirror_file("ssrnet_age_3_3_3_64_1.0_1.0.h5");
    for byte in bytes.iter_mut().skip(96).take(4096) {
        *byte = 0;
    }
    sandbox.add(
        "ssrnet-age-h5",
        "ssrnet_age_3_3_3_64_1.0_1.0.h5",
        &bytes,
        None,
    );
    let outcome = sandbox.fetch();
    check(
        "corrupted .h5 (bytes 96..4192 zeroed)",
        &sandbox,
        &outcome,
        &["ssrnet_age_3_3_3_64_1.0_1.0.h5"],
    );
}

#[test]
fn truncated_h5_conversion() {
    let mut sandbox = Sandbox::new();
    let bytes = mirror_file("ssrnet_gender_3_3_3_64_1.0_1.0.h5");
    sandbox.add(
        "ssrnet-gender-h5",
        "ssrnet_gender_3_3_3_64_1.0_1.0.h5",
        &bytes[..bytes.len() / 2],
        None,
    );
    let outcome = sandbox.fetch();
    check(
        "truncated .h5 (half)",
        &sandbox,
        &outcome,
        &["ssrnet_gender_3_3_3_64_1.0_1.0.h5"],
    );
}

/// Adds the age prototxt and the given caffemodel bytes.
fn caffe_sandbox(prototxt: &[u8], caffemodel: &[u8]) -> Sandbox {
    let mut sandbox = Sandbox::new();
    sandbox.add("caffe-age-prototxt", "deploy_age.prototxt", prototxt, None);
    sandbox.add(
        "caffe-age-caffemodel",
        "age_net.caffemodel",
        caffemodel,
        None,
    );
    sandbox
}

#[test]
fn text_given_as_caffemodel() {
    let sandbox = caffe_sandbox(
        &mirror_file("deploy_age.prototxt"),
        b"this is a text file, not Caffe weights\n",
    );
    let outcome = sandbox.fetch();
    check(
        "text as .caffemodel",
        &sandbox,
        &outcome,
        &["age_net.caffemodel", ".caffemodel"],
    );
}

#[test]
fn truncated_caffemodel_conversion() {
    let bytes = mirror_file("age_net.caffemodel");
    let sandbox = caffe_sandbox(
        &mirror_file("deploy_age.prototxt"),
        &bytes[..TRUNCATED_CAFFEMODEL_BYTES.min(bytes.len())],
    );
    let outcome = sandbox.fetch();
    check(
        "truncated .caffemodel (1 MiB)",
        &sandbox,
        &outcome,
        &["age_net.caffemodel"],
    );
}

#[test]
fn corrupted_prototxt_conversion() {
    let text = String::from_utf8(mirror_file("deploy_age.prototxt")).expect("utf-8 prototxt");
    let broken = text.replacen("num_output", "num_outptu", 1);
    // A truncated caffemodel keeps the test fast; the prototxt is read first.
    let bytes = mirror_file("age_net.caffemodel");
    let sandbox = caffe_sandbox(broken.as_bytes(), &bytes[..TRUNCATED_CAFFEMODEL_BYTES]);
    let outcome = sandbox.fetch();
    check(
        "misspelt key in .prototxt",
        &sandbox,
        &outcome,
        &["deploy_age.prototxt", "num_outptu"],
    );
}
