//! `fetch-models` against temporary mirror and destination folders: copies, skips what is up to
//! date, refuses corrupt files without leaving anything behind, and converts only when needed.

mod common;

use std::path::{Path, PathBuf};

use anyhow::Result;
use models::convert::stamp_path;
use models::fetch::{FileSource, NoProgress};
use models::manifest::DestinationDirs;
use models::{FetchModelsOptions, FetchModelsReport, fetch_models};
use sha2::{Digest, Sha256};

use common::{manifest_path, mirror_dir};

/// Small manifest entries (a few KB to 3 MB) and their file names.
const SMALL: [(&str, &str); 3] = [
    ("caffe-age-prototxt", "deploy_age.prototxt"),
    ("dnn-face-pbtxt", "opencv_face_detector.pbtxt"),
    ("input1-gif", "input1.gif"),
];

struct Sandbox {
    root: tempfile::TempDir,
}

impl Sandbox {
    /// A mirror holding copies of `files` from the real mirror, and empty destinations.
    fn new(files: &[&str]) -> Result<Self> {
        let root = tempfile::tempdir()?;
        std::fs::create_dir(root.path().join("mirror"))?;
        for file in files {
            std::fs::copy(
                mirror_dir().join(file),
                root.path().join("mirror").join(file),
            )?;
        }
        Ok(Sandbox { root })
    }

    fn mirror(&self) -> PathBuf {
        self.root.path().join("mirror")
    }

    fn models(&self) -> PathBuf {
        self.root.path().join("models")
    }

    fn videos(&self) -> PathBuf {
        self.root.path().join("videos")
    }

    fn options(&self, only: &[&str]) -> FetchModelsOptions {
        FetchModelsOptions {
            manifest: manifest_path(),
            source: FileSource::Mirror(self.mirror()),
            only: only.iter().map(|s| s.to_string()).collect(),
            dirs: DestinationDirs {
                models: self.models(),
                videos: self.videos(),
            },
            convert: true,
        }
    }

    fn run(&self, only: &[&str]) -> Result<FetchModelsReport> {
        Ok(fetch_models(&self.options(only), &NoProgress)?)
    }
}

fn names(list: &[(&str, &str)]) -> Vec<String> {
    list.iter().map(|(name, _)| name.to_string()).collect()
}

