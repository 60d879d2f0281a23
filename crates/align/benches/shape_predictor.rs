//! Time of one 5-point shape prediction (one face), dlib's model on a textured 640x480 frame.
//!
//! `cargo bench -p align --bench shape_predictor` (needs the model in `models/`, `$AGENDER_MODELS`
//! or `${AGENDER_SHARED:-../shared}/mirror`).

use std::hint::black_box;

use align::ShapePredictor;
use criterion::{Criterion, criterion_group, criterion_main};
use face::{BgrImage, FaceBox};

/// File name of dlib's 5-point model.
const MODEL_FILE: &str = "shape_predictor_5_face_landmarks.dat";
/// Frame size of the benchmark image (a VGA frame).
const WIDTH: usize = 640;
const HEIGHT: usize = 480;
fn bench(c: &mut Criterion) {
    let predictor =
        ShapePredictor::load(&test_data::model_or_mirror(MODEL_FILE)).expect("model loads");
    // A texture so that the trees take varied branches (a flat image takes the same every time).
    let pixels: Vec<u8> = (0..WIDTH * HEIGHT * 3)
        .map(|i| ((i * 37 + (i / (WIDTH * 3)) * 11) % 251) as u8)
        .collect();
    let image = BgrImage::packed(WIDTH, HEIGHT, &pixels).expect("valid image");
    let rect = FaceBox::new(220, 140, 419, 339);
    c.bench_function("shape_predictor_5_points_one_face", |b| {
        b.iter(|| predictor.predict(black_box(&image), black_box(&rect)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
