//! Window arithmetic of Caffe convolution and pooling, and how to express Caffe's pooling output
//! sizes with ONNX pooling attributes.
//!
//! Caffe convolutions round output sizes down, like ONNX. Caffe pooling rounds them UP by default
//! (`ceil((in + 2 * pad - kernel) / stride) + 1`) and then drops a last window that would start in
//! the right padding. ONNX `ceil_mode = 1` gives the same count except in that clipped case, where
//! Caffe's count equals the floor count. [`onnx_pool_plan`] picks the ONNX attributes that give
//! exactly Caffe's window positions on every axis.

use super::proto::{ConvolutionParameter, PoolingParameter, ROUND_CEIL, ROUND_FLOOR};

use crate::error::{Result, bail, ensure, invalid};

/// Default convolution / pooling stride in caffe.proto.
const DEFAULT_STRIDE: u32 = 1;

/// A sliding window along one spatial axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AxisWindow {
    /// Kernel extent.
    pub kernel: usize,
    /// Padding added on both sides.
    pub pad: usize,
    /// Step between windows.
    pub stride: usize,
}

/// The windows along height and width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window2d {
    /// Along the height axis.
    pub height: AxisWindow,
    /// Along the width axis.
    pub width: AxisWindow,
}

impl Window2d {
    /// The two axes, height first.
    pub fn axes(&self) -> [AxisWindow; 2] {
        [self.height, self.width]
    }
}

/// One of Caffe's window fields (kernel, pad or stride) of a layer: its repeated (or single)
/// value and its `_h`/`_w` pair.
#[derive(Clone, Copy)]
struct AxisField<'a> {
    repeated: &'a [u32],
    height: Option<u32>,
    width: Option<u32>,
}

impl<'a> AxisField<'a> {
    fn new(repeated: &'a [u32], height: Option<u32>, width: Option<u32>) -> Self {
        AxisField {
            repeated,
            height,
            width,
        }
    }
}

/// The kernel, pad and stride fields of a convolution or pooling layer.
struct WindowFields<'a> {
    kernel: AxisField<'a>,
    pad: AxisField<'a>,
    stride: AxisField<'a>,
}

impl WindowFields<'_> {
    /// The pad and stride per axis (caffe.proto's defaults 0 and 1 where absent).
    fn pad_and_stride(&self) -> Result<([u32; 2], [u32; 2])> {
        Ok((
            per_axis("pad", self.pad, Some(0))?,
            per_axis("stride", self.stride, Some(DEFAULT_STRIDE))?,
        ))
    }

    /// The window the fields describe (the kernel size is required).
    fn window(&self) -> Result<Window2d> {
        let kernel = per_axis("kernel", self.kernel, None)?;
        let (pad, stride) = self.pad_and_stride()?;
        window(kernel, pad, stride)
    }
}

/// Picks one value per axis from Caffe's "repeated, or `_h`/`_w`" fields, as Caffe's layer setup
/// does: the `_h`/`_w` pair (both required) or the repeated field with one or two values.
fn per_axis(what: &str, field: AxisField, default: Option<u32>) -> Result<[u32; 2]> {
    match (field.height, field.width) {
        (Some(h), Some(w)) => {
            ensure!(
                field.repeated.is_empty(),
                "give either `{what}` or `{what}_h`/`{what}_w`, not both"
            );
            Ok([h, w])
        }
        (Some(_), None) | (None, Some(_)) => {
            bail!("`{what}_h` and `{what}_w` must be given together")
        }
        (None, None) => match (field.repeated, default) {
            ([v], _) => Ok([*v, *v]),
            ([h, w], _) => Ok([*h, *w]),
            ([], Some(d)) => Ok([d, d]),
            ([], None) => bail!("`{what}` is missing"),
            (values, _) => bail!(
                "`{what}` has {} values; a 2-D layer takes 1 or 2",
                values.len()
            ),
        },
    }
}

