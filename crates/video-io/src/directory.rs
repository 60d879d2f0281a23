//! Listing a directory's video or image files in a fixed order, and the seeded random pick of a
//! video (the original picked a random `.mp4` from `videos/`).

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::VideoError;

/// Extensions (lowercase) of files a directory source treats as videos. GIF is included: the
/// original's sample clips are GIFs, and OpenCV's FFmpeg backend decodes them.
pub const VIDEO_EXTENSIONS: &[&str] = &[
    "mp4", "m4v", "mov", "mkv", "avi", "webm", "gif", "mpg", "mpeg", "wmv", "flv", "ts",
];

/// Extensions (lowercase) of files treated as still images.
pub const IMAGE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp", "ppm", "pgm", "pnm",
];

/// `path` has one of `extensions` (case-insensitive).
pub fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|known| known.eq_ignore_ascii_case(e)))
}

/// The regular files in `dir` with one of `extensions`, sorted by path so the order does not
/// depend on the file system.
pub fn files_with_extensions(dir: &Path, extensions: &[&str]) -> Result<Vec<PathBuf>, VideoError> {
    let read_error = |source| VideoError::ReadDirectory {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.is_file() && has_extension(&path, extensions) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The video files of `dir` in the order a pick indexes them (sorted by path). Errors when
/// there is none.
pub fn video_candidates(dir: &Path) -> Result<Vec<PathBuf>, VideoError> {
    let files = files_with_extensions(dir, VIDEO_EXTENSIONS)?;
    if files.is_empty() {
        return Err(VideoError::NoVideos {
            path: dir.to_path_buf(),
            extensions: VIDEO_EXTENSIONS.join(", "),
        });
    }
    Ok(files)
}

/// A video picked from a directory and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickedVideo {
    /// The chosen file.
    pub path: PathBuf,
    /// The seed that chose it (the given one, or the clock's when none was given), so a run can
    /// be repeated.
    pub seed: u64,
    /// How many candidates there were.
    pub candidates: usize,
}

/// Picks one video file of `dir` at random: the same `seed` and the same directory contents
/// always give the same file; without a seed the clock seeds the pick (as the original's
/// `np.random.seed(int(time.time()))`).
pub fn pick_video(dir: &Path, seed: Option<u64>) -> Result<PickedVideo, VideoError> {
    let candidates = video_candidates(dir)?;
    let seed = seed.unwrap_or_else(clock_seed);
    let index = usize::try_from(splitmix64(seed) % candidates.len() as u64).unwrap_or(0);
    let path = candidates.get(index).cloned().unwrap_or_default();
    Ok(PickedVideo {
        path,
        seed,
        candidates: candidates.len(),
    })
}

/// Seconds since the Unix epoch, the original's seed.
fn clock_seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// SplitMix64 (Steele, Lea, Flood 2014): one well-mixed 64-bit value from a seed, so nearby
/// seeds pick unrelated files. Constants from the reference implementation.
fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // First output of the reference SplitMix64 seeded with 0.
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn extensions_match_case_insensitively() {
        assert!(has_extension(Path::new("a/B.MP4"), VIDEO_EXTENSIONS));
        assert!(has_extension(Path::new("x.gif"), VIDEO_EXTENSIONS));
        assert!(!has_extension(Path::new("x.png"), VIDEO_EXTENSIONS));
        assert!(!has_extension(Path::new("mp4"), VIDEO_EXTENSIONS));
    }
}
