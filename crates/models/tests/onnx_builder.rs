//! The shared ONNX builder: what it writes runs in tract with the expected numbers, the bytes are
//! deterministic, and malformed graphs are refused with a message.

use anyhow::Result;
use models::onnx::{Attribute, Dim, IR_VERSION, ModelBuilder, PRODUCER_NAME};
use prost::Message;
use tract_onnx::pb::ModelProto;
use tract_onnx::prelude::*;

/// y = relu(x @ W + b) with W = [[1, -1], [2, 0], [0, 3]] and b = [0.5, -10], plus y * 2 via Mul.
fn tiny_model() -> Result<ModelBuilder> {
    let mut model = ModelBuilder::new("tiny", 13);
    let x = model.input_f32("input", &[Dim::batch(), Dim::Fixed(3)])?;
    let w = model.initializer_f32("w", &[3, 2], &[1.0, -1.0, 2.0, 0.0, 0.0, 3.0])?;
    let b = model.initializer_f32("b", &[2], &[0.5, -10.0])?;
    let two = model.initializer_f32("two", &[1], &[2.0])?;
    let fc = model.node(
        "Gemm",
        "fc",
        &[&x, &w, &b],
        vec![Attribute::int("transB", 0)],
    )?;
    let relu = model.node("Relu", "relu", &[&fc], vec![])?;
    let doubled = model.node("Mul", "doubled", &[&relu, &two], vec![])?;
    model.output_f32(&doubled, "output", &[Dim::batch(), Dim::Fixed(2)])?;
    model.metadata("purpose", "test").producer_version("test-1");
    Ok(model)
}

#[test]
fn a_built_model_runs_in_tract_with_a_symbolic_batch() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("tiny.onnx");
    tiny_model()?.write(&path)?;
    let plan = tract_onnx::onnx()
        .model_for_path(&path)?
        .into_optimized()?
        .into_runnable()?;
    for n in [1usize, 3] {
        let x: Vec<f32> = (0..n * 3).map(|i| i as f32).collect();
        let out = plan.run(tvec!(Tensor::from_shape(&[n, 3], &x)?.into_tvalue()))?;
        let y: Vec<f32> = out[0]
            .to_plain_array_view::<f32>()?
            .iter()
            .copied()
            .collect();
        assert_eq!(out[0].shape(), [n, 2]);
        // Row r = (3r, 3r+1, 3r+2): fc = (3r + 2(3r+1) + 0.5, -3r + 3(3r+2) - 10).
        for r in 0..n {
            let base = 3.0 * r as f32;
            let a = base + 2.0 * (base + 1.0) + 0.5;
            let b = -base + 3.0 * (base + 2.0) - 10.0;
            assert_eq!(y[2 * r], 2.0 * a.max(0.0), "row {r} col 0");
            assert_eq!(y[2 * r + 1], 2.0 * b.max(0.0), "row {r} col 1");
        }
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    assert_eq!(
        names,
        ["tiny.onnx"],
        "no temporary file left beside the model"
    );
    Ok(())
}

#[test]
fn encoding_is_deterministic_and_records_the_model_header() -> Result<()> {
    let a = tiny_model()?.encode()?;
    let b = tiny_model()?.encode()?;
    assert_eq!(a, b);
    let proto = ModelProto::decode(a.as_slice())?;
    assert_eq!(proto.ir_version, IR_VERSION);
    assert_eq!(proto.producer_name, PRODUCER_NAME);
    assert_eq!(proto.producer_version, "test-1");
    assert_eq!(proto.opset_import.len(), 1);
    assert_eq!(proto.opset_import[0].version, 13);
    assert_eq!(proto.metadata_props[0].key, "purpose");
    let graph = proto.graph.expect("graph");
    let node_names: Vec<&str> = graph.node.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(
        node_names,
        ["fc", "relu", "doubled", "output"],
        "Identity renames to output"
    );
    assert_eq!(graph.initializer.len(), 3);
    Ok(())
}

#[test]
fn duplicate_names_are_refused() -> Result<()> {
    let mut model = ModelBuilder::new("dup", 13);
    let x = model.input_f32("x", &[Dim::batch()])?;
    model.node("Relu", "r", &[&x], vec![])?;
    let error = model
        .node("Relu", "r", &[&x], vec![])
        .expect_err("duplicate node");
    assert!(
        error.to_string().contains("tensor name r is used twice"),
        "{error}"
    );
    assert!(
        model.initializer_f32("x", &[1], &[0.0]).is_err(),
        "initializer named like input"
    );
    let error = model
        .node(
            "Conv",
            "c",
            &[&x],
            vec![Attribute::int("group", 1), Attribute::int("group", 2)],
        )
        .expect_err("duplicate attribute");
    assert!(
        error.to_string().contains("attribute group given twice"),
        "{error}"
    );
    Ok(())
}

#[test]
fn initializer_data_must_match_its_shape() {
    let mut model = ModelBuilder::new("shape", 13);
    let error = model
        .initializer_f32("w", &[2, 3], &[0.0; 5])
        .expect_err("5 values for 2x3");
    assert!(
        error
            .to_string()
            .contains("w: shape [2, 3] needs 6 values, got 5"),
        "{error}"
    );
    assert!(model.initializer_i64("axes", &[2], &[1]).is_err());
}

#[test]
fn incomplete_or_invalid_models_are_refused_at_encode_time() -> Result<()> {
    let mut no_output = ModelBuilder::new("g", 13);
    no_output.input_f32("x", &[Dim::Fixed(1)])?;
    assert!(
        no_output
            .encode()
            .unwrap_err()
            .to_string()
            .contains("has no output")
    );

    let mut duplicate_key = tiny_model()?;
    duplicate_key.metadata("purpose", "again");
    assert!(
        duplicate_key
            .encode()
            .unwrap_err()
            .to_string()
            .contains("metadata key purpose")
    );

    let mut too_new = ModelBuilder::new("g", 99);
    let x = too_new.input_f32("x", &[Dim::Fixed(1)])?;
    too_new.output_f32(&x, "x", &[Dim::Fixed(1)])?;
    assert!(
        too_new
            .encode()
            .unwrap_err()
            .to_string()
            .contains("opset 99")
    );
    Ok(())
}
