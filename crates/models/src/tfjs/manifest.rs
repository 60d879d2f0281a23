//! The TensorFlow.js weights manifest (`*-weights_manifest.json`): groups of shard files, each
//! with the weights its bytes hold, in order (name, shape, dtype, optional quantisation).

use serde::Deserialize;

use crate::error::{Context, Result, bail, ensure};

/// One group: its shard files (read one after the other as one byte stream) and its weights.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightGroup {
    /// Shard file names, relative to the manifest's folder.
    pub paths: Vec<String>,
    /// The weights stored in the concatenated shards, in byte order.
    pub weights: Vec<WeightSpec>,
}

/// One weight of a group, as the manifest describes it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WeightSpec {
    /// Full name, e.g. `entry_flow/conv_in/filters`.
    pub name: String,
    /// Dimensions (TF.js order: conv filters are `[h, w, in, out]`).
    pub shape: Vec<usize>,
    /// Element type after decoding; only `float32` is supported.
    pub dtype: String,
    /// Present when the stored bytes are quantised integers.
    pub quantization: Option<Quantization>,
}

/// How a quantised weight is stored: `dtype` integers `q`, decoded as `q * scale + min`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Quantization {
    /// Stored integer type: `uint8` or `uint16`.
    pub dtype: String,
    /// Step between consecutive integer values.
    pub scale: Option<f64>,
    /// Value of the integer 0.
    pub min: Option<f64>,
}

/// A weight's stored element type, resolved from its spec.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Storage {
    /// Little-endian IEEE float32.
    Float32,
    /// Unsigned integers of `bytes` bytes (1 or 2), decoded as `q * scale + min`.
    Quantized {
        /// Bytes per stored value.
        bytes: usize,
        /// Step between consecutive integers.
        scale: f64,
        /// Value of the integer 0.
        min: f64,
    },
}

impl Storage {
    /// Bytes one stored element occupies.
    pub fn element_bytes(self) -> usize {
        match self {
            Storage::Float32 => 4,
            Storage::Quantized { bytes, .. } => bytes,
        }
    }
}

impl WeightSpec {
    /// How the weight is stored; refuses dtypes and quantisations we cannot decode exactly.
    pub fn storage(&self) -> Result<Storage> {
        ensure!(
            self.dtype == "float32",
            "weight {} has dtype {:?}; only float32 weights are supported",
            self.name,
            self.dtype
        );
        let Some(q) = &self.quantization else {
            return Ok(Storage::Float32);
        };
        let bytes = match q.dtype.as_str() {
            "uint8" => 1,
            "uint16" => 2,
            other => bail!(
                "weight {} is quantised as {other:?}; only uint8 and uint16 are supported",
                self.name
            ),
        };
        let (Some(scale), Some(min)) = (q.scale, q.min) else {
            bail!(
                "weight {} is quantised as {} without both `scale` and `min`",
                self.name,
                q.dtype
            );
        };
        ensure!(
            scale.is_finite() && scale >= 0.0 && min.is_finite(),
            "weight {} has a bad quantisation: scale {scale}, min {min} (need a finite scale >= 0 \
             and a finite min)",
            self.name
        );
        Ok(Storage::Quantized { bytes, scale, min })
    }

    /// Number of elements (the product of the shape).
    pub fn element_count(&self) -> Result<usize> {
        self.shape
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .with_context(|| format!("weight {}: shape {:?} overflows", self.name, self.shape))
    }
}

/// Parses a weights manifest (a JSON array of groups).
pub fn parse(text: &str) -> Result<Vec<WeightGroup>> {
    let groups: Vec<WeightGroup> = serde_json::from_str(text)?;
    ensure!(!groups.is_empty(), "the manifest lists no weight groups");
    for group in &groups {
        ensure!(
            !group.paths.is_empty(),
            "a weight group lists no shard files"
        );
    }
    Ok(groups)
}
