//! The one error type of this crate.

use std::path::PathBuf;

use face::ImageSize;

/// Everything that can go wrong while opening, reading or writing video.
#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    /// The input path does not exist.
    #[error("input {} does not exist; check the path (or give a camera index such as 0)", path.display())]
    NotFound {
        /// The path that was looked up.
        path: PathBuf,
    },

    /// A directory could not be listed.
    #[error("cannot list directory {}: {source}", path.display())]
    ReadDirectory {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A directory input holds no file with a video extension.
    #[error(
        "directory {} holds no video file (looked for extensions {extensions}); \
         put a video there or give a file path",
        path.display()
    )]
    NoVideos {
        /// The directory.
        path: PathBuf,
        /// The extensions that count as video, comma-separated.
        extensions: String,
    },

    /// An image-directory input holds no file with an image extension.
    #[error(
        "directory {} holds no image file (looked for extensions {extensions}); \
         put images there or give a video",
        path.display()
    )]
    NoImages {
        /// The directory.
        path: PathBuf,
        /// The extensions that count as images, comma-separated.
        extensions: String,
    },

    /// FFmpeg's libraries do not recognise a file as a media file.
    #[error(
        "cannot open video {}: FFmpeg does not recognise it as a media file ({cause}); \
         check that it is a video (mp4, avi, mkv, gif, ...) and not damaged",
        path.display()
    )]
    OpenVideo {
        /// The file.
        path: PathBuf,
        /// FFmpeg's error (in the message, not a separate cause, so it is printed once).
        cause: ffmpeg_next::Error,
    },

    /// A media file has no video stream (an audio file, say).
    #[error(
        "cannot open video {}: the file has no video stream (audio only?); give a file with video",
        path.display()
    )]
    NoVideoStream {
        /// The file.
        path: PathBuf,
    },

    /// This FFmpeg build has no decoder for a file's video codec.
    #[error(
        "cannot open video {}: this FFmpeg has no decoder for its codec {codec}; \
         convert the file to H.264 (e.g. mp4) or install an FFmpeg that decodes {codec}",
        path.display()
    )]
    NoDecoder {
        /// The file.
        path: PathBuf,
        /// FFmpeg's name of the codec.
        codec: String,
    },

    /// The decoder of a file's video codec refused the stream's parameters.
    #[error(
        "cannot open video {}: FFmpeg's {codec} decoder refuses its stream ({cause}); \
         the file is probably damaged: re-encode or replace it",
        path.display()
    )]
    OpenDecoder {
        /// The file.
        path: PathBuf,
        /// FFmpeg's name of the codec.
        codec: String,
        /// FFmpeg's error (in the message, not a separate cause, so it is printed once).
        cause: ffmpeg_next::Error,
    },

    /// OpenCV could not open a camera.
    #[error("cannot open camera {index}: no such device or it is busy; try another index")]
    OpenCamera {
        /// The camera index.
        index: i32,
    },

    /// OpenCV could not decode an image file.
    #[error("cannot read image {}: not an image format OpenCV decodes, or damaged", path.display())]
    ReadImage {
        /// The file.
        path: PathBuf,
    },

    /// A source opened but delivered no frame at all.
    #[error("{source_name} delivered no frame; check that it is not empty")]
    NoFrames {
        /// Description of the source.
        source_name: String,
    },

    /// A video file opened but not one of its frames decoded: its data is damaged.
    #[error(
        "cannot decode any frame of video {}: {lost} packets of its video stream are damaged \
         (the first keyframe at least); re-encode or replace the file",
        path.display()
    )]
    Undecodable {
        /// The file.
        path: PathBuf,
        /// Packets that gave no frame.
        lost: u64,
    },

    /// A decoded frame has a pixel format this crate cannot turn into BGR 8-bit.
    #[error(
        "cannot convert a frame with {channels} channels of OpenCV depth {depth} to BGR 8-bit; \
         use 1-, 3- or 4-channel 8- or 16-bit input"
    )]
    UnsupportedPixelFormat {
        /// Number of channels.
        channels: i32,
        /// OpenCV depth code (`CV_8U` = 0, `CV_16U` = 2, ...).
        depth: i32,
    },

    /// The codec name is not known.
    #[error("unknown codec {value:?}: use h264 (avc1), mp4v, mjpg or any four-character code")]
    UnknownCodec {
        /// The name as given.
        value: String,
    },

    /// The H.264 speed preset is not one x264 knows.
    #[error("unknown H.264 preset {value:?}: use one of {known}")]
    UnknownPreset {
        /// The name as given.
        value: String,
        /// The known presets, comma-separated.
        known: String,
    },

    /// The H.264 tuning is not one x264 knows.
    #[error("unknown H.264 tune {value:?}: use one of {known}, or leave the key out")]
    UnknownTune {
        /// The name as given.
        value: String,
        /// The known tunings, comma-separated.
        known: String,
    },

    /// The H.264 constant rate factor is out of x264's range.
    #[error(
        "H.264 crf {value} is out of range: use 0 (lossless) to {max} (lowest quality); 23 is x264's default"
    )]
    InvalidCrf {
        /// The value given.
        value: u8,
        /// The highest accepted value.
        max: u8,
    },

    /// FFmpeg's libraries failed while creating or writing an H.264 file.
    #[error("cannot {operation} for video {}: {cause}", path.display())]
    Encoder {
        /// The output file.
        path: PathBuf,
        /// What was being done.
        operation: &'static str,
        /// FFmpeg's error (in the message, not a separate cause, so it is printed once).
        cause: ffmpeg_next::Error,
    },

    /// Writing encoded video to the file failed (a full disk, a quota or a file size limit).
    #[error(
        "cannot write video {} ({cause}): the file is incomplete; the disk is full or a size \
         limit was reached: free some space (or lift the limit) and run again",
        path.display()
    )]
    WriteVideo {
        /// The output file.
        path: PathBuf,
        /// FFmpeg's error (in the message, not a separate cause, so it is printed once).
        cause: ffmpeg_next::Error,
    },

    /// Writer settings are unusable.
    #[error(
        "cannot write video at {fps} fps with frame size {size}: fps must be positive and \
         finite, width and height positive"
    )]
    InvalidWriterSettings {
        /// Requested frames per second.
        fps: f64,
        /// Requested frame size.
        size: ImageSize,
    },

    /// The writer was given a time base that is not a positive fraction.
    #[error(
        "cannot write video with the time base {num}/{den}: both terms must be positive \
         (give the input's time base, or none for 1/fps)"
    )]
    InvalidTimeBase {
        /// Numerator given.
        num: i32,
        /// Denominator given.
        den: i32,
    },

    /// No codec (including fallbacks) could open the output file.
    #[error(
        "cannot create video {} with codec {codec} (tried {tried}): FFmpeg refused; pick \
         another codec or output extension (e.g. mp4v in .mp4, mjpg in .avi) and check that \
         the directory is writable",
        path.display()
    )]
    OpenWriter {
        /// The output file.
        path: PathBuf,
        /// The codec asked for.
        codec: String,
        /// Every codec tried, comma-separated.
        tried: String,
    },

    /// The output directory could not be created.
    #[error(
        "cannot create the output directory {}: check the path and permissions: {cause}",
        path.display()
    )]
    CreateDirectory {
        /// The directory.
        path: PathBuf,
        /// The I/O error (in the message, not a separate cause, so it is printed once).
        cause: std::io::Error,
    },

    /// A frame given to the writer does not have the size the writer was created with.
    #[error(
        "frame of size {got} given to a writer created for {expected}: \
         resize frames to the writer's size (all frames of a video share one size)"
    )]
    FrameSizeMismatch {
        /// The writer's frame size.
        expected: ImageSize,
        /// The frame's size.
        got: ImageSize,
    },

    /// An OpenCV call failed.
    #[error("OpenCV failed to {operation}: {source}")]
    OpenCv {
        /// What was being done.
        operation: &'static str,
        /// The OpenCV error.
        #[source]
        source: opencv::Error,
    },
}

impl VideoError {
    /// Wraps an OpenCV error with what was being done.
    pub(crate) fn opencv(operation: &'static str) -> impl FnOnce(opencv::Error) -> Self {
        move |source| Self::OpenCv { operation, source }
    }
}
