//! [`BgrConverter`]: decoded FFmpeg frames of any pixel format to fresh BGR 8-bit `Mat`s with
//! swscale, following the stream when its frame size or pixel format changes mid-way.

use ffmpeg_next as ffmpeg;
use ffmpeg_next::format::Pixel;
use ffmpeg_next::software::scaling;
use opencv::core::{CV_8UC3, Mat};
use opencv::prelude::*;

use face::ImageSize;

/// Bytes per pixel of BGR 8-bit.
const BGR_BYTES_PER_PIXEL: i32 = 3;
/// Plain colour conversion, no resizing: bilinear is what swscale's unscaled fast paths take
/// and costs least where it does interpolate (chroma).
const SCALER_FLAGS: scaling::Flags = scaling::Flags::BILINEAR;

/// What a scaler was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    size: ImageSize,
    format: Pixel,
}

/// Converts decoded frames to BGR 8-bit, re-creating its scaler when the layout changes.
pub(crate) struct BgrConverter {
    scaler: Option<(Layout, scaling::Context)>,
}

/// Why a frame could not be converted (the reader skips it and counts it lost).
#[derive(Debug)]
pub(crate) enum ConvertError {
    /// swscale cannot convert this layout.
    Scaler(ffmpeg::Error),
    /// OpenCV could not allocate the image.
    Allocate(opencv::Error),
    /// The frame has no usable size.
    Size(ImageSize),
}

impl std::fmt::Display for ConvertError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Scaler(cause) => write!(f, "swscale cannot convert it to BGR: {cause}"),
            Self::Allocate(cause) => write!(f, "cannot allocate its BGR image: {cause}"),
            Self::Size(size) => write!(f, "it has no usable size ({size})"),
        }
    }
}

impl BgrConverter {
    /// A converter without a scaler yet (made for the first frame).
    pub(crate) fn new() -> Self {
        Self { scaler: None }
    }

    /// The decoded size of `frame`.
    pub(crate) fn size_of(frame: &ffmpeg::frame::Video) -> ImageSize {
        let side = |v: u32| i32::try_from(v).unwrap_or(0);
        ImageSize::new(side(frame.width()), side(frame.height()))
    }

    /// `frame` as a fresh BGR 8-bit `Mat` of its own size.
    pub(crate) fn convert(&mut self, frame: &ffmpeg::frame::Video) -> Result<Mat, ConvertError> {
        let layout = Layout {
            size: Self::size_of(frame),
            format: frame.format(),
        };
        if !layout.size.is_positive() {
            return Err(ConvertError::Size(layout.size));
        }
        let scaler = match &mut self.scaler {
            Some((made_for, scaler)) if *made_for == layout => scaler,
            slot => {
                let (width, height) = (frame.width(), frame.height());
                let scaler = scaling::Context::get(
                    layout.format,
                    width,
                    height,
                    Pixel::BGR24,
                    width,
                    height,
                    SCALER_FLAGS,
                )
                .map_err(ConvertError::Scaler)?;
                &mut slot.insert((layout, scaler)).1
            }
        };
        // SAFETY: the Mat is written in full by sws_scale below before anyone reads it.
        let mut image =
            unsafe { Mat::new_rows_cols(layout.size.height, layout.size.width, CV_8UC3) }
                .map_err(ConvertError::Allocate)?;
        let destination = [
            image.data_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        ];
        // A freshly allocated Mat is continuous: one row is `width` pixels.
        let stride = [layout.size.width * BGR_BYTES_PER_PIXEL, 0, 0, 0];
        // SAFETY: the scaler was made for this frame's size and format; the source planes and
        // strides are the frame's own, the destination is a BGR24 buffer of `height` rows of
        // `stride` bytes owned by `image`.
        let rows = unsafe {
            let source = frame.as_ptr();
            ffmpeg::ffi::sws_scale(
                scaler.as_mut_ptr(),
                (*source).data.as_ptr().cast(),
                (*source).linesize.as_ptr(),
                0,
                layout.size.height,
                destination.as_ptr(),
                stride.as_ptr(),
            )
        };
        if rows < 0 {
            return Err(ConvertError::Scaler(ffmpeg::Error::from(rows)));
        }
        if rows != layout.size.height {
            // Rows left unwritten would hand out uninitialised pixels.
            return Err(ConvertError::Scaler(ffmpeg::Error::Bug));
        }
        Ok(image)
    }
}
