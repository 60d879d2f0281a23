//! [`EncoderChoice`]: which FFmpeg encoder writes a [`Codec`], in which pixel format and with
//! which settings.

use ffmpeg_next as ffmpeg;
use ffmpeg_next::format::Pixel;
use ffmpeg_next::util::color;
use ffmpeg_next::{Dictionary, codec, encoder};

use crate::codec::Codec;
use crate::h264::H264Settings;

/// FFmpeg's name of the libx264 encoder.
const X264_ENCODER: &str = "libx264";
/// Quantiser of the MPEG-4 Part 2 and Motion JPEG encoders (1 best to 31 worst); 3 is visually
/// close to the source. Without it they aim at FFmpeg's default 200 kbit/s, blurring HD frames.
const MPEG_QSCALE: i32 = 3;
/// FFmpeg's `FF_QP2LAMBDA`: a quantiser in the units of `global_quality`.
const QP_TO_LAMBDA: i32 = 118;

/// An FFmpeg encoder for one [`Codec`], ready to be set up.
pub(crate) struct EncoderChoice {
    /// The encoder.
    pub(crate) encoder: ffmpeg::Codec,
    /// The pixel format it encodes (frames are converted from BGR to it).
    pub(crate) pixels: Pixel,
    /// The quantiser to encode at, for encoders that take one (`None`: the encoder's default
    /// rate control, or the options).
    pub(crate) qscale: Option<i32>,
    /// Private options of the encoder (x264's preset, CRF and tuning).
    pub(crate) options: Dictionary<'static>,
    /// The encoder is given frame numbers instead of times, and the container the real times.
    /// MPEG-4 Part 2 codes each frame's time in its bitstream with at most 16 bits of ticks per
    /// second and at most an hour between frames (players go by the container's times); it
    /// reorders no frames unless asked to, so its packets come out in the order of the frames.
    pub(crate) counts_frames: bool,
    /// The FourCC asked for, written into the file when the container can hold it.
    pub(crate) codec_tag: Option<u32>,
}

impl EncoderChoice {
    /// The encoder for `codec` (H.264 with `h264`'s settings); `EncoderNotFound` when this
    /// FFmpeg build has none.
    pub(crate) fn for_codec(codec: Codec, h264: H264Settings) -> Result<Self, ffmpeg::Error> {
        match codec {
            Codec::H264 => {
                let mut options = Dictionary::new();
                options.set("preset", h264.preset.name());
                options.set("crf", &h264.crf.to_string());
                if let Some(tune) = h264.tune {
                    options.set("tune", tune.name());
                }
                let x264 =
                    encoder::find_by_name(X264_ENCODER).ok_or(ffmpeg::Error::EncoderNotFound)?;
                Ok(Self::with(x264, Pixel::YUV420P, None, options, None))
            }
            Codec::Mp4v => Self::of_id(codec::Id::MPEG4, Pixel::YUV420P, None),
            // The JPEG pixel format: full-range 4:2:0, what every Motion JPEG decoder expects.
            Codec::Mjpg => Self::of_id(codec::Id::MJPEG, Pixel::YUVJ420P, None),
            Codec::FourCc(code) => {
                let tag = u32::from_le_bytes(code);
                let id = codec_of_fourcc(tag).ok_or(ffmpeg::Error::EncoderNotFound)?;
                let first = encoder::find(id)
                    .and_then(|found| found.video().ok())
                    .and_then(|video| video.formats().and_then(|mut formats| formats.next()));
                Self::of_id(id, first.unwrap_or(Pixel::YUV420P), Some(tag))
            }
        }
    }

    /// The encoder FFmpeg prefers for `id`, at the quantiser of the MPEG encoders for those.
    fn of_id(id: codec::Id, pixels: Pixel, codec_tag: Option<u32>) -> Result<Self, ffmpeg::Error> {
        let found = encoder::find(id).ok_or(ffmpeg::Error::EncoderNotFound)?;
        let qscale = matches!(id, codec::Id::MPEG4 | codec::Id::MJPEG).then_some(MPEG_QSCALE);
        Ok(Self {
            counts_frames: id == codec::Id::MPEG4,
            ..Self::with(found, pixels, qscale, Dictionary::new(), codec_tag)
        })
    }