fn window(kernel: [u32; 2], pad: [u32; 2], stride: [u32; 2]) -> Result<Window2d> {
    let axis = |i: usize| -> Result<AxisWindow> {
        ensure!(kernel[i] > 0, "kernel size must be positive");
        ensure!(stride[i] > 0, "stride must be positive");
        Ok(AxisWindow {
            kernel: kernel[i] as usize,
            pad: pad[i] as usize,
            stride: stride[i] as usize,
        })
    };
    Ok(Window2d {
        height: axis(0)?,
        width: axis(1)?,
    })
}

/// The window of a Caffe convolution. Dilation other than 1 is rejected.
pub fn convolution_window(p: &ConvolutionParameter) -> Result<Window2d> {
    ensure!(
        p.dilation.iter().all(|&d| d == 1),
        "dilation {:?} is not supported (only 1)",
        p.dilation
    );
    WindowFields {
        kernel: AxisField::new(&p.kernel_size, p.kernel_h, p.kernel_w),
        pad: AxisField::new(&p.pad, p.pad_h, p.pad_w),
        stride: AxisField::new(&p.stride, p.stride_h, p.stride_w),
    }
    .window()
}

/// Output size of a convolution along one axis (floor rounding, as Caffe and ONNX).
pub fn convolution_output(axis: AxisWindow, input: usize) -> Result<usize> {
    let padded = input + 2 * axis.pad;
    ensure!(
        padded >= axis.kernel,
        "kernel {} is larger than the padded input {padded}",
        axis.kernel
    );
    Ok((padded - axis.kernel) / axis.stride + 1)
}

/// How a pooling layer rounds its output size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Caffe's default: round up, then drop a window starting in the right padding.
    Ceil,
    /// Newer Caffe's `round_mode: FLOOR`.
    Floor,
}

/// The window and rounding of a Caffe pooling layer on an input of `input_hw` (height, width).
pub fn pooling_window(p: &PoolingParameter, input_hw: [usize; 2]) -> Result<(Window2d, Rounding)> {
    let rounding = match p.round_mode.unwrap_or(ROUND_CEIL) {
        ROUND_CEIL => Rounding::Ceil,
        ROUND_FLOOR => Rounding::Floor,
        other => bail!("round_mode {other} is not a Caffe rounding mode"),
    };
    // Pooling gives each field once for both axes, not repeated.
    let (kernel_size, pad, stride) = (p.kernel_size, p.pad, p.stride);
    let fields = WindowFields {
        kernel: AxisField::new(kernel_size.as_slice(), p.kernel_h, p.kernel_w),
        pad: AxisField::new(pad.as_slice(), p.pad_h, p.pad_w),
        stride: AxisField::new(stride.as_slice(), p.stride_h, p.stride_w),
    };
    let window = if p.global_pooling.unwrap_or(false) {
        ensure!(
            kernel_size.is_none() && p.kernel_h.is_none() && p.kernel_w.is_none(),
            "global pooling takes no kernel size"
        );
        let (pad, stride) = fields.pad_and_stride()?;
        ensure!(
            pad == [0, 0] && stride == [1, 1],
            "global pooling needs pad 0 and stride 1"
        );
        let size =
            |v: usize| u32::try_from(v).map_err(|_| invalid(format!("input size {v} too large")));
        window([size(input_hw[0])?, size(input_hw[1])?], pad, stride)?
    } else {
        fields.window()?
    };
    for axis in window.axes() {
        // Caffe's PoolingLayer checks this too: a window could otherwise lie entirely in padding.
        ensure!(
            axis.pad < axis.kernel,
            "pad {} must be smaller than kernel {}",
            axis.pad,
            axis.kernel
        );
    }
    Ok((window, rounding))
}

/// Caffe's pooled output size along one axis (PoolingLayer::Reshape), including the rule that
/// drops a last window starting at or beyond `input + pad`.
pub fn caffe_pooling_output(axis: AxisWindow, input: usize, rounding: Rounding) -> Result<usize> {
    let padded = input + 2 * axis.pad;
    ensure!(
        padded >= axis.kernel,
        "kernel {} is larger than the padded input {padded}",
        axis.kernel
    );
    let span = padded - axis.kernel;
    let mut output = match rounding {
        Rounding::Ceil => span.div_ceil(axis.stride) + 1,
        Rounding::Floor => span / axis.stride + 1,
    };
    if axis.pad > 0 && (output - 1) * axis.stride >= input + axis.pad {
        output -= 1;
    }
    // Every window must start inside the image, or Caffe would pool over nothing.
    ensure!(
        (output - 1) * axis.stride < input + axis.pad,
        "the last window (stride {} > kernel {}) would start beyond the input of size {input}",
        axis.stride,
        axis.kernel
    );
    Ok(output)
}

