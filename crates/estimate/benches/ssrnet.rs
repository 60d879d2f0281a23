//! SSR-Net age + gender per call at batch 1, 4 and 16 on real face crops (the parity crops of
//! `../shared/parity`, cycled), through the public `Estimator`: preprocessing of every face plus
//! one batched run of each net, gender and age in parallel.
//!
//! Run: `cargo bench -p estimate --bench ssrnet` (needs the converted models and `../shared`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use estimate::{Estimator, EstimatorConfig, default_models_dir};

/// Batch sizes measured (issue #2).
const BATCH_SIZES: [usize; 3] = [1, 4, 16];

fn ssrnet(c: &mut Criterion) {
    common::load_ssrnet(); // fails with the fetch command if the models are missing
    let estimator = Estimator::from_config(&EstimatorConfig::default(), &default_models_dir())
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

criterion_group!(benches, ssrnet);
criterion_main!(benches);
