//! Pooling sizes where Caffe's ceil rounding, its clipping of the last window and ONNX's modes
//! differ, checked against numbers worked out by hand.

use super::fixtures::identity_then;
use super::runner::{assert_close, convert_and_run};

/// 1..=n as floats, row-major.
fn ramp(n: usize) -> Vec<f32> {
    (1..=n).map(|v| v as f32).collect()
}

#[test]
fn max_pool_rounds_up_like_caffe() {
    // 3x3 input 1..9, kernel 2, stride 2: Caffe gives 2x2 (ceil), floor rounding would give 1x1.
    let (text, model) = identity_then(
        [1, 1, 3, 3],
        "layer { name: 'pool' type: 'Pooling' bottom: 'id' top: 'pool' pooling_param { pool: MAX kernel_size: 2 stride: 2 } }",
    );
    let (shape, output) = convert_and_run(&text, &model, &[1, 1, 3, 3], &ramp(9));
    assert_eq!(shape, vec![1, 1, 2, 2]);
    assert_eq!(output, vec![5.0, 6.0, 8.0, 9.0]);
}

#[test]
fn floor_round_mode_is_honoured() {
    let (text, model) = identity_then(
        [1, 1, 3, 3],
        "layer { name: 'pool' type: 'Pooling' bottom: 'id' top: 'pool' pooling_param { pool: MAX kernel_size: 2 stride: 2 round_mode: FLOOR } }",
    );
    let (shape, output) = convert_and_run(&text, &model, &[1, 1, 3, 3], &ramp(9));
    assert_eq!(shape, vec![1, 1, 1, 1]);
    assert_eq!(output, vec![5.0]);
}

#[test]
fn average_pool_divides_by_the_window_clipped_to_the_input() {
    // 3x3 input 1..9, kernel 2, stride 2, no pad: windows {1,2,4,5}, {3,6}, {7,8}, {9}.
    let (text, model) = identity_then(
        [1, 1, 3, 3],
        "layer { name: 'pool' type: 'Pooling' bottom: 'id' top: 'pool' pooling_param { pool: AVE kernel_size: 2 stride: 2 } }",
    );
    let (shape, output) = convert_and_run(&text, &model, &[1, 1, 3, 3], &ramp(9));
    assert_eq!(shape, vec![1, 1, 2, 2]);
    assert_close(&output, &[3.0, 4.5, 7.5, 9.0], 1e-6);
}

#[test]
fn average_pool_counts_padding_like_caffe() {
    // 3x3 input 1..9, kernel 3, stride 2, pad 1: 2x2 windows of 9 cells (padding included in the
    // divisor), holding {1,2,4,5}, {2,3,5,6}, {4,5,7,8}, {5,6,8,9}.
    let (text, model) = identity_then(
        [1, 1, 3, 3],
        "layer { name: 'pool' type: 'Pooling' bottom: 'id' top: 'pool' pooling_param { pool: AVE kernel_size: 3 stride: 2 pad: 1 } }",
    );
    let (shape, output) = convert_and_run(&text, &model, &[1, 1, 3, 3], &ramp(9));
    assert_eq!(shape, vec![1, 1, 2, 2]);
    assert_close(
        &output,
        &[12.0 / 9.0, 16.0 / 9.0, 24.0 / 9.0, 28.0 / 9.0],
        1e-6,
    );
}

#[test]
fn max_pool_drops_a_last_window_starting_in_the_padding() {
    // 5x5 input 1..25, kernel 2, stride 2, pad 1: ceil gives 4, but the 4th window would start at
    // 6 >= 5 + 1, so Caffe keeps 3: rows {0}, {1,2}, {3,4} and the same columns.
    let (text, model) = identity_then(
        [1, 1, 5, 5],
        "layer { name: 'pool' type: 'Pooling' bottom: 'id' top: 'pool' pooling_param { pool: MAX kernel_size: 2 stride: 2 pad: 1 } }",
    );
    let (shape, output) = convert_and_run(&text, &model, &[1, 1, 5, 5], &ramp(25));
    assert_eq!(shape, vec![1, 1, 3, 3]);
    assert_eq!(
        output,
        vec![1.0, 3.0, 5.0, 11.0, 13.0, 15.0, 21.0, 23.0, 25.0]
    );
}

#[test]
fn average_pool_in_the_clipped_case_counts_only_the_padding_inside_the_window() {
    // Same geometry as above with AVE: every window covers 2x2 cells of the padded input (the
    // first row/column of padding counts), e.g. the top-left holds {1} / 4.
    let (text, model) = identity_then(
        [1, 1, 5, 5],
        "layer { name: 'pool' type: 'Pooling' bottom: 'id' top: 'pool' pooling_param { pool: AVE kernel_size: 2 stride: 2 pad: 1 } }",
    );
    let (shape, output) = convert_and_run(&text, &model, &[1, 1, 5, 5], &ramp(25));
    assert_eq!(shape, vec![1, 1, 3, 3]);
    let expected = [
        1.0 / 4.0,
        (2.0 + 3.0) / 4.0,
        (4.0 + 5.0) / 4.0,
        (6.0 + 11.0) / 4.0,
        (7.0 + 8.0 + 12.0 + 13.0) / 4.0,
        (9.0 + 10.0 + 14.0 + 15.0) / 4.0,
        (16.0 + 21.0) / 4.0,
        (17.0 + 18.0 + 22.0 + 23.0) / 4.0,
        (19.0 + 20.0 + 24.0 + 25.0) / 4.0,
    ];
    assert_close(&output, &expected, 1e-6);
}

#[test]
fn max_pool_with_one_ceil_axis_and_one_clipped_axis() {
    // Height 5 with kernel 2 / pad 1 / stride 2 is clipped to 3 windows (rows {0}, {1,2}, {3,4});
    // width 6 with kernel 3 / pad 1 / stride 2 rounds up to 4 (columns {0,1}, {1,2,3}, {3,4,5}, {5}).
    let (text, model) = identity_then(
        [1, 1, 5, 6],
        "layer { name: 'pool' type: 'Pooling' bottom: 'id' top: 'pool' pooling_param { pool: MAX kernel_h: 2 kernel_w: 3 stride: 2 pad: 1 } }",
    );
    let input: Vec<f32> = ramp(30);
    let (shape, output) = convert_and_run(&text, &model, &[1, 1, 5, 6], &input);
    assert_eq!(shape, vec![1, 1, 3, 4]);
    // Maximum of a window = value at its last row and last column: rows 0, 2, 4; columns 1, 3, 5, 5.
    let at = |r: usize, c: usize| input[r * 6 + c];
    let expected: Vec<f32> = [0, 2, 4]
        .iter()
        .flat_map(|&r| [1, 3, 5, 5].map(|c| at(r, c)))
        .collect();
    assert_eq!(output, expected);
}
