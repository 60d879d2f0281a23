//! Structured per-frame output: JSON Lines (one object per frame) and CSV (one row per face).
//! The schema is documented in `docs/OUTPUT.md`; bump [`SCHEMA_VERSION`] on any change to it.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::{Context, Result};
use face::AgeEstimate;
use serde::Serialize;

use crate::estimation::FaceResult;
use crate::sink::{AnalysedFrame, Flow, FrameSink};
use crate::staged_output::StagedOutput;
use crate::stats::RunStats;

/// Version of the JSON Lines schema, written into every line.
pub const SCHEMA_VERSION: u32 = 2;

/// Header of the CSV output.
const CSV_HEADER: &str = "frame,timestamp_ms,face,track_id,x1,y1,x2,y2,detector_confidence,gender,gender_score,age_years,age_group,smoothed,reused,male_probability,age_uncertainty,alignment,landmark_scheme,landmarks";

/// One line of the JSON Lines output.
#[derive(Debug, Serialize)]
pub struct FrameRecord {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// Index of the frame in the input, from 0.
    pub frame: u64,
    /// Presentation time of the frame in milliseconds.
    pub timestamp_ms: f64,
    /// Every face in the frame.
    pub faces: Vec<FaceRecord>,
}

/// One face of a [`FrameRecord`].
#[derive(Debug, Serialize)]
pub struct FaceRecord {
    /// Track ID when tracking is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track_id: Option<u64>,
    /// Padded face box in original-frame pixels: `[x1, y1, x2, y2]`, inclusive.
    #[serde(rename = "box")]
    pub face_box: [i32; 4],
    /// The same box in processing-frame pixels (what the original program worked with).
    pub box_processing: [i32; 4],
    /// Detector confidence, for detectors that give one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detector_confidence: Option<f32>,
    /// `"Male"` or `"Female"`.
    pub gender: &'static str,
    /// SSR-Net's raw gender output (>= 0.5 is Male), or P(Male) (the other estimators).
    pub gender_score: f32,
    /// `[P(Male), P(Female)]` (all estimators but SSR-Net).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender_probabilities: Option<[f32; 2]>,
    /// Age in years (SSR-Net, dlib, faceapi, ensemble).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_years: Option<f32>,
    /// Age group label such as `"(25-32)"` (Caffe nets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_group: Option<&'static str>,
    /// Probability of each of the 8 age groups (Caffe nets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_probabilities: Option<[f32; 8]>,
    /// The label drawn on the video, e.g. `"Male,32"`.
    pub label: String,
    /// Whether gender and age were smoothed over the track rather than taken from this frame.
    pub smoothed: bool,
    /// Whether the track's earlier estimate was shown instead of running the nets on this frame
    /// (re-estimation interval).
    pub reused: bool,
    /// The standard deviation of the age estimate in years (dlib, ensemble).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_uncertainty: Option<f32>,
    /// What the nets were given: `"crop"` (SSR-Net, Caffe), `"dlib5"` / `"yunet5"` (a chip
    /// aligned on those landmarks) or `"box"` (no usable landmarks); absent when `reused`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alignment: Option<&'static str>,
    /// The landmarks the face was aligned on, in original-frame pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landmarks: Option<LandmarksRecord>,
}

/// The landmarks of a [`FaceRecord`].
#[derive(Debug, Serialize)]
pub struct LandmarksRecord {
    /// `"dlib5"` (dlib's shape predictor: outer and inner corner of the eye on the image's right,
    /// the same of the other eye, base of the nose) or `"yunet5"` (YuNet: right eye, left eye,
    /// nose tip, right and left mouth corner, "right" being the subject's).
    pub scheme: &'static str,
    /// `[x, y]` of each point, in the scheme's order.
    pub points: Vec<[f32; 2]>,
}

impl FaceRecord {
    /// Builds the record of one face.
    pub fn from_face(face: &FaceResult) -> Self {
        let boxed = |b: &face::FaceBox| [b.x1, b.y1, b.x2, b.y2];
        let estimate = &face.estimate;
        let (age_years, age_group, age_probabilities) = match &estimate.age {
            AgeEstimate::Years(years) => (Some(*years), None, None),
            AgeEstimate::Group { probabilities, .. } => {
                (None, estimate.age.group_label(), Some(*probabilities))
            }
        };
        Self {
            track_id: face.track_id,
            face_box: boxed(&face.box_original),
            box_processing: boxed(&face.box_processing),
            detector_confidence: face.detection.confidence,
            gender: estimate.gender.name(),
            gender_score: estimate.gender_score,
            gender_probabilities: estimate.gender_probabilities,
            age_years,
            age_group,
            age_probabilities,
            label: estimate.label(),
            smoothed: face.smoothed,
            reused: face.reused,
            age_uncertainty: estimate.age_uncertainty,
            alignment: face.chip_source.map(estimate::ChipSource::name),
            landmarks: face.landmarks.as_ref().map(|landmarks| LandmarksRecord {
                scheme: landmarks.scheme().name(),
                points: landmarks
                    .points()
                    .iter()
                    .map(|point| [point.x, point.y])
                    .collect(),
            }),
        }
    }
}

