//! Builds the SSR-Net ONNX graph from checked weights. Works in NCHW internally (ONNX Conv and
//! pools), transposing back to NHWC before every flatten so the Keras dense weights apply as-is.
//!
//! Stream blocks are written pool phase by pool phase. Keras computes `pool(act(bn(conv(x))))`
//! with a 2x2 pool of stride 2. Each pooled value takes the conv output at the four positions
//! `(2i + dy, 2j + dx)`, `dy, dx` in `{0, 1}`. So the graph holds, for each phase `(dy, dx)`,
//! the same conv with stride 2 on the input shifted by `(dy, dx)` (a `Slice`), then the same
//! batch norm and activation, and takes the element-wise max (or mean) of the four phases.
//!
//! This is the same arithmetic on the same values, and the net computes no conv output that
//! the pool would drop. What changes is the runtime's work: tract runs 2x2 pools as a generic
//! loop that took 30% of each net (0.43 of 1.43 ms per face), while its strided convs and
//! element-wise max/add are vectorised. Per net and face this goes from 1.43 to 1.11 ms (tract
//! profile, docs/BENCHMARKS.md).

use super::architecture::{
    INPUT_CHANNELS, INPUT_SIZE, STAGE_BINS, STAGES, STREAM_KERNEL, SsrNetTarget, StageLayerNames,
    stage_layer_names,
};
use super::weights::CheckedWeights;
use crate::error::{Context, Result};
use crate::onnx::{Attribute, Dim, ModelBuilder, Value};

/// Default-domain opset of the graph (ReduceSum takes `axes` as an input from 13 on).
pub const OPSET: i64 = 13;
/// Keras BatchNormalization epsilon used by SSR-Net (models.md).
const BATCH_NORM_EPSILON: f32 = 1e-3;
/// Pool size (and stride) of the stream pools (2x2, stride 2, valid).
const STREAM_POOL: usize = 2;
/// Weight of each of the four phases in an average pool (1 / (2 x 2)).
const AVERAGE_PHASE_WEIGHT: f32 = 0.25;
/// The spatial axes of an NCHW tensor (H, W), as `Slice` takes them.
const SPATIAL_AXES: [i64; 2] = [2, 3];
/// Stage 2 pool after its 1x1 convs (4x4, stride 4).
const STAGE2_POOL: i64 = 4;
/// Stage 3 pool after its 1x1 convs (8x8, stride 8).
const STAGE3_POOL: i64 = 8;
/// lambda_local of the soft stagewise regression (the first `1.0` in the file name).
const LAMBDA_LOCAL: f32 = 1.0;
/// lambda_d of the soft stagewise regression (the second `1.0` in the file name).
const LAMBDA_D: f32 = 1.0;
/// NHWC -> NCHW permutation.
const TO_NCHW: [i64; 4] = [0, 3, 1, 2];
/// NCHW -> NHWC permutation (before each Keras `Flatten`).
const TO_NHWC: [i64; 4] = [0, 2, 3, 1];
/// Graph input name.
pub const INPUT_NAME: &str = "input";
/// Graph output name.
pub const OUTPUT_NAME: &str = "output";

/// Activation after a layer.
#[derive(Clone, Copy)]
enum Activation {
    Relu,
    Tanh,
}

impl Activation {
    fn op(self) -> &'static str {
        match self {
            Activation::Relu => "Relu",
            Activation::Tanh => "Tanh",
        }
    }
}

/// Pooling kind.
#[derive(Clone, Copy)]
enum Pool {
    Average,
    Max,
}

/// How the graph writes the stream blocks' 2x2 pools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolForm {
    /// Phase by phase (module doc): what the app runs, the fastest form in tract.
    Phases,
    /// As `AveragePool` / `MaxPool` nodes, as Keras wrote them: the fastest form in
    /// onnxruntime, which the bench also times so the comparison gives each runtime its best.
    Pools,
}

/// A conv layer's weights, added once and shared by the nodes that apply them.
struct ConvWeights {
    kernel: Value,
    bias: Value,
    /// Kernel side.
    side: i64,
}

