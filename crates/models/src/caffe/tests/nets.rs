//! Whole small nets in both formats, run through tract and compared with the Caffe reference.

use super::fixtures::{legacy_blob, new_caffemodel, shaped_blob, v1_caffemodel, values};
use super::reference::{self, Map, Win};
use super::runner::{assert_close, convert_and_run, run_onnx};

/// Tolerance between tract and the scalar reference (float summation order differs).
const TOLERANCE: f32 = 1e-5;

/// An old-format (`layers`, enum types, `input_dim`, legacy blob shapes) net shaped like the
/// Levi-Hassner nets: grouped conv, ReLU, max pool where ceil and floor differ (4 -> 2, floor 1),
/// LRN, two inner products with dropout, softmax.
const V1_NET: &str = r#"
name: "TinyV1"
input: "data"
input_dim: 1
input_dim: 2
input_dim: 7
input_dim: 7
layers { name: "conv1" type: CONVOLUTION bottom: "data" top: "conv1"
  blobs_lr: 1 blobs_lr: 2
  convolution_param { num_output: 4 kernel_size: 3 stride: 2 pad: 1 group: 2
    weight_filler { type: "gaussian" std: 0.01 } } }
layers { name: "relu1" type: RELU bottom: "conv1" top: "conv1" }
layers { name: "pool1" type: POOLING bottom: "conv1" top: "pool1"
  pooling_param { pool: MAX kernel_size: 3 stride: 2 } }
layers { name: "norm1" type: LRN bottom: "pool1" top: "norm1"
  lrn_param { local_size: 3 alpha: 0.5 beta: 0.75 k: 2 } }
layers { name: "fc1" type: INNER_PRODUCT bottom: "norm1" top: "fc1" inner_product_param { num_output: 5 } }
layers { name: "relu2" type: RELU bottom: "fc1" top: "fc1" }
layers { name: "drop" type: DROPOUT bottom: "fc1" top: "fc1" dropout_param { dropout_ratio: 0.5 } }
layers { name: "fc2" type: INNER_PRODUCT bottom: "fc1" top: "fc2" inner_product_param { num_output: 3 } }
layers { name: "prob" type: SOFTMAX bottom: "fc2" top: "prob" }
"#;

struct V1Weights {
    conv_w: Vec<f32>,
    conv_b: Vec<f32>,
    fc1_w: Vec<f32>,
    fc1_b: Vec<f32>,
    fc2_w: Vec<f32>,
    fc2_b: Vec<f32>,
}

fn v1_weights() -> V1Weights {
    V1Weights {
        conv_w: values(1, 4 * 9),
        conv_b: values(2, 4),
        fc1_w: values(3, 5 * 16),
        fc1_b: values(4, 5),
        fc2_w: values(5, 3 * 5).iter().map(|v| v * 3.0).collect(),
        fc2_b: values(6, 3),
    }
}

fn v1_reference(sample: &[f32], w: &V1Weights) -> Vec<f32> {
    let input = Map {
        c: 2,
        h: 7,
        w: 7,
        data: sample.to_vec(),
    };
    let conv_win = Win {
        kernel: [3, 3],
        pad: [1, 1],
        stride: [2, 2],
    };
    let conv = reference::relu(
        &reference::convolution(&input, &w.conv_w, Some(&w.conv_b), 4, 2, conv_win),
        0.0,
    );
    assert_eq!((conv.h, conv.w), (4, 4));
    let pool = reference::pooling(
        &conv,
        Win {
            kernel: [3, 3],
            pad: [0, 0],
            stride: [2, 2],
        },
        false,
    );
    assert_eq!(
        (pool.h, pool.w),
        (2, 2),
        "Caffe's ceil rounding gives 2, floor would give 1"
    );
    let norm = reference::lrn(&pool, 3, 0.5, 0.75, 2.0);
    let fc1: Vec<f32> = reference::inner_product(&norm.data, &w.fc1_w, Some(&w.fc1_b), 5)
        .into_iter()
        .map(|v| v.max(0.0))
        .collect();
    reference::softmax(&reference::inner_product(&fc1, &w.fc2_w, Some(&w.fc2_b), 3))
}

