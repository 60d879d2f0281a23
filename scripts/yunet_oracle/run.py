#!/usr/bin/env python3
"""Independent oracle for the Rust YuNet detector (crates/detect/src/yunet).

Runs OpenCV's own `cv2.FaceDetectorYN` (PyPI `opencv-python-headless`, which reads the 2023 YuNet
model; Debian's OpenCV 4.6 cannot) on fixed frames of the shared test videos and writes every
detection (box, five landmarks, score) as JSON numbers. The committed output lives at
`crates/detect/tests/data/yunet_oracle.json`; see README.md next to this file for how to run it.

Each frame is prepared exactly as the agender pipeline prepares it: decoded with
`cv2.VideoCapture`, then resized with `cv2.INTER_LINEAR` to the original program's processing size
(about 480*340 pixels of area, aspect ratio kept, truncated like Python's int()). For
man_and_girl.mp4 the native size is run as well, so a second, larger input size is covered.

Pixel checksums (sum and sum of squares of the decoded frame and of the detector input) are
recorded too, so the Rust test can prove that its decoder (Debian's OpenCV 4.6) and resize see the
same pixels as this script.
"""

import argparse
import json
import math
import os
import sys

import cv2
import numpy as np

# The original program's processing area (480x340 pixels), see ../shared/docs/models.md section 4.
PROCESSING_AREA = 480 * 340
# OpenCV's FaceDetectorYN defaults (objdetect.hpp) and the score threshold of its samples.
SCORE_THRESHOLD = 0.9
NMS_THRESHOLD = 0.3
TOP_K = 5000
MODEL_FILE = "face_detection_yunet_2023mar.onnx"

# (video file, frame indices, input size mode); "processing" = the pipeline's processing size,
# "native" = the decoded frame as is.
CASES = [
    ("input1.mp4", [0, 10, 20, 30, 40, 50, 60, 69], "processing"),
    ("man_and_girl.mp4", [0, 40, 80, 120, 160, 200], "processing"),
    ("man_and_girl.mp4", [0, 100, 200], "native"),
]


def processing_size(width, height):
    """The original program's frame size: w = int(sqrt(A*W/H)), h = int(sqrt(A*H/W))."""
    return (
        int(math.sqrt(PROCESSING_AREA * width / height)),
        int(math.sqrt(PROCESSING_AREA * height / width)),
    )


def read_frames(path, wanted):
    """Decode the video sequentially and return {index: BGR frame} for the wanted indices."""
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        sys.exit(f"cannot open {path}")
    frames = {}
    index = 0
    last = max(wanted)
    while index <= last:
        ok, frame = capture.read()
        if not ok:
            sys.exit(f"{path}: only {index} frames, wanted frame {last}")
        if index in wanted:
            frames[index] = frame
        index += 1
    return frames


def checksums(image):
    """Sum and sum of squares of all bytes, as Python ints (exact)."""
    values = image.astype(np.int64)
    return int(values.sum()), int((values * values).sum())


def face_to_json(row):
    """One FaceDetectorYN row: x, y, w, h, 5 landmarks (x, y), score."""
    return {
        "x": float(row[0]),
        "y": float(row[1]),
        "w": float(row[2]),
        "h": float(row[3]),
        "landmarks": [[float(row[4 + 2 * i]), float(row[5 + 2 * i])] for i in range(5)],
        "score": float(row[14]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=os.environ.get("AGENDER_SHARED", "../shared"),
                        help="the shared data directory (default $AGENDER_SHARED or ../shared)")
    parser.add_argument("--output", default="crates/detect/tests/data/yunet_oracle.json")
    args = parser.parse_args()

    model = os.path.join(args.shared, "mirror", MODEL_FILE)
    result = {
        "opencv_version": cv2.__version__,
        "model": MODEL_FILE,
        "score_threshold": SCORE_THRESHOLD,
        "nms_threshold": NMS_THRESHOLD,
        "top_k": TOP_K,
        "cases": [],
    }
    for video, indices, mode in CASES:
        frames = read_frames(os.path.join(args.shared, "testdata", "videos", video), set(indices))
        height, width = frames[indices[0]].shape[:2]
        size = processing_size(width, height) if mode == "processing" else (width, height)
        detector = cv2.FaceDetectorYN.create(model, "", size, SCORE_THRESHOLD, NMS_THRESHOLD, TOP_K)
        case = {"video": video, "input_width": size[0], "input_height": size[1], "frames": []}
        for index in indices:
            frame = frames[index]
            image = frame if size == (width, height) else cv2.resize(
                frame, size, interpolation=cv2.INTER_LINEAR)
            _, faces = detector.detect(image)
            faces = [] if faces is None else [face_to_json(row) for row in faces]
            frame_sum, frame_sum_sq = checksums(frame)
            input_sum, input_sum_sq = checksums(image)
            case["frames"].append({
                "index": index,
                "frame_sum": frame_sum,
                "frame_sum_sq": frame_sum_sq,
                "input_sum": input_sum,
                "input_sum_sq": input_sum_sq,
                "faces": faces,
            })
            print(f"{video} frame {index} at {size[0]}x{size[1]}: {len(faces)} face(s)",
                  file=sys.stderr)
        result["cases"].append(case)

    with open(args.output, "w") as out:
        json.dump(result, out, indent=1)
        out.write("\n")
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
