//! The real Levi-Hassner files from the shared mirror: structure of the converted graphs and a
//! run through tract. (Numerical parity with OpenCV's Caffe importer is tested in the `estimate`
//! crate, which has OpenCV as a dev-dependency.)

use prost::Message;

use super::runner::run_onnx;
use crate::caffe::proto::NetParameter;

/// Side of the square input of the Levi-Hassner nets (deploy_*.prototxt `input_dim`).
const INPUT_SIDE: usize = 227;

fn read(name: &str) -> Vec<u8> {
    let path = test_data::mirror_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn check_net(prototxt: &str, caffemodel: &str, classes: usize) {
    let text = String::from_utf8(read(prototxt)).expect("prototxt is UTF-8");
    let weights = read(caffemodel);
    let model = crate::caffe::build(&text, &weights, "levi_hassner").expect("conversion succeeds");
    let graph = model
        .to_model_proto()
        .expect("model proto")
        .graph
        .expect("graph");
    let ops: Vec<&str> = graph.node.iter().map(|n| n.op_type.as_str()).collect();
    assert_eq!(
        ops,
        [
            "Conv", "Relu", "MaxPool", "Mul", "Conv", "Sqrt", "Sqrt", "Mul", "Div", "Conv", "Relu",
            "MaxPool", "Mul", "Conv", "Sqrt", "Sqrt", "Mul", "Div", "Conv", "Relu", "MaxPool",
            "Flatten", "Gemm", "Relu", "Gemm", "Relu", "Gemm", "Softmax"
        ]
    );
    for pool in graph.node.iter().filter(|n| n.op_type == "MaxPool") {
        let ceil = pool
            .attribute
            .iter()
            .find(|a| a.name == "ceil_mode")
            .expect("ceil_mode")
            .i;
        assert_eq!(ceil, 1, "{} uses Caffe's ceil rounding", pool.name);
    }
    // The first convolution's kernel is the caffemodel's blob, byte for byte.
    let stored = NetParameter::decode(weights.as_slice()).expect("caffemodel decodes");
    let conv1 = stored
        .layers
        .iter()
        .find(|l| l.name.as_deref() == Some("conv1"))
        .expect("conv1 in caffemodel");
    let kernel = graph
        .initializer
        .iter()
        .find(|t| t.name == "conv1_weight")
        .expect("conv1 kernel");
    assert_eq!(kernel.dims, vec![96, 3, 7, 7]);
    let expected: Vec<u8> = conv1.blobs[0]
        .data
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    assert!(
        kernel.raw_data == expected,
        "conv1 kernel differs from the caffemodel"
    );
    // Runs in tract on a batch of two mean-centred-like inputs; softmax rows sum to one.
    let bytes = model.encode().expect("encode");
    let input: Vec<f32> = super::fixtures::values(3, 2 * 3 * INPUT_SIDE * INPUT_SIDE)
        .iter()
        .map(|v| v * 100.0)
        .collect();
    let (shape, output) = run_onnx(&bytes, &[2, 3, INPUT_SIDE, INPUT_SIDE], &input);
    assert_eq!(shape, vec![2, classes]);
    for row in output.chunks(classes) {
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{row:?}");
    }
}

#[test]
fn levi_hassner_age_net_converts_and_runs() {
    check_net("deploy_age.prototxt", "age_net.caffemodel", 8);
}

#[test]
fn levi_hassner_gender_net_converts_and_runs() {
    check_net("deploy_gender.prototxt", "gender_net.caffemodel", 2);
}
