//! Per-face latency of the Levi-Hassner pair (age + gender nets): tract running the converted
//! ONNX nets in parallel (what `CaffeNets` does) against OpenCV DNN running the original Caffe
//! files one after the other (what the original program did), on the same preprocessed face.
//!
//! `cargo bench -p estimate --bench caffe` (needs `cargo xtask fetch-models --mirror
//! ../shared/mirror` and `../shared`). Also measured, to explain the numbers: each tract net
//! alone, the tract pair one after the other, and a batch of 6 faces per call for both engines.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use estimate::caffe::{CAFFE_INPUT_SIZE, CAFFE_MEAN_BGR, caffe_blob};
use estimate::{BgrImage, CaffeNets};
use opencv::core::{CV_32F, Mat, Scalar, Size, Vector};
use opencv::dnn;
use opencv::prelude::*;
use tract_onnx::prelude::*;

/// The face measured (one of the parity crops; any 8-bit BGR crop takes the same time).
const FACE: &str = "parity/extra_astronaut_face_crop.png";
/// Faces per call in the batched variants.
const BATCH: usize = 6;

fn shared_dir() -> PathBuf {
    test_data::shared_dir()
}

fn model(file: &str) -> PathBuf {
    test_data::model(file)
}

fn read_face() -> Mat {
    let path = shared_dir().join(FACE);
    let mat = opencv::imgcodecs::imread(
        path.to_str().expect("UTF-8 path"),
        opencv::imgcodecs::IMREAD_COLOR,
    )
    .expect("imread");
    assert!(!mat.empty(), "cannot read {}", path.display());
    mat
}

/// Our blob of `n` copies of the face, `[n, 3, 227, 227]`.
fn tract_blob(face: &Mat, n: usize) -> Vec<f32> {
    let size = face.size().expect("size");
    let view = BgrImage::new(
        size.width as usize,
        size.height as usize,
        face.step1(0).expect("step"),
        face.data_bytes().expect("data"),
    )
    .expect("BGR view");
    caffe_blob(&vec![view; n]).expect("blob")
}

/// OpenCV's `blobFromImages` of `n` copies of the face, as the original program built it.
fn opencv_blob(face: &Mat, n: usize) -> Mat {
    let images: Vector<Mat> = std::iter::repeat_n(face.clone(), n).collect();
    let side = CAFFE_INPUT_SIZE as i32;
    let [b, g, r] = CAFFE_MEAN_BGR;
    dnn::blob_from_images(
        &images,
        1.0,
        Size::new(side, side),
        Scalar::new(b, g, r, 0.0),
        false,
        false,
        CV_32F,
    )
    .expect("blobFromImages")
}

fn opencv_net(prototxt: &str, caffemodel: &str) -> dnn::Net {
    let mirror = shared_dir().join("mirror");
    dnn::read_net_from_caffe(
        mirror.join(prototxt).to_str().expect("UTF-8 path"),
        mirror.join(caffemodel).to_str().expect("UTF-8 path"),
    )
    .expect("readNetFromCaffe")
}

fn opencv_forward(net: &mut dnn::Net, blob: &Mat) -> Mat {
    net.set_input(blob, "", 1.0, Scalar::default())
        .expect("setInput");
    net.forward_single("").expect("forward")
}

/// One converted net loaded directly in tract with a fixed batch, for the per-net variants.
fn tract_single(path: &Path, n: usize) -> Arc<TypedRunnableModel> {
    let side = CAFFE_INPUT_SIZE;
    tract_onnx::onnx()
        .model_for_path(path)
        .and_then(|m| m.with_input_fact(0, f32::fact([n, 3, side, side]).into()))
        .and_then(|m| m.into_optimized())
        .and_then(|m| m.into_runnable())
        .expect("tract plan")
}

fn bench_pair(c: &mut Criterion) {
    let face = read_face();
    let age_path = model(estimate::CAFFE_AGE_MODEL);
    let gender_path = model(estimate::CAFFE_GENDER_MODEL);
    let nets = CaffeNets::load(&age_path, &gender_path).expect("load converted nets");
    let mut age_cv = opencv_net("deploy_age.prototxt", "age_net.caffemodel");
    let mut gender_cv = opencv_net("deploy_gender.prototxt", "gender_net.caffemodel");
    eprintln!(
        "OpenCV {} with {} threads; rayon {} threads",
        opencv::core::get_version_string().unwrap_or_default(),
        opencv::core::get_num_threads().unwrap_or(-1),
        rayon::current_num_threads()
    );

    let mut group = c.benchmark_group("caffe_pair");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(12))
        .warm_up_time(Duration::from_secs(3));
    for n in [1, BATCH] {
        let ours = tract_blob(&face, n);
        let theirs = opencv_blob(&face, n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("tract_parallel", n), &n, |b, &n| {
            b.iter(|| nets.run_blob(&ours, n).expect("tract"))
        });
        group.bench_with_input(BenchmarkId::new("opencv_sequential", n), &n, |b, _| {
            b.iter(|| {
                (
                    opencv_forward(&mut age_cv, &theirs),
                    opencv_forward(&mut gender_cv, &theirs),
                )
            })
        });
    }
    group.finish();

    // Breakdown: each tract net alone, and both one after the other, on one face.
    let age = tract_single(&age_path, 1);
    let gender = tract_single(&gender_path, 1);
    let input: TValue = Tensor::from_shape(
        &[1, 3, CAFFE_INPUT_SIZE, CAFFE_INPUT_SIZE],
        &tract_blob(&face, 1),
    )
    .expect("tensor")
    .into();
    let mut group = c.benchmark_group("caffe_tract_breakdown");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(2));
    group.bench_function("age_net", |b| {
        b.iter(|| age.run(tvec![input.clone()]).expect("age"))
    });
    group.bench_function("gender_net", |b| {
        b.iter(|| gender.run(tvec![input.clone()]).expect("gender"))
    });
    group.bench_function("pair_sequential", |b| {
        b.iter(|| {
            (
                age.run(tvec![input.clone()]).expect("age"),
                gender.run(tvec![input.clone()]).expect("gender"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench_pair);
criterion_main!(benches);
