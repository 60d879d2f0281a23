//! Helpers shared by this crate's integration tests: locating `../shared`, reading the parity
//! fixtures (PNG crops, raw f32 blobs, `expected.json`) and the converted models.

#![allow(dead_code)] // each test binary uses a different subset

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use estimate::SsrNet;

pub use test_data::shared_dir;

/// `<shared>/parity/<name>`, failing clearly when the shared data is absent.
pub fn parity_file(name: &str) -> PathBuf {
    let path = shared_dir().join("parity").join(name);
    assert!(
        path.is_file(),
        "parity fixture {} is missing: put the shared data at <workspace>/../shared or set {}",
        path.display(),
        test_data::SHARED_ENV
    );
    path
}

/// A decoded 8-bit image in BGR order, tightly packed.
pub struct BgrPixels {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

impl BgrPixels {
    pub fn view(&self) -> estimate::BgrImage<'_> {
        estimate::BgrImage::packed(self.width, self.height, &self.data).unwrap()
    }
}

/// Reads an 8-bit RGB PNG (how the fixtures are stored) and swaps it to BGR (how the original
/// program held the pixels).
pub fn read_png_as_bgr(path: &Path) -> BgrPixels {
    let file = File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let mut reader = png::Decoder::new(BufReader::new(file))
        .read_info()
        .unwrap_or_else(|e| panic!("decode {}: {e}", path.display()));
    let mut data = vec![0; reader.output_buffer_size().expect("png buffer size")];
    let info = reader.next_frame(&mut data).expect("png frame");
    assert_eq!(
        info.color_type,
        png::ColorType::Rgb,
        "{} is not RGB",
        path.display()
    );
    assert_eq!(
        info.bit_depth,
        png::BitDepth::Eight,
        "{} is not 8-bit",
        path.display()
    );
    data.truncate(info.buffer_size());
    for pixel in data.chunks_exact_mut(3) {
        pixel.swap(0, 2);
    }
    BgrPixels {
        width: info.width as usize,
        height: info.height as usize,
        data,
    }
}

/// Reads a raw little-endian f32 blob.
pub fn read_f32_blob(path: &Path) -> Vec<f32> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    assert_eq!(
        bytes.len() % 4,
        0,
        "{} is not a whole number of f32",
        path.display()
    );
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// `expected.json` of the parity fixtures.
pub fn expected() -> serde_json::Value {
    let path = parity_file("expected.json");
    let text = std::fs::read_to_string(&path).expect("read expected.json");
    serde_json::from_str(&text).expect("parse expected.json")
}

/// One face fixture: a crop, its preprocessed blob and the original Keras outputs.
pub struct Fixture {
    pub name: String,
    pub crop_png: String,
    pub blob_bin: String,
    pub resized_png: Option<String>,
    pub age: f32,
    pub gender: f32,
    pub label: String,
}

/// The five face crops and the four extras (sofa, wall, noise, astronaut face).
pub fn fixtures() -> Vec<Fixture> {
    let expected = expected();
    let text = |v: &serde_json::Value, key: &str| {
        v[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key} missing in {v}"))
            .to_owned()
    };
    let number = |v: &serde_json::Value, key: &str| {
        v[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} missing in {v}")) as f32
    };
    let crops = expected["crops"].as_array().expect("crops");
    let extras = expected["extras_not_faces"]
        .as_array()
        .expect("extras_not_faces");
    let from_crops = crops.iter().map(|c| Fixture {
        name: format!("crop_{}", c["index"]),
        crop_png: text(c, "crop_png"),
        blob_bin: text(c, "blob_bin"),
        resized_png: Some(text(c, "resized_png")),
        age: number(c, "age"),
        gender: number(c, "gender"),
        label: text(c, "label"),
    });
    let from_extras = extras.iter().map(|c| Fixture {
        name: text(c, "name"),
        crop_png: text(c, "crop_png"),
        blob_bin: text(c, "blob_bin"),
        resized_png: None,
        age: number(c, "age"),
        gender: number(c, "gender"),
        label: text(c, "label"),
    });
    from_crops.chain(from_extras).collect()
}

/// Loads the converted SSR-Net models, failing with the command that creates them.
pub fn load_ssrnet() -> SsrNet {
    let age = test_data::model(estimate::SSRNET_AGE_MODEL);
    let gender = test_data::model(estimate::SSRNET_GENDER_MODEL);
    SsrNet::load(&age, &gender).unwrap_or_else(|e| panic!("loading SSR-Net failed: {e:?}"))
}
