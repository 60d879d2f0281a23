//! [`VideoReader`]: frames from any [`Source`], always BGR 8-bit, with index and timestamp.
//! Video files are read with FFmpeg's libraries ([`crate::libav_reader`]); cameras and still
//! images with OpenCV.

use std::path::{Path, PathBuf};
use std::time::Instant;

use opencv::core::Mat;
use opencv::imgcodecs;
use opencv::prelude::*;
use opencv::videoio::{self, VideoCapture};

use crate::convert::to_bgr8;
use crate::directory::{IMAGE_EXTENSIONS, files_with_extensions, pick_video};
use crate::error::VideoError;
use face::ImageSize;

use crate::frame::{Frame, mat_size};
use crate::libav_reader::LibavReader;
use crate::source::Source;
use crate::timing::StreamTiming;

/// Milliseconds per second, for timestamps.
const MS_PER_SECOND: f64 = 1000.0;

/// Reads frames from a [`Source`] one by one.
pub struct VideoReader {
    backend: Backend,
    description: String,
    resolved_path: Option<PathBuf>,
    fps: Option<f64>,
    frame_count: Option<u64>,
    frame_size: ImageSize,
    next_index: u64,
    /// The first frame and its time, decoded at open time (to learn the size and fail early).
    first: Option<(Mat, Option<i64>)>,
    opened_at: Instant,
}

enum Backend {
    /// A video file, through FFmpeg's libraries.
    File(Box<LibavReader>),
    /// A camera, through OpenCV.
    Camera(VideoCapture),
    Images {
        paths: Vec<PathBuf>,
        /// Index in `paths` of the next image to read (the first is read at open time).
        next: usize,
    },
}

impl VideoReader {
    /// Opens `source` and decodes its first frame (so a broken input fails here, and the frame
    /// size is known). A directory source picks its video here and logs which and with which
    /// seed.
    pub fn open(source: &Source) -> Result<Self, VideoError> {
        match source {
            Source::File(path) => Self::open_file(path, None),
            Source::Directory { path, seed } => {
                require_exists(path)?;
                let picked = pick_video(path, *seed)?;
                tracing::info!(
                    video = %picked.path.display(),
                    directory = %path.display(),
                    seed = picked.seed,
                    candidates = picked.candidates,
                    "picked a video from the directory"
                );
                let note = format!(
                    "picked from {} with seed {} among {} videos",
                    path.display(),
                    picked.seed,
                    picked.candidates
                );
                Self::open_file(&picked.path, Some(note))
            }
            Source::Camera(index) => Self::open_camera(*index),
            Source::Image(path) => {
                require_exists(path)?;
                Self::open_images(vec![path.clone()], format!("image {}", path.display()))
            }
            Source::ImageDirectory(dir) => {
                require_exists(dir)?;
                let paths = files_with_extensions(dir, IMAGE_EXTENSIONS)?;
                if paths.is_empty() {
                    return Err(VideoError::NoImages {
                        path: dir.clone(),
                        extensions: IMAGE_EXTENSIONS.join(", "),
                    });
                }
                let description = format!("{} images in {}", paths.len(), dir.display());
                Self::open_images(paths, description)
            }
        }
    }

    fn open_file(path: &Path, note: Option<String>) -> Result<Self, VideoError> {
        require_exists(path)?;
        let mut file = LibavReader::open(path)?;
        let label = match note {
            Some(note) => format!("video {} ({note})", path.display()),
            None => format!("video {}", path.display()),
        };
        let first = file.next_frame().ok_or_else(|| match file.lost_frames() {
            0 => VideoError::NoFrames {
                source_name: label.clone(),
            },
            lost => VideoError::Undecodable {
                path: path.to_path_buf(),
                lost,
            },
        })?;
        let timing = file.timing();
        let fps = timing.average_fps;
        let frame_count = file.frame_count();
        let frame_size = mat_size(&first.image);
        Ok(Self {
            backend: Backend::File(Box::new(file)),
            description: describe(&label, frame_size, fps, frame_count),
            resolved_path: Some(path.to_path_buf()),
            fps,
            frame_count,
            frame_size,
            next_index: 0,
            first: Some((first.image, Some(first.pts))),
            opened_at: Instant::now(),
        })
    }

    fn open_camera(index: i32) -> Result<Self, VideoError> {
        let capture = VideoCapture::new(index, videoio::CAP_ANY)
            .map_err(VideoError::opencv("open a camera"))?;
        if !capture
            .is_opened()
            .map_err(VideoError::opencv("open a camera"))?
        {
            return Err(VideoError::OpenCamera { index });
        }
        Self::from_capture(capture, format!("camera {index}"))
    }

    fn from_capture(mut capture: VideoCapture, label: String) -> Result<Self, VideoError> {
        let property = |capture: &VideoCapture, id: i32| capture.get(id).unwrap_or(0.0);
        let fps = Some(property(&capture, videoio::CAP_PROP_FPS))
            .filter(|fps| fps.is_finite() && *fps > 0.0);
        let frame_count = None;
        let first = read_capture(&mut capture)?.ok_or_else(|| VideoError::NoFrames {
            source_name: label.clone(),
        })?;
        let frame_size = mat_size(&first);
        let description = describe(&label, frame_size, fps, frame_count);
        Ok(Self {
            backend: Backend::Camera(capture),
            description,
            resolved_path: None,
            fps,
            frame_count,
            frame_size,
            next_index: 0,
            first: Some((first, None)),
            opened_at: Instant::now(),
        })
    }

