//! A load-time rewrite of the Cydral nets: convolution weights too small to change any output are
//! set to zero, which keeps tract's matrix kernels off the CPU's slow path for denormal results.
//!
//! Why: 18 of the 64 filters of the age net's first convolution (`layer_52_conv`, 7x7 over the
//! RGB chip) are dead, every weight below 1e-20 and some down to 1.2e-38. Their sums stay below
//! `f32::MIN_POSITIVE`, so every fused multiply-add of those output rows yields a denormal, and
//! each one costs a microcode assist: tract spent 15 of its 18 ms per face in that one
//! convolution of 8 M multiply-adds. Flushing denormals on the calling thread does not help,
//! because tract's AVX-512 kernels load their own control word (`0x1FC0`: denormal inputs read as
//! zero, denormal results *not* flushed; tract-linalg 0.23, `x86_64/avx512/preamble.j2`). With
//! those weights at zero the sums are exactly zero and the convolution takes 0.2 ms.
//!
//! The outputs do not move: a weight below [`NEGLIGIBLE_WEIGHT`] adds less than 1e-20 times an
//! activation to a sum that also holds the filter's bias (at least 1.7e-3 in magnitude in the age
//! net, whose `f32` spacing is 2e-10), so it is lost in rounding; the tests below check both nets'
//! outputs on a real face.

use tract_onnx::prelude::*;
use tract_onnx::tract_core::ops::cnn::Conv;
use tract_onnx::tract_core::ops::konst::Const;

/// Convolution weights of smaller magnitude than this are set to zero. In the age net's first
/// convolution exactly the 18 dead filters' 2646 weights lie below it; in its second
/// (`layer_47_conv`) 10377 weights do, 7950 of them below 1e-36 already (denormal or nearly, and
/// the kernels read denormals as zero). The gender net has none.
pub const NEGLIGIBLE_WEIGHT: f32 = 1e-20;

/// Input slot of a [`Conv`] that holds its kernel (tract 0.23: input, kernel, bias).
const CONV_KERNEL_INPUT: usize = 1;

/// Sets to zero every `f32` weight below [`NEGLIGIBLE_WEIGHT`] in magnitude in the constant
/// kernels of `model`'s convolutions, and returns how many weights it zeroed. Run it on the
/// decluttered model, before `into_optimized` packs the kernels.
pub fn flush_negligible_weights(model: &mut TypedModel) -> TractResult<usize> {
    let kernels: Vec<usize> = model
        .nodes()
        .iter()
        .filter(|node| node.op_is::<Conv>())
        .filter_map(|node| node.inputs.get(CONV_KERNEL_INPUT).map(|outlet| outlet.node))
        .collect();
    let mut zeroed = 0;
    for kernel in kernels {
        let Some(weights) = model
            .node(kernel)
            .op_as::<Const>()
            .filter(|konst| konst.val().datum_type() == f32::datum_type())
            .map(|konst| konst.val().clone())
        else {
            continue;
        };
        let mut flushed = Arc::unwrap_or_clone(weights);
        let mut count = 0;
        for weight in flushed.to_plain_array_view_mut::<f32>()?.iter_mut() {
            if weight.abs() < NEGLIGIBLE_WEIGHT && *weight != 0.0 {
                *weight = 0.0;
                count += 1;
            }
        }
        if count == 0 {
            continue;
        }
        let name = format!("{}.flushed", model.node(kernel).name);
        let mut patch = TypedModelPatch::default();
        let replacement = patch.add_const(name, flushed)?;
        patch.shunt_outside(model, OutletId::new(kernel, 0), replacement)?;
        patch.apply(model)?;
        zeroed += count;
    }
    Ok(zeroed)
}

#[cfg(test)]
mod tests {
    use tract_onnx::tract_core::ops::cnn::{KernelFormat, PaddingSpec, PoolSpec};
    use tract_onnx::tract_core::ops::nn::DataFormat;

    use super::*;
    use crate::onnx_net::OnnxNet;

    /// Output channels of the synthetic convolution; the first one is dead.
    const CHANNELS: usize = 2;
    /// A weight of a dead filter (as small as the age net's: just above `f32::MIN_POSITIVE`).
    const DEAD_WEIGHT: f32 = 1.3e-38;
    /// How far the rewritten age net may move a probability (the task's bound).
    const TOLERANCE: f32 = 1e-5;

