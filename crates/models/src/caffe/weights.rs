//! Learned blobs from a binary `.caffemodel`, looked up by layer name as Caffe's
//! `Net::CopyTrainedLayersFrom` does (layers of the model file that the definition lacks, such as
//! training data and loss layers, are ignored).

use std::collections::BTreeMap;

use prost::Message;

use super::proto::{BlobProto, NetParameter};

use crate::error::{Result, bail, ensure, invalid};

/// A dense float tensor read from a `BlobProto`.
#[derive(Debug, Clone, PartialEq)]
pub struct Blob {
    /// Dimensions, outermost first (legacy 4-D blobs keep their leading ones).
    pub shape: Vec<usize>,
    /// Row-major values; `data.len()` is the product of `shape`.
    pub data: Vec<f32>,
}

impl Blob {
    /// Reads a blob, taking the shape from the legacy `num/channels/height/width` fields when any
    /// is set (as Caffe's `Blob::FromProto`), else from `shape`, and the values from `data` or,
    /// when that is empty, `double_data`.
    pub fn from_proto(proto: &BlobProto) -> Result<Blob> {
        let legacy = [proto.num, proto.channels, proto.height, proto.width];
        let dims: Vec<i64> = if legacy.iter().any(Option::is_some) {
            legacy.iter().map(|d| d.unwrap_or(0)).collect()
        } else {
            proto
                .shape
                .as_ref()
                .map(|s| s.dim.clone())
                .unwrap_or_default()
        };
        let shape = dims
            .iter()
            .map(|&d| {
                usize::try_from(d)
                    .map_err(|_| invalid(format!("negative dimension in shape {dims:?}")))
            })
            .collect::<Result<Vec<usize>>>()?;
        let data = if proto.data.is_empty() && !proto.double_data.is_empty() {
            proto.double_data.iter().map(|&v| v as f32).collect()
        } else {
            proto.data.clone()
        };
        let count = shape
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .ok_or_else(|| invalid(format!("shape {shape:?} overflows")))?;
        ensure!(
            count == data.len(),
            "blob of shape {shape:?} needs {count} values but holds {}",
            data.len()
        );
        Ok(Blob { shape, data })
    }

    /// Whether the blob has the `expected` shape, ignoring leading dimensions of size 1 on either
    /// side (V1 files store a bias of 96 as `1x1x1x96` and an inner product as `1x1xOUTxIN`).
    pub fn has_shape(&self, expected: &[usize]) -> bool {
        fn significant(shape: &[usize]) -> &[usize] {
            let first = shape.iter().position(|&d| d != 1).unwrap_or(shape.len());
            &shape[first..]
        }
        significant(&self.shape) == significant(expected)
    }
}

/// The learned blobs of every layer of a `.caffemodel`, by layer name.
#[derive(Debug, Clone, Default)]
pub struct WeightStore {
    layers: BTreeMap<String, Vec<BlobProto>>,
}

impl WeightStore {
    /// Decodes a binary `.caffemodel` (old `layers` and new `layer` formats alike).
    pub fn decode(bytes: &[u8]) -> Result<WeightStore> {
        let net = match NetParameter::decode(bytes) {
            Ok(net) => net,
            Err(error) if looks_like_text(bytes) => bail!(
                "this is text, not a binary Caffe model ({error}); a .prototxt given as the .caffemodel?"
            ),
            Err(error) => bail!("not a valid binary Caffe model (truncated or corrupt?): {error}"),
        };
        let mut layers = BTreeMap::new();
        let named = net
            .layer
            .into_iter()
            .map(|l| (l.name.unwrap_or_default(), l.blobs))
            .chain(
                net.layers
                    .into_iter()
                    .map(|l| (l.name.unwrap_or_default(), l.blobs)),
            );
        for (name, blobs) in named {
            if !blobs.is_empty() {
                ensure!(
                    layers.insert(name.clone(), blobs).is_none(),
                    "the model holds weights for layer `{name}` twice"
                );
            }
        }
        ensure!(
            !layers.is_empty(),
            "the file decodes as a Caffe net but holds no weights (is it a definition rather than a .caffemodel?)"
        );
        Ok(WeightStore { layers })
    }

    /// The blobs stored for `layer`, or an empty slice when the file has none.
    pub fn blobs(&self, layer: &str) -> &[BlobProto] {
        self.layers.get(layer).map_or(&[], Vec::as_slice)
    }
}

/// Whether the first bytes are printable ASCII text (as a prototxt would be).
fn looks_like_text(bytes: &[u8]) -> bool {
    const SAMPLE: usize = 256;
    let sample = &bytes[..bytes.len().min(SAMPLE)];
    !sample.is_empty()
        && sample
            .iter()
            .all(|&b| b.is_ascii_graphic() || b.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caffe::proto::BlobShape;

    #[test]
    fn legacy_shape_wins_and_leading_ones_are_ignored() {
        let proto = BlobProto {
            num: Some(1),
            channels: Some(1),
            height: Some(2),
            width: Some(3),
            data: vec![0.0; 6],
            shape: Some(BlobShape { dim: vec![99] }),
            ..Default::default()
        };
        let blob = Blob::from_proto(&proto).unwrap();
        assert_eq!(blob.shape, vec![1, 1, 2, 3]);
        assert!(blob.has_shape(&[2, 3]));
        assert!(!blob.has_shape(&[3, 2]));
        assert!(!blob.has_shape(&[6]));
    }

    #[test]
    fn double_data_is_used_and_counts_are_checked() {
        let proto = BlobProto {
            shape: Some(BlobShape { dim: vec![2] }),
            double_data: vec![0.5, -1.0],
            ..Default::default()
        };
        assert_eq!(Blob::from_proto(&proto).unwrap().data, vec![0.5, -1.0]);
        let short = BlobProto {
            shape: Some(BlobShape { dim: vec![3] }),
            data: vec![1.0],
            ..Default::default()
        };
        assert!(
            Blob::from_proto(&short)
                .unwrap_err()
                .to_string()
                .contains("needs 3 values")
        );
        let negative = BlobProto {
            shape: Some(BlobShape { dim: vec![-3] }),
            ..Default::default()
        };
        assert!(Blob::from_proto(&negative).is_err());
    }
}
