//! YuNet (`face_detection_yunet_2023mar.onnx`, libfacedetection's 2023 model) run in pure Rust
//! by tract: a fast, accurate detector that also predicts five landmarks per face.
//!
//! # Pipeline
//! 1. The BGR frame is written, unscaled, into the top-left corner of a planar `f32` tensor whose
//!    sides are the frame's rounded up to a multiple of 32 (zeros in the padding): what OpenCV's
//!    `FaceDetectorYN` does (`copyMakeBorder` + `blobFromImage`), so network pixels are frame
//!    pixels.
//! 2. tract runs the network; the twelve outputs (cls/obj/bbox/kps at strides 8, 16, 32) are
//!    decoded as `FaceDetectorYN::postProcess` does: score `sqrt(cls * obj)` with both clamped to
//!    0..1, box centre `(cell + d) * stride`, size `exp(d) * stride`, landmarks
//!    `(cell + d) * stride` (`decode.rs`).
//! 3. Candidates below the score threshold are dropped, the rest go through OpenCV's
//!    `NMSBoxes` rules (integer boxes, stable score sort, `top_k`, IoU `<=` threshold kept)
//!    (`nms.rs`).
//!
//! # Input size: the frame's own size padded to a multiple of 32, not a 640x640 letterbox
//! The file declares a fixed `1x3x640x640` input, but its graph does not depend on it: every
//! `Reshape` uses `[1, -1, k]`, the two FPN `Resize` nodes use scale factors (x2), and
//! everything else is convolution and pooling. Only the value-info shapes stored in the file
//! mention 640; they are ignored at load time (`model.rs`). So the network runs at the frame's
//! padded size: 544x320 for the 539x302 processing frame of `input1.mp4`, 174,080 pixels
//! against 409,600 for a 640x640 letterbox, and the same faces as OpenCV's `FaceDetectorYN`,
//! which pads the same way (the oracle test checks it).
//!
//! Measured with `cargo bench -p detect --bench yunet_vs_haar` (release, criterion medians, AMD
//! EPYC VM with 2 vCPUs shared with other builds, load average 2-5, so absolute figures move;
//! three runs): 12.2-14.1 ms per 539x302 frame, against 29.6-48.7 ms for the same frames
//! letterboxed into 640x640, and 58.7-91.8 ms for the Haar cascade (which uses OpenCV's two
//! threads). Process CPU
//! time per frame in the same conditions: YuNet 14.2 ms (one thread), Haar 85 ms, OpenCV DNN SSD
//! 47 ms; OpenCV 4.14's own `FaceDetectorYN` (Python, one thread) 10.1 ms.
//!
//! A plan with symbolic height and width was tried and rejected: tract optimises it far less
//! (about 7x slower per frame than a concrete-shape plan), while a concrete plan costs only
//! 50-70 ms to build. So one optimised plan is built per padded frame size, on the first frame
//! of that size, and cached (up to four sizes); a video has a single size.
//!
//! # Score threshold: 0.7, not OpenCV's 0.9
//! This model's scores are compressed near the top: over every frame of the shared test videos
//! (`input1`, `input2`, `man_and_girl`, `young_woman_closeup`), frontal faces score 0.90-0.94,
//! faces turned away or cut by the frame border 0.60-0.89, and the best non-face 0.56 (a hand in
//! front of the face in `input1.mp4`). At 0.9 the girl of `man_and_girl.mp4` is lost in a third
//! of the frames (both faces in 135 of 205), at 0.7 both are found in 192 of 205 with no false
//! detection on any of the four videos. The threshold is `detector.yunet.score_threshold`.
//!
//! # Square boxes
//! YuNet's boxes hug the face: about 0.73 as wide as tall. The estimators squeeze every crop into
//! a square input (64x64 for SSR-Net, 227x227 for the Caffe nets), which stretches such a crop
//! sideways by a third, and the original program fed them Haar's square boxes. So
//! [`FaceDetector::detect`](crate::FaceDetector::detect) grows each box to a square of its longer
//! side (`detector.yunet.square_boxes`, on by default; landmarks and score unchanged). The square
//! keeps the box's vertical centre and is centred sideways on the centroid of the five landmarks,
//! as far as it can be while it still contains the box: when the head turns, the box takes in the
//! visible side of the head and its centre drifts off the eyes, nose and mouth (up to 11 px on
//! `input1.mp4`). On the labelled UTKFace photos the squares raise SSR-Net's gender accuracy from
//! 63.2% to 65.6% and the Caffe nets' from 76.2% to 84.8% (docs/ACCURACY.md). On `input1.mp4`
//! they overlap the original's Haar boxes by IoU >= 0.7 in all 59 frames where both detect
//! (YuNet's own boxes: 43; squares centred on the box: 52).
//! [`YunetDetector::detect_faces`] always returns YuNet's own boxes.
//!
//! # Buffers
//! The parsed graph, each plan, its execution state and its input tensor live as long as the
//! detector; a frame writes the tensor in place and the decode/NMS vectors keep their capacity.
//! tract itself allocates the intermediate activations of each run.

mod config;
mod decode;
mod detector;
mod face;
mod input_size;
mod model;
mod nms;
mod pools;
mod preprocess;
mod session;

pub use config::{
    DEFAULT_YUNET_MODEL, DEFAULT_YUNET_NMS_THRESHOLD, DEFAULT_YUNET_SCORE_THRESHOLD,
    DEFAULT_YUNET_TOP_K, YunetConfig,
};
pub use detector::YunetDetector;
pub use face::YunetFace;
