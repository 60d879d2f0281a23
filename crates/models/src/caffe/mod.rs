//! Caffe -> ONNX converter, in pure Rust: reads a deploy `.prototxt` (protobuf text format) and a
//! binary `.caffemodel`, and writes an ONNX model that tract (or any ONNX runtime) can run.
//!
//! Both Caffe layer formats are accepted: the old `layers { type: CONVOLUTION }`
//! (`V1LayerParameter`) and the current `layer { type: "Convolution" }`, with blob shapes in `shape`
//! or the legacy `num/channels/height/width`. Supported layers: Convolution (groups, pad, stride),
//! ReLU, Pooling (MAX and AVE, Caffe's ceil rounding), LRN, InnerProduct, Dropout (dropped) and
//! Softmax; any other type is an error naming the layer. The graph input is called `input`, with
//! the definition's `C x H x W` and a symbolic batch `N`; each graph output is named after the
//! Caffe blob it holds (`prob` for the Levi-Hassner nets). The same files give the same bytes.
//!
//! Modules: `proto` (hand-written prost messages of caffe.proto), `text_format` + `prototxt`
//! (the text reader), `net` (both formats normalised), `weights` (the caffemodel's blobs),
//! `geometry` (window arithmetic) and `lower` (ONNX nodes).

mod geometry;
mod layer_type;
mod lower;
mod lrn;
mod net;
pub mod proto;
mod prototxt;
mod tensor;
mod text_format;
mod weights;

#[cfg(test)]
mod tests;

use std::path::Path;

pub use lower::{INPUT_NAME, OPSET};

use crate::error::{Context, ModelsError, Result};
use crate::onnx::ModelBuilder;

/// Version of this converter, recorded in the models it writes (bump when the output changes).
pub const CONVERTER_VERSION: &str = "caffe2onnx-3";

/// Converts `prototxt` (net definition) + `caffemodel` (weights) to an ONNX model at `out`
/// (written atomically).
pub fn convert(prototxt: &Path, caffemodel: &Path, out: &Path) -> Result<()> {
    let text = std::fs::read_to_string(prototxt)
        .map_err(|e| ModelsError::io("reading the Caffe definition", prototxt, e))?;
    let weights = std::fs::read(caffemodel)
        .map_err(|e| ModelsError::io("reading the Caffe weights", caffemodel, e))?;
    let graph_name = out
        .file_stem()
        .map_or_else(|| "caffe".to_owned(), |s| s.to_string_lossy().into_owned());
    let mut model = build(&text, &weights, &graph_name).with_context(|| {
        format!(
            "converting {} + {} to ONNX",
            prototxt.display(),
            caffemodel.display()
        )
    })?;
    let file_name = |p: &Path| {
        p.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    };
    model
        .metadata("source_prototxt", &file_name(prototxt))
        .metadata("source_caffemodel", &file_name(caffemodel));
    model
        .write(out)
        .with_context(|| format!("writing {}", out.display()))?;
    tracing::info!(out = %out.display(), "converted Caffe model to ONNX");
    Ok(())
}

/// Builds the ONNX model from the text of a `.prototxt` and the bytes of a `.caffemodel`.
pub fn build(
    prototxt_text: &str,
    caffemodel_bytes: &[u8],
    graph_name: &str,
) -> Result<ModelBuilder> {
    let definition = prototxt::parse_net(prototxt_text).context("reading the .prototxt")?;
    let definition =
        net::NetDefinition::from_proto(&definition).context("reading the .prototxt")?;
    let weights =
        weights::WeightStore::decode(caffemodel_bytes).context("reading the .caffemodel")?;
    let mut model = lower::lower(&definition, &weights, graph_name)?;
    model
        .producer_version(CONVERTER_VERSION)
        .doc_string("Converted from Caffe by agender's xtask (caffe module)");
    Ok(model)
}
