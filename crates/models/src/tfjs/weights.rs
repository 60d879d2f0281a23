//! Decoding the shards of a TensorFlow.js weights manifest into named float tensors, as
//! TensorFlow.js's `io.decodeWeights` does (quantised values become `q * scale + min`, computed in
//! double precision and rounded to float32, like its JavaScript loop).

use std::collections::BTreeMap;
use std::path::Path;

use super::manifest::{self, Storage, WeightGroup};

use crate::error::{Context, ModelsError, Result, bail, ensure};

/// One decoded weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    /// Dimensions as the manifest gives them (TF.js order).
    pub shape: Vec<usize>,
    /// Row-major values.
    pub data: Vec<f32>,
    /// The shard file its bytes start in (for messages).
    pub file: String,
}

/// Every weight of a manifest by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WeightMap {
    /// The weights, by full name.
    pub tensors: BTreeMap<String, Tensor>,
    /// The manifest's file name (for messages).
    pub manifest: String,
}

/// One shard's bytes with its file name as the manifest writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shard {
    /// File name (the manifest's `paths` entry).
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Reads the manifest at `manifest_path` and the shard files `shards` (each matched by file name
/// to the manifest's `paths`; every listed shard must be given, and nothing else).
pub fn read(manifest_path: &Path, shards: &[&Path]) -> Result<WeightMap> {
    let text = std::fs::read_to_string(manifest_path)
        .map_err(|e| ModelsError::io("reading", manifest_path, e))?;
    let manifest_name = file_name(manifest_path);
    let groups =
        manifest::parse(&text).with_context(|| format!("reading {}", manifest_path.display()))?;
    let shards = shards
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).map_err(|e| ModelsError::io("reading", path, e))?;
            Ok(Shard {
                name: file_name(path),
                bytes,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    decode(&groups, &shards, &manifest_name)
}

/// Decodes every group of `groups` from `shards` (matched by name). Refuses a missing or extra
/// shard, a repeated weight name, bytes too short for a weight and bytes left over after a
/// group's last weight.
pub fn decode(groups: &[WeightGroup], shards: &[Shard], manifest_name: &str) -> Result<WeightMap> {
    let listed: Vec<&str> = groups
        .iter()
        .flat_map(|g| g.paths.iter().map(String::as_str))
        .collect();
    for shard in shards {
        ensure!(
            listed.contains(&shard.name.as_str()),
            "{} is not a shard of {manifest_name} (it lists {listed:?})",
            shard.name
        );
    }
    let mut map = WeightMap {
        tensors: BTreeMap::new(),
        manifest: manifest_name.to_owned(),
    };
    for group in groups {
        let files = group
            .paths
            .iter()
            .map(|path| {
                shards
                    .iter()
                    .find(|s| s.name == *path)
                    .with_context(|| format!("shard {path} of {manifest_name} was not given"))
            })
            .collect::<Result<Vec<_>>>()?;
        decode_group(group, &files, &mut map)?;
    }
    Ok(map)
}

/// Decodes one group whose shards, concatenated, hold its weights back to back.
fn decode_group(group: &WeightGroup, files: &[&Shard], map: &mut WeightMap) -> Result<()> {
    let bytes: Vec<u8> = files.iter().flat_map(|s| s.bytes.iter().copied()).collect();
    let file_at = |offset: usize| {
        let mut end = 0;
        for shard in files {
            end += shard.bytes.len();
            if offset < end {
                return shard.name.clone();
            }
        }
        files.last().map(|s| s.name.clone()).unwrap_or_default()
    };
    let mut offset = 0usize;
    for spec in &group.weights {
        let file = file_at(offset);
        let storage = spec.storage().with_context(|| format!("in {file}"))?;
        let count = spec.element_count()?;
        let len = count
            .checked_mul(storage.element_bytes())
            .with_context(|| format!("weight {}: byte size overflows", spec.name))?;
        let end = offset
            .checked_add(len)
            .with_context(|| format!("weight {}: byte offset overflows", spec.name))?;
        let Some(raw) = bytes.get(offset..end) else {
            bail!(
                "{file} is truncated: weight {} (shape {:?}) needs bytes {offset}..{end} of the \
                 group {:?}, which holds only {} bytes",
                spec.name,
                spec.shape,
                group.paths,
                bytes.len()
            );
        };
        let tensor = Tensor {
            shape: spec.shape.clone(),
            data: dequantize(raw, storage),
            file,
        };
        ensure!(
            map.tensors.insert(spec.name.clone(), tensor).is_none(),
            "weight {} is listed twice in {}",
            spec.name,
            map.manifest
        );
        offset = end;
    }
    ensure!(
        offset == bytes.len(),
        "the shards {:?} hold {} bytes after their last weight ({} of {} bytes used): they do \
         not match {}",
        group.paths,
        bytes.len() - offset,
        offset,
        bytes.len(),
        map.manifest
    );
    Ok(())
}

/// Turns stored bytes into float32 values (`raw.len()` is a multiple of the element size).
fn dequantize(raw: &[u8], storage: Storage) -> Vec<f32> {
    match storage {
        Storage::Float32 => raw
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
        // TF.js: `values[i] = v * scale + min` in JavaScript doubles, stored in a Float32Array.
        Storage::Quantized {
            bytes: 1,
            scale,
            min,
        } => raw
            .iter()
            .map(|&q| (f64::from(q) * scale + min) as f32)
            .collect(),
        Storage::Quantized { scale, min, .. } => raw
            .chunks_exact(2)
            .map(|b| (f64::from(u16::from_le_bytes([b[0], b[1]])) * scale + min) as f32)
            .collect(),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
