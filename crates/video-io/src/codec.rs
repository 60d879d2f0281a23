//! Output codecs ([`Codec`]) and their FourCC codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::VideoError;

/// Length of a FourCC code.
const FOURCC_LEN: usize = 4;

/// The codec of a written video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Codec {
    /// H.264 (FourCC `avc1`), the default: plays in browsers and players, in `.mp4`.
    #[default]
    H264,
    /// MPEG-4 Part 2 (FourCC `mp4v`), in `.mp4`; the fallback when H.264 cannot be opened.
    Mp4v,
    /// Motion JPEG (FourCC `MJPG`), typically in `.avi`.
    Mjpg,
    /// Any other FourCC code OpenCV's FFmpeg backend knows (e.g. `XVID`).
    FourCc([u8; FOURCC_LEN]),
}

impl Codec {
    /// The FourCC characters.
    pub fn fourcc_chars(&self) -> [u8; FOURCC_LEN] {
        match self {
            Codec::H264 => *b"avc1",
            Codec::Mp4v => *b"mp4v",
            Codec::Mjpg => *b"MJPG",
            Codec::FourCc(code) => *code,
        }
    }

    /// The FourCC as OpenCV's `VideoWriter::fourcc` packs it (first character in the lowest
    /// byte).
    pub fn fourcc(&self) -> i32 {
        i32::from_le_bytes(self.fourcc_chars())
    }

    /// The codec to try when this one cannot be opened (H.264 falls back to MPEG-4 Part 2, which
    /// every FFmpeg build has).
    pub fn fallback(&self) -> Option<Codec> {
        match self {
            Codec::H264 => Some(Codec::Mp4v),
            _ => None,
        }
    }
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Codec::H264 => f.write_str("h264"),
            Codec::Mp4v => f.write_str("mp4v"),
            Codec::Mjpg => f.write_str("mjpg"),
            Codec::FourCc(code) => f.write_str(&String::from_utf8_lossy(code)),
        }
    }
}

impl FromStr for Codec {
    type Err = VideoError;

    /// `h264`/`avc1`/`x264`, `mp4v`, `mjpg` (case-insensitive), or any other four printable
    /// ASCII characters taken as a FourCC code as written.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim();
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "h264" | "h.264" | "avc1" | "x264" => return Ok(Codec::H264),
            "mp4v" => return Ok(Codec::Mp4v),
            "mjpg" | "mjpeg" => return Ok(Codec::Mjpg),
            _ => {}
        }
        let bytes = name.as_bytes();
        match <[u8; FOURCC_LEN]>::try_from(bytes) {
            Ok(code) if code.iter().all(|b| b.is_ascii_graphic() || *b == b' ') => {
                Ok(Codec::FourCc(code))
            }
            _ => Err(VideoError::UnknownCodec {
                value: s.to_owned(),
            }),
        }
    }
}

impl Serialize for Codec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Codec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_to_codecs_and_back() {
        for (text, codec) in [
            ("h264", Codec::H264),
            ("AVC1", Codec::H264),
            ("mp4v", Codec::Mp4v),
            ("MJPG", Codec::Mjpg),
            ("XVID", Codec::FourCc(*b"XVID")),
        ] {
            let parsed: Codec = text.parse().expect("known codec name");
            assert_eq!(parsed, codec, "{text}");
            assert_eq!(parsed.to_string().parse::<Codec>().ok(), Some(codec));
        }
    }

    #[test]
    fn bad_names_are_rejected_naming_the_value() {
        let err = "h265x".parse::<Codec>().expect_err("not a codec");
        assert!(err.to_string().contains("\"h265x\""), "{err}");
        assert!("ab\u{7}c".parse::<Codec>().is_err());
    }

    #[test]
    fn fourcc_packs_like_opencv() {
        // cv::VideoWriter::fourcc('a','v','c','1') == 0x31637661.
        assert_eq!(Codec::H264.fourcc(), 0x3163_7661);
    }
}