    /// A 1x1 convolution of a `[1, 1, 2, 2]` input into [`CHANNELS`] channels with the given
    /// kernel and a bias of one.
    fn conv_model(kernel: [f32; CHANNELS]) -> TypedModel {
        let mut model = TypedModel::default();
        let input = model
            .add_source("input", f32::fact([1, 1, 2, 2]))
            .expect("source");
        let kernel = model
            .add_const(
                "kernel",
                tract_ndarray::Array4::from_shape_vec((CHANNELS, 1, 1, 1), kernel.to_vec())
                    .expect("kernel shape")
                    .into_tensor(),
            )
            .expect("kernel");
        let bias = model
            .add_const("bias", tensor1(&[1.0f32; CHANNELS]))
            .expect("bias");
        let spec = PoolSpec {
            data_format: DataFormat::NCHW,
            kernel_shape: tvec![1, 1],
            padding: PaddingSpec::Valid,
            dilations: None,
            strides: None,
            input_channels: 1,
            output_channels: CHANNELS,
        };
        let conv = Conv {
            pool_spec: spec,
            kernel_fmt: KernelFormat::OIHW,
            group: 1,
            q_params: None,
        };
        let output = model
            .wire_node("conv", conv, &[input, kernel, bias])
            .expect("conv")[0];
        model.select_output_outlets(&[output]).expect("output");
        model
    }

    /// The kernel values the model's convolution reads.
    fn conv_kernel(model: &TypedModel) -> Vec<f32> {
        let conv = model
            .nodes()
            .iter()
            .find(|node| node.op_is::<Conv>())
            .expect("a convolution");
        let konst = model
            .node(conv.inputs[CONV_KERNEL_INPUT].node)
            .op_as::<Const>()
            .expect("a constant kernel");
        konst
            .val()
            .to_plain_array_view::<f32>()
            .expect("f32 kernel")
            .iter()
            .copied()
            .collect()
    }

    #[test]
    fn dead_filter_weights_become_zero_and_live_ones_stay() {
        let mut model = conv_model([DEAD_WEIGHT, 0.5]);
        assert_eq!(flush_negligible_weights(&mut model).expect("rewrite"), 1);
        assert_eq!(conv_kernel(&model), [0.0, 0.5]);
        let plan = model
            .into_optimized()
            .and_then(|m| m.into_runnable())
            .expect("plan");
        let input = tensor4(&[[[[1.0f32, 2.0], [3.0, 4.0]]]]);
        let output = plan.run(tvec![input.into()]).expect("run");
        let values: Vec<f32> = output[0]
            .to_plain_array_view::<f32>()
            .expect("f32")
            .iter()
            .copied()
            .collect();
        assert_eq!(values, [1.0, 1.0, 1.0, 1.0, 1.5, 2.0, 2.5, 3.0]);
    }

    #[test]
    fn a_model_without_negligible_weights_is_left_alone() {
        let mut model = conv_model([0.25, -0.5]);
        assert_eq!(flush_negligible_weights(&mut model).expect("rewrite"), 0);
        assert_eq!(conv_kernel(&model), [0.25, -0.5]);
    }

    /// Runs the Cydral net `file` (`outputs` values per face) on the crop, loaded as it was
    /// before this rewrite and with it; returns both outputs.
    fn plain_and_rewritten(file: &str, size: usize, outputs: usize) -> (Vec<f32>, Vec<f32>) {
        let path = test_data::models_dir().join(file);
        let shape = [3, size, size];
        let plain = OnnxNet::load(&path, &shape).unwrap_or_else(|e| panic!("{e}"));
        let rewritten = OnnxNet::load_with(&path, &shape, |model| {
            flush_negligible_weights(model).map(drop)
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let values = super::super::test_input::cydral_input(size);
        let run = |net: &OnnxNet| {
            let input = net.input(values.clone(), 1).expect("input");
            net.run(input, 1, outputs).expect("run")
        };
        (run(&plain), run(&rewritten))
    }

    fn largest_difference(a: &[f32], b: &[f32]) -> f32 {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max)
    }

    #[test]
    fn the_age_net_loses_its_dead_filter_weights_and_keeps_its_outputs() {
        let path = test_data::models_dir().join("age-v1.onnx");
        let load = || -> TractResult<TypedModel> {
            let model = tract_onnx::onnx().model_for_path(&path)?;
            // The file declares a symbolic batch `N` on its output too.
            let batch = model.sym("N");
            model
                .with_input_fact(
                    0,
                    f32::fact::<[TDim; 4]>([batch.into(), 3.into(), 64.into(), 64.into()]).into(),
                )?
                .into_typed()?
                .into_decluttered()
        };
        let mut model = load().unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        // 18 dead filters of 147 weights, plus the few tiny weights of live filters.
        let zeroed = flush_negligible_weights(&mut model).expect("rewrite");
        assert!(zeroed >= 18 * 147, "only {zeroed} weights zeroed");

        let (plain, rewritten) =
            plain_and_rewritten("age-v1.onnx", 64, super::super::AGE_BIN_COUNT);
        let difference = largest_difference(&plain, &rewritten);
        assert!(
            difference <= TOLERANCE,
            "the rewrite moved an age probability by {difference:e}"
        );
    }

    #[test]
    fn the_gender_net_keeps_its_outputs() {
        let (plain, rewritten) = plain_and_rewritten("gender-v1.onnx", 32, 2);
        let difference = largest_difference(&plain, &rewritten);
        assert!(
            difference <= TOLERANCE,
            "the rewrite moved a gender probability by {difference:e}"
        );
    }
}