/// Writes the requested structured outputs, whole lines at a time, each to a staging file beside
/// its destination that [`RecordWriters::finish`] hands back for the run to put in place.
pub struct RecordWriters {
    json: Option<RecordFile>,
    csv: Option<RecordFile>,
}

/// One record output being written.
struct RecordFile {
    staged: StagedOutput,
    writer: BufWriter<File>,
}

impl RecordFile {
    fn create(destination: &Path) -> Result<Self> {
        let staged = StagedOutput::new(destination)?;
        let writer = BufWriter::new(staged.open()?);
        Ok(Self { staged, writer })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.writer
            .write_all(bytes)
            .with_context(|| format!("cannot write {}", self.staged.destination().display()))
    }
}

impl FrameSink for RecordWriters {
    fn accept(&mut self, frame: &AnalysedFrame<'_>) -> Result<Flow> {
        self.write_frame(frame.index, frame.timestamp_ms, frame.faces)?;
        Ok(Flow::Continue)
    }

    fn finish(self: Box<Self>, _stats: &mut RunStats) -> Result<Vec<StagedOutput>> {
        RecordWriters::finish(*self)
    }
}

impl RecordWriters {
    /// Creates the staging files (and the directories) before any frame is processed, so an
    /// unwritable path fails early.
    pub fn create(json: Option<&Path>, csv: Option<&Path>) -> Result<Self> {
        let json = json.map(RecordFile::create).transpose()?;
        let mut csv = csv.map(RecordFile::create).transpose()?;
        if let Some(file) = csv.as_mut() {
            file.write(format!("{CSV_HEADER}\n").as_bytes())?;
        }
        Ok(Self { json, csv })
    }

    /// Writes one frame.
    pub fn write_frame(
        &mut self,
        frame: u64,
        timestamp_ms: f64,
        faces: &[FaceResult],
    ) -> Result<()> {
        if let Some(file) = self.json.as_mut() {
            let record = FrameRecord {
                schema: SCHEMA_VERSION,
                frame,
                timestamp_ms,
                faces: faces.iter().map(FaceRecord::from_face).collect(),
            };
            let mut line =
                serde_json::to_vec(&record).context("cannot encode the frame as JSON")?;
            line.push(b'\n');
            file.write(&line)?;
        }
        if let Some(file) = self.csv.as_mut() {
            let mut rows = String::new();
            for (index, face) in faces.iter().enumerate() {
                rows.push_str(&csv_row(
                    frame,
                    timestamp_ms,
                    index,
                    &FaceRecord::from_face(face),
                ));
                rows.push('\n');
            }
            file.write(rows.as_bytes())?;
        }
        Ok(())
    }

    /// Whether any record file is asked for.
    pub fn is_empty(&self) -> bool {
        self.json.is_none() && self.csv.is_none()
    }

    /// Flushes everything and hands back the complete files, to be put in place with
    /// [`StagedOutput::commit`] once the run has succeeded (or was stopped on purpose).
    pub fn finish(self) -> Result<Vec<StagedOutput>> {
        let mut complete = Vec::new();
        for mut file in self.json.into_iter().chain(self.csv) {
            file.writer
                .flush()
                .with_context(|| format!("cannot write {}", file.staged.destination().display()))?;
            complete.push(file.staged);
        }
        Ok(complete)
    }
}

fn csv_row(frame: u64, timestamp_ms: f64, index: usize, face: &FaceRecord) -> String {
    let optional = |value: Option<String>| value.unwrap_or_default();
    let [x1, y1, x2, y2] = face.face_box;
    let (scheme, points) = match &face.landmarks {
        Some(landmarks) => (
            landmarks.scheme,
            landmarks
                .points
                .iter()
                .map(|[x, y]| format!("{x} {y}"))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        None => ("", String::new()),
    };
    format!(
        "{frame},{timestamp_ms:.3},{index},{},{x1},{y1},{x2},{y2},{},{},{},{},{},{},{},{},{},{},{scheme},{points}",
        optional(face.track_id.map(|id| id.to_string())),
        optional(face.detector_confidence.map(|c| c.to_string())),
        face.gender,
        face.gender_score,
        optional(face.age_years.map(|age| age.to_string())),
        face.age_group.unwrap_or_default(),
        face.smoothed,
        face.reused,
        optional(face.gender_probabilities.map(|[male, _]| male.to_string())),
        optional(face.age_uncertainty.map(|spread| spread.to_string())),
        face.alignment.unwrap_or_default(),
    )
}
