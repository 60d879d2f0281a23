//! Typed boxes and sizes: [`FaceBox`] (the original program's `[x1, y1, x2, y2]`), [`ImageSize`]
//! and [`CropRect`].

/// A face box as the original program stores it: `[x1, y1, x2, y2]`, with `x2 = x + w` and
/// `y2 = y + h` for a detector box `(x, y, w, h)`. The original treats both corners as inside the
/// face (its crop takes rows `y1..=y2`), hence "inclusive corners".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FaceBox {
    /// Left edge.
    pub x1: i32,
    /// Top edge.
    pub y1: i32,
    /// Right edge (`x + w` of the detector box).
    pub x2: i32,
    /// Bottom edge (`y + h` of the detector box).
    pub y2: i32,
}

impl FaceBox {
    /// A box from its corners.
    pub const fn new(x1: i32, y1: i32, x2: i32, y2: i32) -> Self {
        Self { x1, y1, x2, y2 }
    }

    /// A box from a detector's `(x, y, w, h)`, as the original's Haar branch: `x2 = x + w`,
    /// `y2 = y + h` (saturating, so absurd values cannot overflow).
    pub const fn from_xywh(x: i32, y: i32, width: i32, height: i32) -> Self {
        Self {
            x1: x,
            y1: y,
            x2: x.saturating_add(width),
            y2: y.saturating_add(height),
        }
    }

    /// `x2 - x1` (the detector's `w`).
    pub const fn width(&self) -> i32 {
        self.x2.saturating_sub(self.x1)
    }

    /// `y2 - y1` (the detector's `h`).
    pub const fn height(&self) -> i32 {
        self.y2.saturating_sub(self.y1)
    }

    /// Intersection over union, treating the box as the continuous rectangle
    /// `[x1, x2] x [y1, y2]` (area `width * height`, the detector's `w * h`). 0 when either box
    /// is empty or they do not overlap.
    pub fn iou(&self, other: &FaceBox) -> f64 {
        let area = |b: &FaceBox| f64::from(b.width().max(0)) * f64::from(b.height().max(0));
        let inter_w = f64::from(self.x2.min(other.x2)) - f64::from(self.x1.max(other.x1));
        let inter_h = f64::from(self.y2.min(other.y2)) - f64::from(self.y1.max(other.y1));
        if inter_w <= 0.0 || inter_h <= 0.0 {
            return 0.0;
        }
        let intersection = inter_w * inter_h;
        let union = area(self) + area(other) - intersection;
        if union <= 0.0 {
            0.0
        } else {
            intersection / union
        }
    }
}

/// The size of a frame in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImageSize {
    /// Width in pixels.
    pub width: i32,
    /// Height in pixels.
    pub height: i32,
}

impl ImageSize {
    /// A size from width and height in pixels.
    pub const fn new(width: i32, height: i32) -> Self {
        Self { width, height }
    }
}

/// A non-empty pixel rectangle of a frame to cut a face from: columns `x .. x + width`, rows
/// `y .. y + height` (exclusive ends, like an OpenCV `Rect` and a Python slice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CropRect {
    /// First column.
    pub x: i32,
    /// First row.
    pub y: i32,
    /// Number of columns (at least 1).
    pub width: i32,
    /// Number of rows (at least 1).
    pub height: i32,
}

impl CropRect {
    /// The rectangle as an OpenCV `Rect`, e.g. for `Mat::roi`.
    pub fn to_cv_rect(&self) -> opencv::core::Rect {
        opencv::core::Rect::new(self.x, self.y, self.width, self.height)
    }
}