#[test]
fn old_format_net_with_legacy_blobs_matches_caffe_reference_on_a_batch() {
    let w = v1_weights();
    let model = v1_caffemodel(vec![
        // Training-only layers in the model file are ignored, as Caffe does.
        ("loss", vec![]),
        (
            "conv1",
            vec![
                legacy_blob([4, 1, 3, 3], w.conv_w.clone()),
                legacy_blob([1, 1, 1, 4], w.conv_b.clone()),
            ],
        ),
        (
            "fc1",
            vec![
                legacy_blob([1, 1, 5, 16], w.fc1_w.clone()),
                legacy_blob([1, 1, 1, 5], w.fc1_b.clone()),
            ],
        ),
        (
            "fc2",
            vec![
                legacy_blob([1, 1, 3, 5], w.fc2_w.clone()),
                legacy_blob([1, 1, 1, 3], w.fc2_b.clone()),
            ],
        ),
    ]);
    let batch = 2;
    let input: Vec<f32> = values(7, batch * 2 * 7 * 7)
        .iter()
        .map(|v| v * 50.0)
        .collect();
    let (shape, output) = convert_and_run(V1_NET, &model, &[batch, 2, 7, 7], &input);
    assert_eq!(shape, vec![batch, 3]);
    let expected: Vec<f32> = input
        .chunks(2 * 7 * 7)
        .flat_map(|sample| v1_reference(sample, &w))
        .collect();
    assert_close(&output, &expected, TOLERANCE);
    // The two samples differ, so batching is really per sample.
    assert!((output[0] - output[3]).abs() > 1e-3, "{output:?}");
}

/// A current-format net (`layer`, string types, `Input` layer, N-D blob shapes) exercising
/// per-axis kernel/stride/pad, leaky ReLU, LRN with a general beta, average pooling with padding where Caffe clips the last
/// window (5 -> 3, plain ceil would give 4), a transposed inner product without bias, softmax.
const NEW_NET: &str = r#"
name: 'TinyNew'
layer { name: 'data' type: 'Input' top: 'data' input_param { shape { dim: 1 dim: 3 dim: 9 dim: 10 } } }
layer { name: 'conv' type: 'Convolution' bottom: 'data' top: 'conv'
  param { lr_mult: 1 } param { lr_mult: 2 }
  convolution_param { num_output: 4 kernel_h: 3 kernel_w: 2 stride: 2 pad_h: 1 pad_w: 0 } }
layer { name: 'leaky' type: 'ReLU' bottom: 'conv' top: 'leaky' relu_param { negative_slope: 0.1 } }
layer { name: 'norm' type: 'LRN' bottom: 'leaky' top: 'norm' lrn_param { local_size: 3 alpha: 0.3 beta: 0.6 k: 1.5 } }
layer { name: 'pool' type: 'Pooling' bottom: 'norm' top: 'pool'
  pooling_param { pool: AVE kernel_size: 2 stride: 2 pad: 1 } }
layer { name: 'fc' type: 'InnerProduct' bottom: 'pool' top: 'fc'
  inner_product_param { num_output: 4 bias_term: false transpose: true } }
layer { name: 'prob' type: 'Softmax' bottom: 'fc' top: 'prob' softmax_param { axis: 1 } }
"#;