    fn open_images(paths: Vec<PathBuf>, label: String) -> Result<Self, VideoError> {
        let first_path = paths.first().cloned().unwrap_or_default();
        let first = read_image(&first_path)?;
        let frame_size = mat_size(&first);
        let frame_count = Some(paths.len() as u64);
        let description = describe(&label, frame_size, None, frame_count);
        Ok(Self {
            backend: Backend::Images { paths, next: 1 },
            description,
            resolved_path: Some(first_path),
            fps: None,
            frame_count,
            frame_size,
            next_index: 0,
            first: Some((first, None)),
            opened_at: Instant::now(),
        })
    }

    /// Average frames per second as the container states it, when that is sane (positive,
    /// finite, at most 1000); the camera's rate; `None` for images and when unknown.
    /// Timestamps, not this, say when each frame of a file is shown.
    pub fn fps(&self) -> Option<f64> {
        self.fps
    }

    /// Number of frames as the container states it, else the duration times the average rate
    /// (an estimate); the number of images for image sources; `None` for cameras and when
    /// unknown.
    pub fn frame_count(&self) -> Option<u64> {
        self.frame_count
    }

    /// Size of the first frame as shown (upright, after the file's display rotation). Later
    /// frames may differ: images of a directory, a stream that changes resolution.
    pub fn frame_size(&self) -> ImageSize {
        self.frame_size
    }

    /// A one-line description for logs, e.g. `video in.mp4 (400x224, 25 fps, 70 frames)`.
    pub fn describe(&self) -> &str {
        &self.description
    }

    /// The file being read: the video (also the one picked from a directory), or the first
    /// image; `None` for cameras.
    pub fn resolved_path(&self) -> Option<&Path> {
        self.resolved_path.as_deref()
    }

    /// How a video file's frames are timed: the time base of [`Frame::pts`], the sane average
    /// rate and the pixel shape (of the frames as handed out: a quarter turn turns it too);
    /// `None` for cameras and images.
    pub fn timing(&self) -> Option<StreamTiming> {
        match &self.backend {
            Backend::File(file) => Some(file.timing()),
            Backend::Camera(_) | Backend::Images { .. } => None,
        }
    }

    /// Frames of a video file lost to damaged data: once [`VideoReader::next_frame`] returned
    /// `None`, the packets of the video stream that gave no frame (refused by the decoder, or
    /// decoded to nothing, or not convertible to BGR); before, the failures seen so far. 0 for
    /// cameras and images.
    pub fn lost_frames(&self) -> u64 {
        match &self.backend {
            Backend::File(file) => file.lost_frames(),
            Backend::Camera(_) | Backend::Images { .. } => 0,
        }
    }

    /// The next frame, or `None` at the end of the source.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, VideoError> {
        let next = match self.first.take() {
            Some(first) => Some(first),
            None => match &mut self.backend {
                Backend::File(file) => file.next_frame().map(|f| (f.image, Some(f.pts))),
                Backend::Camera(capture) => read_capture(capture)?.map(|image| (image, None)),
                Backend::Images { paths, next } => match paths.get(*next) {
                    Some(path) => {
                        *next += 1;
                        Some((read_image(path)?, None))
                    }
                    None => None,
                },
            },
        };
        let Some((image, pts)) = next else {
            return Ok(None);
        };
        let index = self.next_index;
        self.next_index += 1;
        Ok(Some(Frame {
            index,
            timestamp_ms: self.timestamp_ms(pts),
            pts,
            image,
        }))
    }

    fn timestamp_ms(&self, pts: Option<i64>) -> f64 {
        match (&self.backend, pts) {
            (Backend::File(file), Some(pts)) => file.timing().time_base.ticks_to_ms(pts),
            (Backend::Camera(_), _) => self.opened_at.elapsed().as_secs_f64() * MS_PER_SECOND,
            _ => 0.0,
        }
    }
}

impl Iterator for VideoReader {
    type Item = Result<Frame, VideoError>;

    /// [`VideoReader::next_frame`] as an iterator.
    fn next(&mut self) -> Option<Self::Item> {
        self.next_frame().transpose()
    }
}

fn require_exists(path: &Path) -> Result<(), VideoError> {
    if path.exists() {
        Ok(())
    } else {
        Err(VideoError::NotFound {
            path: path.to_path_buf(),
        })
    }
}

/// Reads one frame into a fresh `Mat` (a handed-out frame must not share its buffer with the
/// next one) and converts it to BGR 8-bit. `None` at the end.
fn read_capture(capture: &mut VideoCapture) -> Result<Option<Mat>, VideoError> {
    let mut raw = Mat::default();
    let got = capture
        .read(&mut raw)
        .map_err(VideoError::opencv("decode a frame"))?;
    if !got || raw.empty() {
        return Ok(None);
    }
    to_bgr8(raw).map(Some)
}

/// Reads an image as BGR 8-bit (OpenCV applies EXIF orientation and converts gray, BGRA and
/// 16-bit images).
fn read_image(path: &Path) -> Result<Mat, VideoError> {
    let image = imgcodecs::imread(path, imgcodecs::IMREAD_COLOR)
        .map_err(VideoError::opencv("read an image"))?;
    if image.empty() {
        return Err(VideoError::ReadImage {
            path: path.to_path_buf(),
        });
    }
    to_bgr8(image)
}

fn describe(label: &str, size: ImageSize, fps: Option<f64>, count: Option<u64>) -> String {
    let mut parts = vec![size.to_string()];
    if let Some(fps) = fps {
        parts.push(format!("{fps:.3} fps"));
    }
    if let Some(count) = count {
        parts.push(format!("{count} frames"));
    }
    format!("{label} [{}]", parts.join(", "))
}
