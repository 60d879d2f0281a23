//! Runs a converted model through tract.

use tract_onnx::prelude::*;

/// Converts `prototxt` + `caffemodel`, runs the ONNX on `input` of shape `[N, C, H, W]` and
/// returns the first output's shape and values.
pub fn convert_and_run(
    prototxt: &str,
    caffemodel: &[u8],
    input_shape: &[usize],
    input: &[f32],
) -> (Vec<usize>, Vec<f32>) {
    let model = crate::caffe::build(prototxt, caffemodel, "test").expect("conversion succeeds");
    let bytes = model.encode().expect("model encodes");
    run_onnx(&bytes, input_shape, input)
}

/// Runs ONNX bytes on one input tensor and returns the first output.
pub fn run_onnx(bytes: &[u8], input_shape: &[usize], input: &[f32]) -> (Vec<usize>, Vec<f32>) {
    let model = tract_onnx::onnx()
        .model_for_read(&mut &bytes[..])
        .expect("tract reads the model")
        .with_input_fact(0, f32::fact(input_shape).into())
        .expect("input fact")
        .into_optimized()
        .expect("tract optimises the model")
        .into_runnable()
        .expect("runnable");
    let tensor = Tensor::from_shape(input_shape, input).expect("input tensor");
    let outputs = model
        .run(tvec!(tensor.into()))
        .expect("tract runs the model");
    let output = outputs[0].to_plain_array_view::<f32>().expect("f32 output");
    (output.shape().to_vec(), output.iter().copied().collect())
}

/// Asserts that two float slices agree element-wise within `tolerance`.
pub fn assert_close(actual: &[f32], expected: &[f32], tolerance: f32) {
    assert_eq!(actual.len(), expected.len(), "lengths differ");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= tolerance,
            "element {i}: got {a}, expected {e} (tolerance {tolerance})"
        );
    }
}
