//! The SSR-Net converter's contract besides parity: deterministic bytes, the promised graph
//! interface, and refusal of weight files that do not match the architecture.

mod common;

use anyhow::Result;
use models::ssrnet::{self, PoolForm, SsrNetTarget};
use prost::Message;
use tract_onnx::pb::{
    GraphProto, ModelProto, NodeProto, ValueInfoProto,
    tensor_shape_proto::dimension::Value as DimValue,
};

use common::{age_h5, gender_h5};

/// `(name, dims)` of a graph input/output, dims as strings ("N", "64", ...).
fn describe(info: &ValueInfoProto) -> (String, Vec<String>) {
    let dims = info
        .r#type
        .as_ref()
        .and_then(|t| t.value.as_ref())
        .map(|tract_onnx::pb::type_proto::Value::TensorType(t)| {
            t.shape
                .as_ref()
                .map(|s| {
                    s.dim
                        .iter()
                        .map(|d| match &d.value {
                            Some(DimValue::DimValue(v)) => v.to_string(),
                            Some(DimValue::DimParam(p)) => p.clone(),
                            None => "?".to_owned(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .unwrap_or_default();
    (info.name.clone(), dims)
}

#[test]
fn two_conversions_give_identical_bytes() -> Result<()> {
    let dir = tempfile::tempdir()?;
    for (h5, target) in [
        (age_h5(), SsrNetTarget::Age),
        (gender_h5(), SsrNetTarget::Gender),
    ] {
        let first = dir.path().join("first.onnx");
        let second = dir.path().join("second.onnx");
        ssrnet::convert(&h5, target, &first)?;
        ssrnet::convert(&h5, target, &second)?;
        let (a, b) = (std::fs::read(&first)?, std::fs::read(&second)?);
        assert!(
            a.len() > 100_000,
            "{target:?}: model is only {} bytes",
            a.len()
        );
        assert!(a == b, "{target:?}: two conversions differ");
    }
    Ok(())
}

#[test]
fn graph_has_nhwc_input_with_symbolic_batch_and_one_output_per_face() -> Result<()> {
    let model = converted(SsrNetTarget::Age, PoolForm::Phases)?;
    let graph = model.graph.as_ref().expect("graph");
    let inputs: Vec<_> = graph.input.iter().map(describe).collect();
    let outputs: Vec<_> = graph.output.iter().map(describe).collect();
    let dims = |d: &[&str]| d.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        inputs,
        vec![("input".to_owned(), dims(&["N", "64", "64", "3"]))]
    );
    assert_eq!(outputs, vec![("output".to_owned(), dims(&["N", "1"]))]);
    let meta: Vec<(&str, &str)> = model
        .metadata_props
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_str()))
        .collect();
    assert!(meta.contains(&(ssrnet::CONVERTER_KEY, ssrnet::CONVERTER_VERSION)));
    assert!(meta.contains(&(
        ssrnet::SOURCE_SHA256_KEY,
        "0ad001c42cc2425ffaebd7d374983eba5c89e4f695ab10431c4c95573dc69f4d"
    )));
    Ok(())
}

#[test]
fn stream_pools_are_written_phase_by_phase_with_strided_convs() -> Result<()> {
    let model = converted(SsrNetTarget::Gender, PoolForm::Phases)?;
    let graph = model.graph.as_ref().expect("graph");
    let stride_of = |node: &NodeProto| {
        node.attribute
            .iter()
            .find(|a| a.name == "strides")
            .map(|a| a.ints.clone())
            .unwrap_or_default()
    };
    let count = |op: &str| op_count(graph, op);
    // Six pooled stream blocks (conv2d_1..3 and conv2d_5..7), four phases each.
    let strided_convs = graph
        .node
        .iter()
        .filter(|n| n.op_type == "Conv" && stride_of(n) == [2, 2])
        .count();
    assert_eq!(strided_convs, 24, "one stride-2 conv per block and phase");
    assert_eq!(count("Slice"), 24, "one shifted input per block and phase");
    assert_eq!(count("Max"), 3, "the s stream's three max pools");
    assert_eq!(count("Sum"), 3, "the x stream's three average pools");
    // What is left of the pooling ops are the stage 2 and 3 pools (4x4 and 8x8) on each side.
    let stride_two_pools = graph
        .node
        .iter()
        .filter(|n| n.op_type.ends_with("Pool"))
        .filter(|n| stride_of(n) == [2, 2])
        .count();
    assert_eq!(stride_two_pools, 0, "no 2x2 pool node is left");
    assert_eq!(count("MaxPool") + count("AveragePool"), 4);

    // The form the bench gives onnxruntime: Keras' own pool nodes, no phases.
    let pools = converted(SsrNetTarget::Gender, PoolForm::Pools)?;
    let pools = pools.graph.as_ref().expect("graph");
    assert_eq!(
        op_count(pools, "MaxPool") + op_count(pools, "AveragePool"),
        10
    );
    assert_eq!(op_count(pools, "Slice"), 0);
    Ok(())
}

/// The real weight file of `target` converted in `pool_form`, decoded.
fn converted(target: SsrNetTarget, pool_form: PoolForm) -> Result<ModelProto> {
    let h5 = match target {
        SsrNetTarget::Age => age_h5(),
        SsrNetTarget::Gender => gender_h5(),
    };
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("model.onnx");
    ssrnet::convert_as(&h5, target, pool_form, &out)?;
    Ok(ModelProto::decode(std::fs::read(&out)?.as_slice())?)
}

/// How many nodes of `graph` run `op`.
fn op_count(graph: &GraphProto, op: &str) -> usize {
    graph.node.iter().filter(|n| n.op_type == op).count()
}

/// One weight tensor as a Keras file stores it.
struct Weight {
    name: String,
    shape: Vec<u64>,
    data: Vec<f32>,
}

/// One layer of a Keras weight file.
struct Layer {
    name: String,
    weights: Vec<Weight>,
}

fn h5<T>(result: Result<T, hdf5_pure::Error>) -> Result<T> {
    result.map_err(|e| anyhow::anyhow!("{e}"))
}

fn strings(value: Option<&hdf5_pure::AttrValue>) -> Vec<String> {
    match value {
        Some(hdf5_pure::AttrValue::AsciiStringArray(v) | hdf5_pure::AttrValue::StringArray(v)) => {
            v.clone()
        }
        _ => Vec::new(),
    }
}

/// Reads every layer of the real age weights with hdf5-pure (independently of the converter).
fn read_layers() -> Result<Vec<Layer>> {
    let file = h5(hdf5_pure::File::open(age_h5()))?;
    let names = strings(h5(file.root().attrs())?.get("layer_names"));
    assert!(names.len() > 50, "layer_names of the real file: {names:?}");
    let mut layers = Vec::new();
    for name in names {
        let attrs = h5(h5(file.group(&name))?.attrs())?;
        let mut weights = Vec::new();
        for weight in strings(attrs.get("weight_names")) {
            let dataset = h5(file.dataset(&format!("{name}/{weight}")))?;
            weights.push(Weight {
                shape: h5(dataset.shape())?,
                data: h5(dataset.read_f32())?,
                name: weight,
            });
        }
        layers.push(Layer { name, weights });
    }
    Ok(layers)
}

/// Writes `layers` in the Keras 2 `save_weights` layout: root attribute `layer_names`, per layer
/// a group with attribute `weight_names` and the datasets at `<layer>/<layer>/<weight>:0`.
fn write_keras_file(path: &std::path::Path, layers: &[Layer]) -> Result<()> {
    use hdf5_pure::AttrValue;
    let mut builder = hdf5_pure::FileBuilder::new();
    builder.set_attr(
        "layer_names",
        AttrValue::AsciiStringArray(layers.iter().map(|l| l.name.clone()).collect()),
    );
    for layer in layers {
        let mut group = builder.create_group(&layer.name);
        let names: Vec<String> = layer.weights.iter().map(|w| w.name.clone()).collect();
        group.set_attr(
            "weight_names",
            if names.is_empty() {
                AttrValue::F64Array(Vec::new())
            } else {
                AttrValue::AsciiStringArray(names)
            },
        );
        if !layer.weights.is_empty() {
            let mut inner = group.create_group(&layer.name);
            for weight in &layer.weights {
                let short = weight.name.rsplit('/').next().unwrap_or(&weight.name);
                inner
                    .create_dataset(short)
                    .with_f32_data(&weight.data)
                    .with_shape(&weight.shape);
            }
            group.add_group(inner.finish());
        }
        builder.add_group(group.finish());
    }
    h5(builder.write(path))
}

/// The real age weights, edited by `edit`, written to `<dir>/tampered.h5`.
fn tampered_copy(
    dir: &std::path::Path,
    edit: impl FnOnce(&mut Vec<Layer>),
) -> Result<std::path::PathBuf> {
    let mut layers = read_layers()?;
    edit(&mut layers);
    let path = dir.join("tampered.h5");
    write_keras_file(&path, &layers)?;
    Ok(path)
}

#[test]
fn an_unmodified_rewrite_still_converts_so_the_tamper_tests_test_the_tampering() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let h5 = tampered_copy(dir.path(), |_| {})?;
    ssrnet::convert(&h5, SsrNetTarget::Age, &dir.path().join("out.onnx"))?;
    Ok(())
}

#[test]
fn a_kernel_with_the_wrong_shape_is_refused_naming_layer_and_both_shapes() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let h5 = tampered_copy(dir.path(), |layers| {
        for layer in layers.iter_mut().filter(|l| l.name == "conv2d_3") {
            for weight in layer
                .weights
                .iter_mut()
                .filter(|w| w.name.ends_with("kernel:0"))
            {
                weight.shape = vec![3, 3, 32, 16];
                weight.data.truncate(3 * 3 * 32 * 16);
            }
        }
    })?;
    let out = dir.path().join("out.onnx");
    let error = ssrnet::convert(&h5, SsrNetTarget::Age, &out)
        .map_err(anyhow::Error::from)
        .expect_err("must be refused");
    let message = format!("{error:#}");
    assert!(message.contains("layer conv2d_3"), "{message}");
    assert!(
        message.contains("[3, 3, 32, 16]"),
        "found shape missing: {message}"
    );
    assert!(
        message.contains("[3, 3, 32, 32]"),
        "needed shape missing: {message}"
    );
    assert!(!out.exists(), "nothing may be written for a refused file");
    Ok(())
}

#[test]
fn a_missing_layer_is_refused_by_name() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let h5 = tampered_copy(dir.path(), |layers| layers.retain(|l| l.name != "dense_5"))?;
    let out = dir.path().join("out.onnx");
    let error = ssrnet::convert(&h5, SsrNetTarget::Age, &out)
        .map_err(anyhow::Error::from)
        .expect_err("must be refused");
    let message = format!("{error:#}");
    assert!(message.contains("layer dense_5 is missing"), "{message}");
    assert!(!out.exists());
    Ok(())
}

#[test]
fn an_extra_layer_with_weights_is_refused_by_name() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let h5 = tampered_copy(dir.path(), |layers| {
        layers.push(Layer {
            name: "dense_99".to_owned(),
            weights: vec![Weight {
                name: "dense_99/bias:0".to_owned(),
                shape: vec![3],
                data: vec![0.0; 3],
            }],
        });
    })?;
    let error = ssrnet::convert(&h5, SsrNetTarget::Age, &dir.path().join("out.onnx"))
        .map_err(anyhow::Error::from)
        .expect_err("must be refused");
    let message = format!("{error:#}");
    assert!(
        message.contains("layer dense_99 carries weights"),
        "{message}"
    );
    Ok(())
}

#[test]
fn the_gender_file_is_refused_as_an_age_model() -> Result<()> {
    // The two files differ in their prediction layer names (pred_stage1 vs pred_age_stage1).
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("out.onnx");
    let error = ssrnet::convert(&gender_h5(), SsrNetTarget::Age, &out)
        .map_err(anyhow::Error::from)
        .expect_err("refused");
    let message = format!("{error:#}");
    assert!(
        message.contains("layer pred_age_stage1 is missing"),
        "{message}"
    );
    Ok(())
}

#[test]
fn a_file_that_is_not_hdf5_is_refused() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let fake = dir.path().join("fake.h5");
    std::fs::write(&fake, b"not an HDF5 file at all")?;
    let error = ssrnet::convert(&fake, SsrNetTarget::Age, &dir.path().join("out.onnx"))
        .map_err(anyhow::Error::from)
        .expect_err("refused");
    assert!(format!("{error:#}").contains("fake.h5"), "{error:#}");
    Ok(())
}