/// Builds the whole model, its stream pools in `pool_form`. `metadata` entries are recorded in
/// `metadata_props`.
pub fn build(
    target: SsrNetTarget,
    weights: &CheckedWeights,
    pool_form: PoolForm,
    metadata: &[(&str, &str)],
) -> Result<ModelBuilder> {
    let mut g = Graph {
        model: ModelBuilder::new(&format!("ssrnet_{}", target.as_str()), OPSET),
        weights,
        pool_form,
    };
    for (key, value) in metadata {
        g.model.metadata(key, value);
    }
    let input = g.model.input_f32(
        INPUT_NAME,
        &Dim::batched(&[INPUT_SIZE, INPUT_SIZE, INPUT_CHANNELS]),
    )?;
    let nchw = g
        .model
        .node("Transpose", "input_nchw", &[&input], vec![perm(TO_NCHW)])?;

    // Stream x: ReLU + average pools; stream s: tanh + max pools.
    let relu_average = (Activation::Relu, Pool::Average);
    let tanh_max = (Activation::Tanh, Pool::Max);
    let (x1, side1) = g.conv_bn_pool(&nchw, INPUT_SIZE, 1, relu_average)?;
    let (x2, side2) = g.conv_bn_pool(&x1, side1, 2, relu_average)?;
    let (x3, _) = g.conv_bn_pool(&x2, side2, 3, relu_average)?;
    let x4 = g.conv_bn_act(&x3, 4, Activation::Relu)?;
    let (s1, _) = g.conv_bn_pool(&nchw, INPUT_SIZE, 5, tanh_max)?;
    let (s2, _) = g.conv_bn_pool(&s1, side1, 6, tanh_max)?;
    let (s3, _) = g.conv_bn_pool(&s2, side2, 7, tanh_max)?;
    let s4 = g.conv_bn_act(&s3, 8, Activation::Tanh)?;

    let stage_inputs = [
        (&s4, &x4, None),
        (&s2, &x2, Some(STAGE2_POOL)),
        (&s1, &x1, Some(STAGE3_POOL)),
    ];
    let mut outputs = Vec::with_capacity(STAGES);
    for (index, (s, x, pool)) in stage_inputs.into_iter().enumerate() {
        let names = stage_layer_names(target, index + 1);
        outputs.push(g.stage(&names, s, x, pool)?);
    }
    let result = g.merge(&outputs, target.output_scale())?;
    g.model
        .output_f32(&result, OUTPUT_NAME, &[Dim::batch(), Dim::Fixed(1)])?;
    Ok(g.model)
}

/// The per-stage tensors the final merge needs, each `[N, bins]` or `[N, 1]`.
struct StageOutputs {
    pred: Value,
    local: Value,
    delta: Value,
}

struct Graph<'w> {
    model: ModelBuilder,
    weights: &'w CheckedWeights,
    pool_form: PoolForm,
}