    fn with(
        encoder: ffmpeg::Codec,
        pixels: Pixel,
        qscale: Option<i32>,
        options: Dictionary<'static>,
        codec_tag: Option<u32>,
    ) -> Self {
        Self {
            encoder,
            pixels,
            qscale,
            options,
            counts_frames: false,
            codec_tag,
        }
    }

    /// `global_quality` for [`EncoderChoice::qscale`].
    pub(crate) fn global_quality(&self) -> Option<i32> {
        self.qscale.map(|q| q * QP_TO_LAMBDA)
    }

    /// The range of the pixel values: full for the JPEG formats, limited (16-235) otherwise,
    /// as swscale converts to them.
    pub(crate) fn color_range(&self) -> color::Range {
        match self.pixels {
            Pixel::YUVJ420P
            | Pixel::YUVJ422P
            | Pixel::YUVJ444P
            | Pixel::YUVJ440P
            | Pixel::YUVJ411P => color::Range::JPEG,
            _ => color::Range::MPEG,
        }
    }

    /// The pixel format stores luma and chroma (so the BT.601 matrix of the conversion applies).
    pub(crate) fn is_yuv(&self) -> bool {
        self.pixels.descriptor().is_some_and(|descriptor| {
            // SAFETY: a descriptor FFmpeg returned points at its static table.
            let flags = unsafe { (*descriptor.as_ptr()).flags };
            flags & u64::from(ffmpeg::ffi::AV_PIX_FMT_FLAG_RGB as u32) == 0
                && descriptor.nb_components() >= YUV_COMPONENTS
        })
    }
}

/// Components of a colour YUV format (gray formats have one, and no chroma to convert).
const YUV_COMPONENTS: u8 = 3;

/// The codec FFmpeg knows a FourCC by, from the AVI (RIFF) table then the QuickTime one.
fn codec_of_fourcc(tag: u32) -> Option<codec::Id> {
    // SAFETY: both tables are FFmpeg's static, terminated tag lists; the array of pointers to
    // them ends with a null as `av_codec_get_id` requires.
    let id = unsafe {
        let tables = [
            ffmpeg::ffi::avformat_get_riff_video_tags(),
            ffmpeg::ffi::avformat_get_mov_video_tags(),
            std::ptr::null(),
        ];
        ffmpeg::ffi::av_codec_get_id(tables.as_ptr(), tag)
    };
    let id = codec::Id::from(id);
    (id != codec::Id::None).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fourccs_map_to_ffmpegs_codecs() {
        assert_eq!(
            codec_of_fourcc(u32::from_le_bytes(*b"XVID")),
            Some(codec::Id::MPEG4)
        );
        assert_eq!(
            codec_of_fourcc(u32::from_le_bytes(*b"FFV1")),
            Some(codec::Id::FFV1)
        );
        assert_eq!(
            codec_of_fourcc(u32::from_le_bytes(*b"avc1")),
            Some(codec::Id::H264)
        );
        assert_eq!(codec_of_fourcc(u32::from_le_bytes(*b"zzzz")), None);
    }

    #[test]
    fn motion_jpeg_is_full_range_yuv_and_mpeg4_limited() {
        let mjpg = EncoderChoice::for_codec(Codec::Mjpg, H264Settings::default()).expect("mjpeg");
        assert_eq!(
            (mjpg.color_range(), mjpg.is_yuv()),
            (color::Range::JPEG, true)
        );
        let mp4v = EncoderChoice::for_codec(Codec::Mp4v, H264Settings::default()).expect("mpeg4");
        assert_eq!(mp4v.color_range(), color::Range::MPEG);
        assert!(mp4v.counts_frames);
    }
}
