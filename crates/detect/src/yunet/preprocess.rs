//! Conversion of a BGR 8-bit frame into YuNet's input tensor: planar `[1, 3, H, W]` `f32`,
//! B, G, R planes, raw 0..255 values (no mean, no scaling: what `cv::dnn::blobFromImage(image)`
//! produces), the frame in the top-left corner and zeros in the right/bottom padding.

use face::BGR_CHANNELS;

use super::input_size::InputSize;

/// Writes row `y` of the frame (`pixels`: B, G, R, B, G, R, ... bytes) into the planar tensor data `tensor` of the padded
/// input `input`. Pixels or rows outside the input are ignored (the caller sizes the input from
/// the frame, so this only guards against misuse; it never panics).
///
/// The padding is not touched: it is zeroed once when the tensor is created and no frame ever
/// writes there, because every frame sent to one tensor has the same size.
pub fn write_row(tensor: &mut [f32], input: InputSize, y: usize, pixels: &[u8]) {
    let plane = input.width * input.height;
    if y >= input.height || tensor.len() < 3 * plane {
        return;
    }
    let (blue, rest) = tensor.split_at_mut(plane);
    let (green, red) = rest.split_at_mut(plane);
    let start = y * input.width;
    let end = start + (pixels.len() / BGR_CHANNELS).min(input.width);
    let destinations = blue[start..end]
        .iter_mut()
        .zip(&mut green[start..end])
        .zip(&mut red[start..end]);
    for (((b, g), r), pixel) in destinations.zip(pixels.chunks_exact(BGR_CHANNELS)) {
        *b = f32::from(pixel[0]);
        *g = f32::from(pixel[1]);
        *r = f32::from(pixel[2]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_land_in_their_planes_and_the_padding_stays_zero() {
        let input = InputSize::padded_for(2, 1);
        let mut tensor = vec![0.0; input.tensor_shape().iter().product()];
        let row = [1, 2, 3, 250, 128, 0];
        write_row(&mut tensor, input, 0, &row);
        let plane = 32 * 32;
        assert_eq!(&tensor[0..3], &[1.0, 250.0, 0.0]);
        assert_eq!(&tensor[plane..plane + 3], &[2.0, 128.0, 0.0]);
        assert_eq!(&tensor[2 * plane..2 * plane + 3], &[3.0, 0.0, 0.0]);
        let non_zero = tensor.iter().filter(|&&v| v != 0.0).count();
        assert_eq!(non_zero, 5);
    }

    #[test]
    fn rows_and_pixels_outside_the_input_are_ignored() {
        let input = InputSize::padded_for(32, 32);
        let mut tensor = vec![0.0; input.tensor_shape().iter().product()];
        write_row(&mut tensor, input, 32, &[9, 9, 9]);
        let too_long = vec![7; 40 * BGR_CHANNELS];
        write_row(&mut tensor, input, 31, &too_long);
        let non_zero = tensor.iter().filter(|&&v| v != 0.0).count();
        assert_eq!(non_zero, 3 * 32);
    }
}