fn listing(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn first_run_copies_and_second_run_copies_nothing() -> Result<()> {
    let files: Vec<&str> = SMALL.iter().map(|(_, f)| *f).collect();
    let sandbox = Sandbox::new(&files)?;
    let only: Vec<&str> = SMALL.iter().map(|(n, _)| *n).collect();

    let first = sandbox.run(&only)?;
    assert_eq!(first.fetch.fetched, names(&SMALL));
    assert!(first.fetch.up_to_date.is_empty());
    assert_eq!(
        listing(&sandbox.models()),
        ["deploy_age.prototxt", "opencv_face_detector.pbtxt"]
    );
    assert_eq!(
        listing(&sandbox.videos()),
        ["input1.gif"],
        "GIFs go to videos/"
    );
    for file in &files {
        let dir = if file.ends_with(".gif") {
            sandbox.videos()
        } else {
            sandbox.models()
        };
        assert_eq!(
            std::fs::read(dir.join(file))?,
            std::fs::read(mirror_dir().join(file))?,
            "{file} is a byte copy"
        );
    }

    let second = sandbox.run(&only)?;
    assert!(
        second.fetch.fetched.is_empty(),
        "second run copied {:?}",
        second.fetch.fetched
    );
    assert_eq!(second.fetch.up_to_date, names(&SMALL));
    Ok(())
}

#[test]
fn one_changed_byte_fails_naming_file_and_both_hashes_and_leaves_nothing() -> Result<()> {
    let sandbox = Sandbox::new(&["deploy_age.prototxt"])?;
    let path = sandbox.mirror().join("deploy_age.prototxt");
    let mut bytes = std::fs::read(&path)?;
    bytes[100] ^= 0x01;
    std::fs::write(&path, &bytes)?;
    let corrupt_sha = sha256_hex(&bytes);
    let expected_sha = "cbda7cc5eebfa30e1cdc408088987df7ce00848450edad68dba0b84db28a04c0";

    let error = sandbox
        .run(&["caffe-age-prototxt"])
        .expect_err("corrupt file accepted");
    let message = format!("{error:#}");
    assert!(message.contains("deploy_age.prototxt"), "{message}");
    assert!(
        message.contains(expected_sha),
        "expected hash missing: {message}"
    );
    assert!(
        message.contains(&corrupt_sha),
        "actual hash missing: {message}"
    );
    assert_eq!(
        listing(&sandbox.models()),
        Vec::<String>::new(),
        "left behind"
    );
    Ok(())
}

#[test]
fn a_truncated_file_fails_and_leaves_nothing() -> Result<()> {
    let sandbox = Sandbox::new(&["opencv_face_detector.pbtxt"])?;
    let path = sandbox.mirror().join("opencv_face_detector.pbtxt");
    let bytes = std::fs::read(&path)?;
    std::fs::write(&path, &bytes[..bytes.len() / 2])?;
    let error = sandbox
        .run(&["dnn-face-pbtxt"])
        .expect_err("truncated file accepted");
    let message = format!("{error:#}");
    assert!(
        message.contains(&format!("has {} bytes, expected 34912", bytes.len() / 2)),
        "{message}"
    );
    assert_eq!(listing(&sandbox.models()), Vec::<String>::new());
    Ok(())
}

#[test]
fn a_corrupt_file_already_in_place_is_replaced() -> Result<()> {
    let sandbox = Sandbox::new(&["deploy_age.prototxt"])?;
    std::fs::create_dir_all(sandbox.models())?;
    let target = sandbox.models().join("deploy_age.prototxt");
    std::fs::write(&target, b"stale")?;
    let report = sandbox.run(&["caffe-age-prototxt"])?;
    assert_eq!(report.fetch.fetched, ["caffe-age-prototxt"]);
    assert_eq!(
        std::fs::read(&target)?,
        std::fs::read(mirror_dir().join("deploy_age.prototxt"))?
    );
    Ok(())
}

#[test]
fn an_unknown_only_name_is_an_error_listing_the_valid_names() -> Result<()> {
    let sandbox = Sandbox::new(&[])?;
    let error = sandbox
        .run(&["no-such-model"])
        .expect_err("unknown name accepted");
    let message = format!("{error:#}");
    assert!(message.contains("no-such-model"), "{message}");
    assert!(
        message.contains("ssrnet-age-h5") && message.contains("input2-gif"),
        "{message}"
    );
    assert!(!sandbox.models().exists() && !sandbox.videos().exists());
    Ok(())
}

#[test]
fn only_also_accepts_file_names() -> Result<()> {
    let sandbox = Sandbox::new(&["deploy_age.prototxt"])?;
    let report = sandbox.run(&["deploy_age.prototxt"])?;
    assert_eq!(report.fetch.fetched, ["caffe-age-prototxt"]);
    Ok(())
}

#[test]
fn a_file_missing_from_the_mirror_is_an_error_naming_it() -> Result<()> {
    let sandbox = Sandbox::new(&[])?;
    let error = sandbox
        .run(&["caffe-age-prototxt"])
        .expect_err("missing file accepted");
    let message = format!("{error:#}");
    assert!(message.contains("deploy_age.prototxt"), "{message}");
    Ok(())
}

#[test]
fn ssrnet_is_converted_once_then_up_to_date_and_again_when_its_output_changes() -> Result<()> {
    let sandbox = Sandbox::new(&["ssrnet_age_3_3_3_64_1.0_1.0.h5"])?;
    let only = ["ssrnet-age-h5"];
    let first = sandbox.run(&only)?;
    assert_eq!(first.convert.converted, ["ssrnet_age.onnx"]);
    let model = sandbox.models().join("ssrnet_age.onnx");
    let original = std::fs::read(&model)?;
    assert!(stamp_path(&model).is_file());

    let second = sandbox.run(&only)?;
    assert!(second.fetch.fetched.is_empty());
    assert!(
        second.convert.converted.is_empty(),
        "converted again: {:?}",
        second.convert
    );
    assert_eq!(second.convert.up_to_date, ["ssrnet_age.onnx"]);

    // A damaged output is noticed through the stamp's hash and rebuilt identically.
    std::fs::write(&model, b"damaged")?;
    let third = sandbox.run(&only)?;
    assert_eq!(third.convert.converted, ["ssrnet_age.onnx"]);
    assert_eq!(std::fs::read(&model)?, original);
    Ok(())
}

#[test]
fn fetching_something_else_does_not_convert() -> Result<()> {
    let sandbox = Sandbox::new(&["deploy_age.prototxt"])?;
    let report = sandbox.run(&["caffe-age-prototxt"])?;
    assert!(report.convert.converted.is_empty() && report.convert.up_to_date.is_empty());
    Ok(())
}
