//! SSR-Net age + gender per call at batch 1, 4 and 16 on real face crops (the parity crops of
//! `../shared/parity`, cycled), through the public `Estimator`: preprocessing of every face plus
//! one batched run of each net, gender and age in parallel.
//!
//! Group `ssrnet_nets` (what `cargo xtask bench` sets beside onnxruntime): each net alone through
//! a tract plan optimised for the batch size, and the pair through `SsrNet::run_blob` (age and
//! gender in parallel, as the app runs them), at batch 1, 4 and 16 on a fixed synthetic blob.
//!
//! Run: `cargo bench -p estimate --bench ssrnet` (needs the converted models and `../shared`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use estimate::{Estimator, EstimatorConfig, SsrNet};
use tract_onnx::prelude::*;

/// Batch sizes measured: one face, a small group, a crowd.
const BATCH_SIZES: [usize; 3] = [1, 4, 16];
/// Per-face input of both nets: NHWC 64x64 BGR (docs/models.md).
const ITEM_SHAPE: [usize; 3] = [64, 64, 3];
/// Largest pixel value of the synthetic blob (inputs are 0..255).
const PIXEL_MAX: f32 = 255.0;

/// A deterministic blob of `batch` faces; the cost of these nets does not depend on the values.
fn blob(batch: usize) -> Vec<f32> {
    let len = batch * ITEM_SHAPE.iter().product::<usize>();
    (0..len)
        .map(|i| ((i * 7919) % 256) as f32 / 255.0 * PIXEL_MAX)
        .collect()
}

/// One net through a tract plan optimised for exactly `batch` faces.
fn plan(path: &Path, batch: usize) -> Arc<TypedRunnableModel> {
    let mut shape = vec![batch];
    shape.extend(ITEM_SHAPE);
    tract_onnx::onnx()
        .model_for_path(path)
        .and_then(|m| m.with_input_fact(0, f32::fact(shape).into()))
        .and_then(|m| m.into_optimized())
        .and_then(|m| m.into_runnable())
        .unwrap_or_else(|e| panic!("cannot plan {}: {e:?}", path.display()))
}

fn ssrnet_nets(c: &mut Criterion) {
    common::load_ssrnet(); // fails with the fetch command if the models are missing
    let dir = test_data::models_dir();
    let age = dir.join(estimate::SSRNET_AGE_MODEL);
    let gender = dir.join(estimate::SSRNET_GENDER_MODEL);
    let pair = SsrNet::load(&age, &gender).unwrap_or_else(|e| panic!("{e}"));
    let mut group = c.benchmark_group("ssrnet_nets");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    for batch in BATCH_SIZES {
        let values = blob(batch);
        let mut shape = vec![batch];
        shape.extend(ITEM_SHAPE);
        let input: TValue = Tensor::from_shape(&shape, &values)
            .expect("blob shape")
            .into();
        group.throughput(Throughput::Elements(batch as u64));
        for (net, path) in [("age", &age), ("gender", &gender)] {
            let plan = plan(path, batch);
            group.bench_with_input(BenchmarkId::new(net, batch), &input, |b, input| {
                b.iter(|| plan.run(tvec![input.clone()]).expect("tract run"))
            });
        }
        group.bench_with_input(BenchmarkId::new("pair", batch), &values, |b, values| {
            b.iter(|| pair.run_blob(black_box(values), batch).expect("pair"))
        });
    }
    group.finish();
}

fn ssrnet(c: &mut Criterion) {
    common::load_ssrnet(); // fails with the fetch command if the models are missing
    let estimator = Estimator::from_config(&EstimatorConfig::default(), &test_data::models_dir())
        .unwrap_or_else(|e| panic!("{e}"));
    let crops: Vec<_> = common::fixtures()
        .iter()
        .map(|f| common::read_png_as_bgr(&common::parity_file(&f.crop_png)))
        .collect();
    let mut group = c.benchmark_group("ssrnet_age_gender");
    for batch in BATCH_SIZES {
        let faces: Vec<_> = crops.iter().cycle().take(batch).map(|c| c.view()).collect();
        group.throughput(Throughput::Elements(batch as u64));
        group.bench_with_input(BenchmarkId::new("batch", batch), &faces, |b, faces| {
            b.iter(|| estimator.estimate(black_box(faces)).unwrap());
        });
    }
    group.finish();
}

criterion_group!(benches, ssrnet, ssrnet_nets);
criterion_main!(benches);