/// ONNX `MaxPool` / `AveragePool` attributes reproducing Caffe's windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnnxPoolPlan {
    /// ONNX `ceil_mode`.
    pub ceil_mode: bool,
    /// Padding before each axis (height, width).
    pub pads_begin: [usize; 2],
    /// Padding after each axis (height, width).
    pub pads_end: [usize; 2],
}

impl OnnxPoolPlan {
    /// The ONNX `pads` attribute: all begins, then all ends.
    pub fn pads(&self) -> [i64; 4] {
        [
            self.pads_begin[0] as i64,
            self.pads_begin[1] as i64,
            self.pads_end[0] as i64,
            self.pads_end[1] as i64,
        ]
    }
}

/// Chooses ONNX pooling attributes whose output size is `target` on both axes with windows at
/// the same positions as Caffe's (`i * stride - pad`):
/// - `ceil_mode = 1` with symmetric pads when ONNX's ceil formula gives Caffe's count on both axes
///   (Caffe's ordinary ceil rounding);
/// - otherwise `ceil_mode = 0` with symmetric pads when the floor formula does (floor rounding,
///   or Caffe's clipped last window);
/// - otherwise (axes disagree) `ceil_mode = 0` with each ceil axis' end padding widened so the
///   floor formula reaches Caffe's count: padding is ignored by `MaxPool` and not counted by
///   `AveragePool` with `count_include_pad = 0`, so the values are unchanged.
pub fn onnx_pool_plan(
    window: Window2d,
    input_hw: [usize; 2],
    target: [usize; 2],
) -> Result<OnnxPoolPlan> {
    let axes = window.axes();
    let span = |i: usize| input_hw[i] + 2 * axes[i].pad - axes[i].kernel;
    let ceil_count = |i: usize| span(i).div_ceil(axes[i].stride) + 1;
    let floor_count = |i: usize| span(i) / axes[i].stride + 1;
    let pads = [axes[0].pad, axes[1].pad];
    let symmetric = |ceil_mode| OnnxPoolPlan {
        ceil_mode,
        pads_begin: pads,
        pads_end: pads,
    };
    if (0..2).all(|i| ceil_count(i) == target[i]) {
        return Ok(symmetric(true));
    }
    if (0..2).all(|i| floor_count(i) == target[i]) {
        return Ok(symmetric(false));
    }
    let mut pads_end = pads;
    for i in 0..2 {
        if floor_count(i) != target[i] {
            let needed = (target[i] - 1) * axes[i].stride + axes[i].kernel;
            let available = input_hw[i] + axes[i].pad;
            ensure!(
                needed >= available,
                "cannot express {target:?} pooled outputs on axis {i}"
            );
            pads_end[i] = needed - available;
            let count = (available + pads_end[i] - axes[i].kernel) / axes[i].stride + 1;
            ensure!(
                count == target[i],
                "cannot express {target:?} pooled outputs on axis {i}"
            );
        }
    }
    Ok(OnnxPoolPlan {
        ceil_mode: false,
        pads_begin: pads,
        pads_end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(kernel: usize, pad: usize, stride: usize) -> AxisWindow {
        AxisWindow {
            kernel,
            pad,
            stride,
        }
    }

    #[test]
    fn caffe_pooling_rounds_up_and_clips_a_window_starting_in_the_padding() {
        // The Levi-Hassner pools: 56 -> 28 (ceil((56-3)/2)+1 = 28; floor would give 27).
        assert_eq!(
            caffe_pooling_output(axis(3, 0, 2), 56, Rounding::Ceil).unwrap(),
            28
        );
        assert_eq!(
            caffe_pooling_output(axis(3, 0, 2), 56, Rounding::Floor).unwrap(),
            27
        );
        assert_eq!(
            caffe_pooling_output(axis(3, 0, 2), 55, Rounding::Ceil).unwrap(),
            27
        );
        // in 4, kernel 2, pad 1, stride 2: ceil((4+2-2)/2)+1 = 3; last start 2*2-1 = 3 < 4+1 kept.
        assert_eq!(
            caffe_pooling_output(axis(2, 1, 2), 4, Rounding::Ceil).unwrap(),
            3
        );
        // in 5, kernel 2, pad 1, stride 2: ceil(5/2)+1 = 4; last start 3*2 = 6 >= 5+1: clipped to 3.
        assert_eq!(
            caffe_pooling_output(axis(2, 1, 2), 5, Rounding::Ceil).unwrap(),
            3
        );
        // A window that would start beyond the input (stride > kernel, no pad) is an error.
        assert!(caffe_pooling_output(axis(1, 0, 3), 5, Rounding::Ceil).is_err());
    }

    #[test]
    fn plan_uses_ceil_mode_for_ordinary_ceil_rounding() {
        let w = Window2d {
            height: axis(3, 0, 2),
            width: axis(3, 0, 2),
        };
        let plan = onnx_pool_plan(w, [56, 56], [28, 28]).unwrap();
        assert_eq!(
            plan,
            OnnxPoolPlan {
                ceil_mode: true,
                pads_begin: [0, 0],
                pads_end: [0, 0]
            }
        );
    }

    #[test]
    fn plan_uses_floor_mode_for_the_clipped_case() {
        let w = Window2d {
            height: axis(2, 1, 2),
            width: axis(2, 1, 2),
        };
        let plan = onnx_pool_plan(w, [5, 5], [3, 3]).unwrap();
        assert_eq!(
            plan,
            OnnxPoolPlan {
                ceil_mode: false,
                pads_begin: [1, 1],
                pads_end: [1, 1]
            }
        );
    }

    #[test]
    fn plan_widens_end_padding_when_axes_disagree() {
        // Height: kernel 2, pad 1, stride 2 on 5 rows: Caffe clips the last window (floor count 3).
        // Width: kernel 3, pad 1, stride 2 on 6 columns: ceil count 4 (last start 5 < 7), floor 3.
        let w = Window2d {
            height: axis(2, 1, 2),
            width: axis(3, 1, 2),
        };
        let target = [
            caffe_pooling_output(w.height, 5, Rounding::Ceil).unwrap(),
            caffe_pooling_output(w.width, 6, Rounding::Ceil).unwrap(),
        ];
        assert_eq!(target, [3, 4]);
        let plan = onnx_pool_plan(w, [5, 6], target).unwrap();
        assert!(!plan.ceil_mode);
        assert_eq!(plan.pads_begin, [1, 1]);
        // Width windows start at -1, 1, 3, 5 and end at 8 = 1 + 6 + 2: end padding 2.
        assert_eq!(plan.pads_end, [1, 2]);
    }

    #[test]
    fn convolution_window_reads_repeated_and_hw_fields() {
        let mut p = ConvolutionParameter {
            kernel_size: vec![7],
            stride: vec![4],
            ..Default::default()
        };
        let w = convolution_window(&p).unwrap();
        assert_eq!(w.height, axis(7, 0, 4));
        assert_eq!(convolution_output(w.height, 227).unwrap(), 56);
        p.kernel_size = vec![];
        p.kernel_h = Some(3);
        p.kernel_w = Some(5);
        p.pad = vec![1, 2];
        let w = convolution_window(&p).unwrap();
        assert_eq!((w.height, w.width), (axis(3, 1, 4), axis(5, 2, 4)));
        p.kernel_size = vec![3];
        assert!(
            convolution_window(&p).is_err(),
            "kernel_size together with kernel_h/w"
        );
        p.kernel_size = vec![];
        p.kernel_w = None;
        assert!(convolution_window(&p).is_err(), "kernel_h without kernel_w");
        p.kernel_w = Some(5);
        p.dilation = vec![2];
        assert!(convolution_window(&p).is_err(), "dilation");
    }
}