#[test]
fn new_format_net_matches_caffe_reference() {
    let conv_w = values(11, 4 * 3 * 3 * 2);
    let conv_b = values(12, 4);
    let fc_w = values(13, 36 * 4); // [K = 4 * 3 * 3, outputs = 4] because of `transpose: true`
    let model = new_caffemodel(vec![
        (
            "conv",
            vec![
                shaped_blob(&[4, 3, 3, 2], conv_w.clone()),
                shaped_blob(&[4], conv_b.clone()),
            ],
        ),
        ("fc", vec![shaped_blob(&[36, 4], fc_w.clone())]),
    ]);
    let input: Vec<f32> = values(14, 3 * 9 * 10).iter().map(|v| v * 10.0).collect();
    let (shape, output) = convert_and_run(NEW_NET, &model, &[1, 3, 9, 10], &input);
    assert_eq!(shape, vec![1, 4]);

    let map = Map {
        c: 3,
        h: 9,
        w: 10,
        data: input,
    };
    let conv = reference::convolution(
        &map,
        &conv_w,
        Some(&conv_b),
        4,
        1,
        Win {
            kernel: [3, 2],
            pad: [1, 0],
            stride: [2, 2],
        },
    );
    assert_eq!((conv.h, conv.w), (5, 5));
    let leaky = reference::relu(&conv, 0.1);
    let norm = reference::lrn(&leaky, 3, 0.3, 0.6, 1.5);
    let pool = reference::pooling(
        &norm,
        Win {
            kernel: [2, 2],
            pad: [1, 1],
            stride: [2, 2],
        },
        true,
    );
    assert_eq!(
        (pool.h, pool.w),
        (3, 3),
        "Caffe drops the window starting in the padding"
    );
    // Transposed weights: fc_w is [K, outputs].
    let fc: Vec<f32> = (0..4)
        .map(|o| (0..36).map(|k| fc_w[k * 4 + o] * pool.data[k]).sum())
        .collect();
    assert_close(&output, &reference::softmax(&fc), TOLERANCE);
}

#[test]
fn conversion_is_deterministic_and_declares_a_symbolic_batch() {
    let w = v1_weights();
    let model = v1_caffemodel(vec![
        (
            "conv1",
            vec![
                legacy_blob([4, 1, 3, 3], w.conv_w.clone()),
                legacy_blob([1, 1, 1, 4], w.conv_b.clone()),
            ],
        ),
        (
            "fc1",
            vec![
                legacy_blob([1, 1, 5, 16], w.fc1_w.clone()),
                legacy_blob([1, 1, 1, 5], w.fc1_b.clone()),
            ],
        ),
        (
            "fc2",
            vec![
                legacy_blob([1, 1, 3, 5], w.fc2_w.clone()),
                legacy_blob([1, 1, 1, 3], w.fc2_b.clone()),
            ],
        ),
    ]);
    let first = crate::caffe::build(V1_NET, &model, "same")
        .unwrap()
        .encode()
        .unwrap();
    let second = crate::caffe::build(V1_NET, &model, "same")
        .unwrap()
        .encode()
        .unwrap();
    assert_eq!(first, second);
    let proto = crate::caffe::build(V1_NET, &model, "same")
        .unwrap()
        .to_model_proto()
        .unwrap();
    let graph = proto.graph.unwrap();
    assert_eq!(graph.input[0].name, crate::caffe::INPUT_NAME);
    assert_eq!(graph.output[0].name, "prob");
    let ops: Vec<&str> = graph.node.iter().map(|n| n.op_type.as_str()).collect();
    assert_eq!(
        ops,
        [
            "Conv", "Relu", "MaxPool", "Mul", "Conv", "Sqrt", "Sqrt", "Mul", "Div", "Flatten",
            "Gemm", "Relu", "Gemm", "Softmax"
        ]
    );
    let ceil_mode = graph.node[2]
        .attribute
        .iter()
        .find(|a| a.name == "ceil_mode")
        .unwrap()
        .i;
    assert_eq!(ceil_mode, 1, "Caffe's ceil rounding maps to ceil_mode = 1");
    // A batch of 3 runs through the same file.
    let input = values(21, 3 * 2 * 7 * 7);
    let (shape, _) = run_onnx(&first, &[3, 2, 7, 7], &input);
    assert_eq!(shape, vec![3, 3]);
}
