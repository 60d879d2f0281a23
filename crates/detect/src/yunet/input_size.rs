//! The network input size for a frame: the frame padded right and bottom to a multiple of 32.

/// YuNet's coarsest feature stride. The network upsamples its stride-32 map twice by 2 and adds
/// it to the stride-16 and stride-8 maps, so width and height must be multiples of it (OpenCV's
/// `FaceDetectorYN` pads with the same divisor).
pub const INPUT_DIVISOR: usize = 32;

/// The three feature strides of YuNet's heads, in the order of its outputs (`*_8`, `*_16`, `*_32`).
pub const STRIDES: [usize; 3] = [8, 16, 32];

/// Width and height (pixels) of the tensor fed to the network: a frame padded with zeros on the
/// right and bottom up to the next multiple of [`INPUT_DIVISOR`], so frame coordinates and network
/// coordinates are the same (no scaling, no offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InputSize {
    /// Padded width in pixels, a multiple of [`INPUT_DIVISOR`].
    pub width: usize,
    /// Padded height in pixels, a multiple of [`INPUT_DIVISOR`].
    pub height: usize,
}

impl InputSize {
    /// The padded input size for a frame of `frame_width` x `frame_height` pixels, as OpenCV's
    /// `FaceDetectorYN` computes it: `((n - 1) / 32 + 1) * 32`. A zero side stays zero.
    pub fn padded_for(frame_width: usize, frame_height: usize) -> Self {
        Self {
            width: frame_width.div_ceil(INPUT_DIVISOR) * INPUT_DIVISOR,
            height: frame_height.div_ceil(INPUT_DIVISOR) * INPUT_DIVISOR,
        }
    }

    /// Number of anchor points (grid cells) of the head with the given stride.
    pub fn cells(&self, stride: usize) -> usize {
        self.columns(stride) * (self.height / stride)
    }

    /// Number of grid columns of the head with the given stride.
    pub fn columns(&self, stride: usize) -> usize {
        self.width / stride
    }

    /// Shape of the planar BGR input tensor: `[1, 3, height, width]`.
    pub fn tensor_shape(&self) -> [usize; 4] {
        [1, 3, self.height, self.width]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processing_frame_of_input1_pads_to_544_by_320() {
        assert_eq!(
            InputSize::padded_for(539, 302),
            InputSize {
                width: 544,
                height: 320
            }
        );
    }

    #[test]
    fn multiples_of_32_are_kept_and_others_round_up() {
        assert_eq!(
            InputSize::padded_for(640, 641),
            InputSize {
                width: 640,
                height: 672
            }
        );
        assert_eq!(
            InputSize::padded_for(1, 0),
            InputSize {
                width: 32,
                height: 0
            }
        );
    }

    #[test]
    fn cell_counts_match_the_heads_of_a_640_input() {
        let size = InputSize::padded_for(640, 640);
        let cells: Vec<usize> = STRIDES.iter().map(|&s| size.cells(s)).collect();
        // The ONNX file declares 6400, 1600 and 400 rows for cls_8, cls_16 and cls_32.
        assert_eq!(cells, vec![6400, 1600, 400]);
    }
}