impl Graph<'_> {
    /// Adds a weight as an initializer called `<layer>/<weight>`.
    fn weight(&mut self, layer: &str, weight: &str) -> Result<Value> {
        let tensor = self.weights.get(layer, weight)?;
        self.model
            .initializer_f32(&format!("{layer}/{weight}"), &tensor.shape, &tensor.data)
    }

    /// Conv weights of `layer` as initializers: the Keras HWIO kernel transposed to OIHW, and
    /// the bias.
    fn conv_weights(&mut self, layer: &str) -> Result<ConvWeights> {
        let kernel = self.weights.get(layer, "kernel")?;
        let (oihw, shape) = hwio_to_oihw(&kernel.data, &kernel.shape)?;
        let kernel = self
            .model
            .initializer_f32(&format!("{layer}/kernel"), &shape, &oihw)?;
        let bias = self.weight(layer, "bias")?;
        let side = i64::try_from(shape.get(2).copied().unwrap_or(1))?;
        Ok(ConvWeights { kernel, bias, side })
    }

    /// A 'valid' conv node with the given weights and stride.
    fn conv_node(
        &mut self,
        name: &str,
        input: &Value,
        weights: &ConvWeights,
        stride: i64,
    ) -> Result<Value> {
        let side = weights.side;
        self.model.node(
            "Conv",
            name,
            &[input, &weights.kernel, &weights.bias],
            vec![
                Attribute::ints("kernel_shape", &[side, side]),
                Attribute::ints("strides", &[stride, stride]),
                Attribute::ints("pads", &[0, 0, 0, 0]),
                Attribute::ints("dilations", &[1, 1]),
                Attribute::int("group", 1),
            ],
        )
    }

    /// Conv of `layer`, 'valid', stride 1.
    fn conv(&mut self, input: &Value, layer: &str) -> Result<Value> {
        let weights = self.conv_weights(layer)?;
        self.conv_node(layer, input, &weights, 1)
    }

    /// The four parameters of `batch_normalization_<index>` as initializers.
    fn batch_norm_weights(&mut self, index: usize) -> Result<[Value; 4]> {
        let bn = format!("batch_normalization_{index}");
        Ok([
            self.weight(&bn, "gamma")?,
            self.weight(&bn, "beta")?,
            self.weight(&bn, "moving_mean")?,
            self.weight(&bn, "moving_variance")?,
        ])
    }

    /// Batch norm node `name` on `input`, then the activation node `<name>_<act>`.
    fn batch_norm_act(
        &mut self,
        name: &str,
        input: &Value,
        params: &[Value; 4],
        act: Activation,
    ) -> Result<Value> {
        let [gamma, beta, mean, var] = params;
        let normed = self.model.node(
            "BatchNormalization",
            name,
            &[input, gamma, beta, mean, var],
            vec![Attribute::float("epsilon", BATCH_NORM_EPSILON)],
        )?;
        self.activation(&normed, name, act)
    }

    /// conv2d_i -> batch_normalization_i -> activation.
    fn conv_bn_act(&mut self, input: &Value, index: usize, act: Activation) -> Result<Value> {
        let conv = self.conv(input, &format!("conv2d_{index}"))?;
        let params = self.batch_norm_weights(index)?;
        self.batch_norm_act(&format!("batch_normalization_{index}"), &conv, &params, act)
    }

    /// conv_bn_act followed by a 2x2/2 pool, in the graph's [`PoolForm`]. `input_side` is the
    /// side of the square input; returns the pooled tensor and its side.
    fn conv_bn_pool(
        &mut self,
        input: &Value,
        input_side: usize,
        index: usize,
        (act, pool): (Activation, Pool),
    ) -> Result<(Value, usize)> {
        let conv_side = input_side
            .checked_sub(STREAM_KERNEL - 1)
            .filter(|&side| side >= STREAM_POOL)
            .with_context(|| format!("conv2d_{index}: input side {input_side} is too small"))?;
        let pooled_side = conv_side / STREAM_POOL;
        if self.pool_form == PoolForm::Pools {
            let activated = self.conv_bn_act(input, index, act)?;
            let size = i64::try_from(STREAM_POOL)?;
            let pooled = self.pool(&activated, &format!("pool_{index}"), pool, size)?;
            return Ok((pooled, pooled_side));
        }
        // Phase (dy, dx) reads input rows dy, dy + 2, ... : 2 * (pooled - 1) + kernel rows.
        let window = STREAM_POOL * (pooled_side - 1) + STREAM_KERNEL;
        let weights = self.conv_weights(&format!("conv2d_{index}"))?;
        let params = self.batch_norm_weights(index)?;
        let stride = i64::try_from(STREAM_POOL)?;
        let mut phases = Vec::with_capacity(STREAM_POOL * STREAM_POOL);
        for dy in 0..STREAM_POOL {
            for dx in 0..STREAM_POOL {
                let phase = format!("phase{dy}{dx}");
                let shifted = self.slice_spatial(
                    input,
                    &format!("conv2d_{index}/{phase}_input"),
                    [dy, dx],
                    window,
                )?;
                let conv = self.conv_node(
                    &format!("conv2d_{index}/{phase}"),
                    &shifted,
                    &weights,
                    stride,
                )?;
                phases.push(self.batch_norm_act(
                    &format!("batch_normalization_{index}/{phase}"),
                    &conv,
                    &params,
                    act,
                )?);
            }
        }
        let phase_refs: Vec<&Value> = phases.iter().collect();
        let name = format!("pool_{index}");
        let pooled = match pool {
            Pool::Max => self.model.plain_node("Max", &name, &phase_refs)?,
            Pool::Average => {
                let sum = self
                    .model
                    .plain_node("Sum", &format!("{name}/sum"), &phase_refs)?;
                let weight = self.model.initializer_f32(
                    &format!("{name}/phase_weight"),
                    &[1],
                    &[AVERAGE_PHASE_WEIGHT],
                )?;
                self.model.plain_node("Mul", &name, &[&sum, &weight])?
            }
        };
        Ok((pooled, pooled_side))
    }

    /// `input[:, :, start[0] .. start[0] + len, start[1] .. start[1] + len]`.
    fn slice_spatial(
        &mut self,
        input: &Value,
        name: &str,
        start: [usize; 2],
        len: usize,
    ) -> Result<Value> {
        let starts = start.map(|s| i64::try_from(s).unwrap_or(i64::MAX));
        let ends = start.map(|s| i64::try_from(s + len).unwrap_or(i64::MAX));
        let starts = self
            .model
            .initializer_i64(&format!("{name}/starts"), &[2], &starts)?;
        let ends = self
            .model
            .initializer_i64(&format!("{name}/ends"), &[2], &ends)?;
        let axes = self
            .model
            .initializer_i64(&format!("{name}/axes"), &[2], &SPATIAL_AXES)?;
        self.model
            .plain_node("Slice", name, &[input, &starts, &ends, &axes])
    }

    /// A pool of `size` x `size`, stride `size`, 'valid'.
    fn pool(&mut self, input: &Value, name: &str, pool: Pool, size: i64) -> Result<Value> {
        let op = match pool {
            Pool::Average => "AveragePool",
            Pool::Max => "MaxPool",
        };
        self.model.node(
            op,
            name,
            &[input],
            vec![
                Attribute::ints("kernel_shape", &[size, size]),
                Attribute::ints("strides", &[size, size]),
                Attribute::ints("pads", &[0, 0, 0, 0]),
            ],
        )
    }

    /// Keras `Flatten` of an NCHW tensor: back to NHWC, then flatten to `[N, H*W*C]`.
    fn flatten(&mut self, input: &Value, name: &str) -> Result<Value> {
        let nhwc = self.model.node(
            "Transpose",
            &format!("{name}_nhwc"),
            &[input],
            vec![perm(TO_NHWC)],
        )?;
        self.model
            .node("Flatten", name, &[&nhwc], vec![Attribute::int("axis", 1)])
    }

    /// The activation node `<name>_<act>` on `input`.
    fn activation(&mut self, input: &Value, name: &str, act: Activation) -> Result<Value> {
        let op = act.op();
        let name = format!("{name}_{}", op.to_lowercase());
        self.model.plain_node(op, &name, &[input])
    }

    /// Keras `Dense`: `x @ kernel + bias` (kernel stored `[in, out]`), then the activation.
    fn dense(&mut self, input: &Value, layer: &str, act: Activation) -> Result<Value> {
        let kernel = self.weight(layer, "kernel")?;
        let bias = self.weight(layer, "bias")?;
        let linear = self
            .model
            .plain_node("Gemm", layer, &[input, &kernel, &bias])?;
        self.activation(&linear, layer, act)
    }

    /// One stage: 1x1 convs (+ optional pool), flatten, mixes, delta, features, heads.
    fn stage(
        &mut self,
        names: &StageLayerNames,
        s: &Value,
        x: &Value,
        pool: Option<i64>,
    ) -> Result<StageOutputs> {
        let side = |this: &mut Self, input: &Value, conv: &str, kind: Pool| -> Result<Value> {
            let c = this.conv(input, conv)?;
            let activated = this
                .model
                .plain_node("Relu", &format!("{conv}_relu"), &[&c])?;
            let pooled = match pool {
                Some(size) => this.pool(&activated, &format!("{conv}_pool"), kind, size)?,
                None => activated,
            };
            this.flatten(&pooled, &format!("{conv}_flat"))
        };
        let fs = side(self, s, &names.s_conv, Pool::Max)?;
        let fx = side(self, x, &names.x_conv, Pool::Average)?;
        let mix_s = self.dense(&fs, &names.s_mix, Activation::Relu)?;
        let mix_x = self.dense(&fx, &names.x_mix, Activation::Relu)?;
        let product =
            self.model
                .plain_node("Mul", &format!("{}_input", names.delta), &[&fs, &fx])?;
        let delta = self.dense(&product, &names.delta, Activation::Tanh)?;
        let mixed = self.model.plain_node(
            "Mul",
            &format!("{}_input", names.feature),
            &[&mix_s, &mix_x],
        )?;
        let feature = self.dense(&mixed, &names.feature, Activation::Relu)?;
        let pred = self.dense(&feature, &names.pred, Activation::Relu)?;
        let local = self.dense(&feature, &names.local, Activation::Tanh)?;
        Ok(StageOutputs { pred, local, delta })
    }

    /// The soft stagewise regression (models.md): out = V * sum_k [sum_i (i + lambda_local *
    /// l_k[i]) * p_k[i]] / prod_{j<=k} (bins * (1 + lambda_d * delta_j)).
    fn merge(&mut self, stages: &[StageOutputs], scale: f32) -> Result<Value> {
        let bin_index: Vec<f32> = (0..STAGE_BINS).map(|i| i as f32).collect();
        let index = self
            .model
            .initializer_f32("ssr/bin_index", &[STAGE_BINS], &bin_index)?;
        let lambda_local = self
            .model
            .initializer_f32("ssr/lambda_local", &[1], &[LAMBDA_LOCAL])?;
        let lambda_d = self
            .model
            .initializer_f32("ssr/lambda_d", &[1], &[LAMBDA_D])?;
        let one = self.model.initializer_f32("ssr/one", &[1], &[1.0])?;
        let bins = self
            .model
            .initializer_f32("ssr/bins", &[1], &[STAGE_BINS as f32])?;
        let axes = self.model.initializer_i64("ssr/sum_axes", &[1], &[1])?;
        let v = self.model.initializer_f32("ssr/scale", &[1], &[scale])?;

        let mut total: Option<Value> = None;
        let mut denominators: Vec<Value> = Vec::new();
        for (index_k, stage) in stages.iter().enumerate() {
            let k = index_k + 1;
            let step = |g: &mut Self, op: &str, step: &str, a: &Value, b: &Value| {
                g.model.plain_node(op, &format!("ssr/s{k}_{step}"), &[a, b])
            };
            let shift = step(self, "Mul", "local_scaled", &lambda_local, &stage.local)?;
            let position = step(self, "Add", "position", &index, &shift)?;
            let weighted = step(self, "Mul", "weighted", &position, &stage.pred)?;
            let sum = self.model.node(
                "ReduceSum",
                &format!("ssr/s{k}_sum"),
                &[&weighted, &axes],
                vec![Attribute::int("keepdims", 1)],
            )?;
            let scaled_delta = step(self, "Mul", "delta_scaled", &lambda_d, &stage.delta)?;
            let widened = step(self, "Add", "width_factor", &one, &scaled_delta)?;
            let denominator = step(self, "Mul", "denominator", &bins, &widened)?;
            denominators.push(denominator);
            // Divide by each earlier stage's denominator in turn, as the Keras Lambda does.
            let mut term = sum;
            for (j, d) in denominators.iter().enumerate() {
                term = step(self, "Div", &format!("div{}", j + 1), &term, d)?;
            }
            total = Some(match total {
                None => term,
                Some(previous) => {
                    let name = format!("ssr/sum_to_s{k}");
                    self.model.plain_node("Add", &name, &[&previous, &term])?
                }
            });
        }
        let total = total.context("internal: SSR-Net has no stage")?;
        self.model.plain_node("Mul", "ssr/scaled", &[&total, &v])
    }
}

fn perm(p: [i64; 4]) -> Attribute {
    Attribute::ints("perm", &p)
}

/// Keras conv kernel `[kh, kw, in, out]` -> ONNX `[out, in, kh, kw]`.
fn hwio_to_oihw(data: &[f32], shape: &[usize]) -> Result<(Vec<f32>, Vec<usize>)> {
    let &[kh, kw, cin, cout] = shape else {
        crate::error::bail!("conv kernel shape {shape:?} is not 4-D");
    };
    crate::error::ensure!(
        data.len() == kh * kw * cin * cout,
        "conv kernel has {} values, shape {shape:?} needs {}",
        data.len(),
        kh * kw * cin * cout
    );
    let mut out = vec![0.0f32; data.len()];
    for (src_index, &value) in data.iter().enumerate() {
        let o = src_index % cout;
        let i = (src_index / cout) % cin;
        let x = (src_index / (cout * cin)) % kw;
        let y = src_index / (cout * cin * kw);
        let dst_index = ((o * cin + i) * kh + y) * kw + x;
        if let Some(slot) = out.get_mut(dst_index) {
            *slot = value;
        }
    }
    Ok((out, vec![cout, cin, kh, kw]))
}
