//! The real AgeGenderNet weights of the shared mirror: the converted graph's structure, its
//! determinism, and a run through tract. (Parity with face-api's own runtime is tested in the
//! `estimate` crate against committed oracle numbers.)

use tract_onnx::prelude::*;

use super::fixtures::{MANIFEST, SHARD, real_files};
use crate::tfjs::age_gender::OUTPUTS_PER_FACE;
use crate::tfjs::{INPUT_SIZE, build_age_gender};

fn encoded() -> Vec<u8> {
    let dir = test_data::mirror_dir();
    build_age_gender(&dir.join(MANIFEST), &[dir.join(SHARD).as_path()])
        .expect("conversion succeeds")
        .encode()
        .expect("encodes")
}

#[test]
fn the_graph_has_tiny_xceptions_layers_and_is_deterministic() {
    let bytes = encoded();
    assert_eq!(bytes, encoded(), "two conversions give the same bytes");
    let dir = test_data::mirror_dir();
    let model = build_age_gender(&dir.join(MANIFEST), &[dir.join(SHARD).as_path()])
        .expect("conversion succeeds")
        .to_model_proto()
        .expect("model proto");
    let graph = model.graph.expect("graph");
    let count = |op: &str| graph.node.iter().filter(|n| n.op_type == op).count();
    // conv_in + 3 reduction blocks x (2 separable x 2 + expansion) + 2 main blocks x 3 x 2
    // + the exit separable conv (2).
    assert_eq!(count("Conv"), 1 + 3 * 5 + 2 * 3 * 2 + 2);
    assert_eq!(count("MaxPool"), 3);
    assert_eq!(count("Add"), 3 + 2);
    assert_eq!(count("Gemm"), 2);
    assert_eq!(count("Softmax"), 1);
    let (groups, _) = real_files();
    assert_eq!(
        graph.initializer.len(),
        groups[0].weights.len(),
        "one initializer per manifest weight"
    );
}

#[test]
fn tract_runs_a_batch_and_gives_ages_and_gender_probabilities() {
    let bytes = encoded();
    let batch = 2;
    let shape = [batch, INPUT_SIZE, INPUT_SIZE, 3];
    let model = tract_onnx::onnx()
        .model_for_read(&mut &bytes[..])
        .expect("tract reads the model")
        .with_input_fact(0, f32::fact(shape).into())
        .expect("input fact")
        .into_optimized()
        .expect("optimises")
        .into_runnable()
        .expect("runnable");
    // A grey face-sized input (zero after normalisation) and a ramp.
    let len = INPUT_SIZE * INPUT_SIZE * 3;
    let input: Vec<f32> = (0..batch * len)
        .map(|i| {
            if i < len {
                0.0
            } else {
                (i % 256) as f32 / 256.0 - 0.5
            }
        })
        .collect();
    let tensor = Tensor::from_shape(&shape, &input).expect("input tensor");
    let outputs = model.run(tvec!(tensor.into())).expect("runs");
    let output = outputs[0].to_plain_array_view::<f32>().expect("f32");
    assert_eq!(output.shape(), [batch, OUTPUTS_PER_FACE]);
    let values: Vec<f32> = output.iter().copied().collect();
    for face in values.chunks(OUTPUTS_PER_FACE) {
        assert!((0.0..120.0).contains(&face[0]), "age {}", face[0]);
        assert!((face[1] + face[2] - 1.0).abs() < 1e-6, "softmax {face:?}");
    }
    assert_ne!(
        values[0], values[OUTPUTS_PER_FACE],
        "different inputs, different ages"
    );
}
