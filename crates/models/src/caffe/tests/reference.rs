//! A direct re-implementation of Caffe's CPU forward loops (convolution, pooling, LRN, inner
//! product, softmax) on one `C x H x W` sample: the oracle the converted graphs are checked against.

/// A `C x H x W` feature map.
#[derive(Debug, Clone)]
pub struct Map {
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub data: Vec<f32>,
}

impl Map {
    pub fn at(&self, c: usize, y: usize, x: usize) -> f32 {
        self.data[(c * self.h + y) * self.w + x]
    }
}

/// Spatial parameters of a window, per axis (height, width).
#[derive(Debug, Clone, Copy)]
pub struct Win {
    pub kernel: [usize; 2],
    pub pad: [usize; 2],
    pub stride: [usize; 2],
}

/// Caffe convolution: weights `[out, in / group, kh, kw]`, output size floor-rounded.
pub fn convolution(
    input: &Map,
    weights: &[f32],
    bias: Option<&[f32]>,
    outputs: usize,
    group: usize,
    win: Win,
) -> Map {
    let oh = (input.h + 2 * win.pad[0] - win.kernel[0]) / win.stride[0] + 1;
    let ow = (input.w + 2 * win.pad[1] - win.kernel[1]) / win.stride[1] + 1;
    let in_per_group = input.c / group;
    let out_per_group = outputs / group;
    let mut data = vec![0.0f32; outputs * oh * ow];
    for o in 0..outputs {
        let g = o / out_per_group;
        for y in 0..oh {
            for x in 0..ow {
                let mut sum = bias.map_or(0.0, |b| b[o]);
                for ci in 0..in_per_group {
                    let c = g * in_per_group + ci;
                    for ky in 0..win.kernel[0] {
                        for kx in 0..win.kernel[1] {
                            let iy = (y * win.stride[0] + ky) as isize - win.pad[0] as isize;
                            let ix = (x * win.stride[1] + kx) as isize - win.pad[1] as isize;
                            if iy >= 0
                                && ix >= 0
                                && (iy as usize) < input.h
                                && (ix as usize) < input.w
                            {
                                let wi = ((o * in_per_group + ci) * win.kernel[0] + ky)
                                    * win.kernel[1]
                                    + kx;
                                sum += weights[wi] * input.at(c, iy as usize, ix as usize);
                            }
                        }
                    }
                }
                data[(o * oh + y) * ow + x] = sum;
            }
        }
    }
    Map {
        c: outputs,
        h: oh,
        w: ow,
        data,
    }
}

pub fn relu(input: &Map, slope: f32) -> Map {
    let data = input
        .data
        .iter()
        .map(|&v| if v > 0.0 { v } else { v * slope })
        .collect();
    Map {
        data,
        ..input.clone()
    }
}

/// Caffe's pooled size: ceil rounding, then drop a window starting in the right padding.
fn pooled(size: usize, kernel: usize, pad: usize, stride: usize) -> usize {
    let mut out = ((size + 2 * pad - kernel) as f64 / stride as f64).ceil() as usize + 1;
    if pad > 0 && (out - 1) * stride >= size + pad {
        out -= 1;
    }
    out
}

/// Caffe's `PoolingLayer::Forward_cpu` for MAX (`average == false`) and AVE.
pub fn pooling(input: &Map, win: Win, average: bool) -> Map {
    let ph = pooled(input.h, win.kernel[0], win.pad[0], win.stride[0]);
    let pw = pooled(input.w, win.kernel[1], win.pad[1], win.stride[1]);
    let mut data = Vec::with_capacity(input.c * ph * pw);
    for c in 0..input.c {
        for py in 0..ph {
            for px in 0..pw {
                let mut hstart = (py * win.stride[0]) as isize - win.pad[0] as isize;
                let mut wstart = (px * win.stride[1]) as isize - win.pad[1] as isize;
                let value = if average {
                    let mut hend =
                        (hstart + win.kernel[0] as isize).min((input.h + win.pad[0]) as isize);
                    let mut wend =
                        (wstart + win.kernel[1] as isize).min((input.w + win.pad[1]) as isize);
                    let pool_size = ((hend - hstart) * (wend - wstart)) as f32;
                    hstart = hstart.max(0);
                    wstart = wstart.max(0);
                    hend = hend.min(input.h as isize);
                    wend = wend.min(input.w as isize);
                    let mut sum = 0.0;
                    for y in hstart..hend {
                        for x in wstart..wend {
                            sum += input.at(c, y as usize, x as usize);
                        }
                    }
                    sum / pool_size
                } else {
                    let hend = (hstart + win.kernel[0] as isize).min(input.h as isize);
                    let wend = (wstart + win.kernel[1] as isize).min(input.w as isize);
                    hstart = hstart.max(0);
                    wstart = wstart.max(0);
                    let mut max = f32::MIN;
                    for y in hstart..hend {
                        for x in wstart..wend {
                            max = max.max(input.at(c, y as usize, x as usize));
                        }
                    }
                    max
                };
                data.push(value);
            }
        }
    }
    Map {
        c: input.c,
        h: ph,
        w: pw,
        data,
    }
}

/// Caffe's across-channel LRN: `x / (k + alpha / n * sum(x^2))^beta` over `n` channels.
pub fn lrn(input: &Map, size: usize, alpha: f32, beta: f32, k: f32) -> Map {
    let pre = (size - 1) / 2;
    let mut data = Vec::with_capacity(input.data.len());
    for c in 0..input.c {
        for y in 0..input.h {
            for x in 0..input.w {
                let lo = c.saturating_sub(pre);
                let hi = (c + size - pre).min(input.c);
                let sum: f32 = (lo..hi).map(|cc| input.at(cc, y, x).powi(2)).sum();
                data.push(input.at(c, y, x) * (k + alpha / size as f32 * sum).powf(-beta));
            }
        }
    }
    Map {
        data,
        ..input.clone()
    }
}

/// Inner product with weights `[outputs, K]` on the flattened input.
pub fn inner_product(
    input: &[f32],
    weights: &[f32],
    bias: Option<&[f32]>,
    outputs: usize,
) -> Vec<f32> {
    let k = input.len();
    (0..outputs)
        .map(|o| {
            bias.map_or(0.0, |b| b[o]) + (0..k).map(|i| weights[o * k + i] * input[i]).sum::<f32>()
        })
        .collect()
}

pub fn softmax(input: &[f32]) -> Vec<f32> {
    let max = input.iter().copied().fold(f32::MIN, f32::max);
    let exps: Vec<f32> = input.iter().map(|v| (v - max).exp()).collect();
    let total: f32 = exps.iter().sum();
    exps.iter().map(|e| e / total).collect()
}
