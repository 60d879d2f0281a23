//! The nets of the aligned estimators alone, per call at batch 1, 4 and 16 on real
//! face crops (the parity crops of `../shared/parity`, cycled, resized to each net's input): the
//! Cydral (dlib) age and gender nets and face-api.js's AgeGenderNet (skipped with a message while
//! its converted ONNX file is missing).
//!
//! Group `aligned_nets` (what `cargo xtask bench` sets beside onnxruntime): each net through a
//! tract plan built as the `estimate` crate builds its plans (symbolic batch, decluttered, then
//! optimised for the concrete batch), on one thread.
//!
//! Run: `cargo bench -p estimate --bench aligned_nets` (needs the models and `../shared`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use estimate::preprocess::resize_bilinear;
use tract_onnx::prelude::*;

/// Batch sizes measured (the same as the SSR-Net bench, so the two compare).
const BATCH_SIZES: [usize; 3] = [1, 4, 16];
/// Per-channel RGB means subtracted before dividing by [`SCALE`]: the Cydral nets'
/// (`cydral-manifest.json`: 122.781998, 117.000999, 104.297997, the same `f32`s) and
/// face-api.js's `forwardInput`'s.
const MEANS_RGB: [f32; 3] = [122.782, 117.001, 104.298];
/// Divisor of the mean-subtracted bytes (both: `(x - mean) / 256`).
const SCALE: f32 = 256.0;
/// Name of the symbolic batch dimension (as `estimate`'s `OnnxNet`).
const BATCH_SYMBOL: &str = "N";

/// Memory order of one face in a net's input.
#[derive(Clone, Copy)]
enum Layout {
    /// `[3, side, side]`.
    Nchw,
    /// `[side, side, 3]`.
    Nhwc,
}

/// One net of the group.
struct NetSpec {
    /// Benchmark function name (and the name `cargo xtask bench` reads back).
    name: &'static str,
    /// File in the models folder.
    file: &'static str,
    /// Side of the square RGB input.
    side: usize,
    layout: Layout,
    /// The load-time rewrite `estimate` applies to the net's decluttered model, if any.
    rewrite: Option<Rewrite>,
}

/// A rewrite of a decluttered model returning how many things it changed.
type Rewrite = fn(&mut TypedModel) -> TractResult<usize>;

/// The nets measured: Cydral's (`cydral-manifest.json`) and face-api's (`xtask/src/tfjs`).
const NETS: [NetSpec; 3] = [
    NetSpec {
        name: "dlib-age",
        file: "age-v1.onnx",
        side: 64,
        layout: Layout::Nchw,
        rewrite: Some(estimate::dlib::flush_negligible_weights),
    },
    NetSpec {
        name: "dlib-gender",
        file: "gender-v1.onnx",
        side: 32,
        layout: Layout::Nchw,
        rewrite: Some(estimate::dlib::flush_negligible_weights),
    },
    NetSpec {
        name: "faceapi",
        file: estimate::faceapi::FACEAPI_AGE_GENDER_MODEL,
        side: 112,
        layout: Layout::Nhwc,
        rewrite: None,
    },
];

impl NetSpec {
    fn item_shape(&self) -> [usize; 3] {
        match self.layout {
            Layout::Nchw => [3, self.side, self.side],
            Layout::Nhwc => [self.side, self.side, 3],
        }
    }

    /// `crop` (BGR) resized to the net's side and normalised, in the net's layout.
    fn input_of(&self, crop: &common::BgrPixels) -> Vec<f32> {
        let bgr = resize_bilinear(&crop.view(), self.side, self.side).expect("resize");
        let plane = self.side * self.side;
        let mut out = vec![0.0; 3 * plane];
        for (i, pixel) in bgr.chunks(3).enumerate() {
            for (channel, mean) in MEANS_RGB.iter().enumerate() {
                let value = (f32::from(pixel[2 - channel]) - mean) / SCALE;
                let index = match self.layout {
                    Layout::Nchw => channel * plane + i,
                    Layout::Nhwc => i * 3 + channel,
                };
                out[index] = value;
            }
        }
        out
    }
}

/// The net at `path` through a tract plan optimised for exactly `batch` faces, built as
/// `estimate`'s `OnnxNet` builds it (with the net's load-time `rewrite`).
fn plan(
    path: &Path,
    item_shape: &[usize],
    batch: usize,
    rewrite: Option<Rewrite>,
) -> Arc<TypedRunnableModel> {
    let build = || -> TractResult<Arc<TypedRunnableModel>> {
        let model = tract_onnx::onnx().model_for_path(path)?;
        let symbol = model.sym(BATCH_SYMBOL);
        let mut shape: TVec<TDim> = tvec![symbol.clone().into()];
        shape.extend(item_shape.iter().map(|&d| TDim::from(d)));
        let batch_dim = TDim::Val(i64::try_from(batch)?);
        let mut template = model
            .with_input_fact(0, f32::fact(shape).into())?
            .into_typed()?
            .into_decluttered()?;
        if let Some(rewrite) = rewrite {
            rewrite(&mut template)?;
        }
        template
            .set_symbols(&HashMap::from([(symbol, batch_dim)]))?
            .into_optimized()?
            .into_runnable()
    };
    build().unwrap_or_else(|e| panic!("cannot plan {}: {e:?}", path.display()))
}

fn aligned_nets(c: &mut Criterion) {
    let crops: Vec<_> = common::fixtures()
        .iter()
        .map(|f| common::read_png_as_bgr(&common::parity_file(&f.crop_png)))
        .collect();
    let dir = test_data::models_dir();
    let mut group = c.benchmark_group("aligned_nets");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    for net in &NETS {
        let path = dir.join(net.file);
        if !path.is_file() {
            eprintln!(
                "aligned_nets/{}: skipped, {} is missing (run `cargo xtask fetch-models`)",
                net.name,
                path.display()
            );
            continue;
        }
        let faces: Vec<Vec<f32>> = crops.iter().map(|crop| net.input_of(crop)).collect();
        for batch in BATCH_SIZES {
            let values: Vec<f32> = faces
                .iter()
                .cycle()
                .take(batch)
                .flatten()
                .copied()
                .collect();
            let mut shape = vec![batch];
            shape.extend(net.item_shape());
            let input: TValue = Tensor::from_shape(&shape, &values)
                .expect("input shape")
                .into();
            let plan = plan(&path, &net.item_shape(), batch, net.rewrite);
            group.throughput(Throughput::Elements(batch as u64));
            group.bench_with_input(BenchmarkId::new(net.name, batch), &input, |b, input| {
                b.iter(|| plan.run(tvec![input.clone()]).expect("tract run"))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, aligned_nets);
criterion_main!(benches);
