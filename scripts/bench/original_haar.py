#!/usr/bin/env python3
"""Times the original program's detection stage on this machine: OpenCV's Python package (4.x,
from PyPI), each frame shrunk to the original's processing size, converted to grayscale and run
through `CascadeClassifier.detectMultiScale(gray, 1.1, 5)`, as the original's `findFaces`.

Used by `cargo xtask bench`, so the original program's reference figures (Haar 31.7 ms per frame,
8.4 FPS for the whole original program) can be set beside what the same OpenCV code does on the
machine the benchmark ran on. Run it through `scripts/bench/py.sh original_haar.py`, which
creates a virtual environment under target/ with opencv-python-headless.

Prints one JSON object: {"opencv": version, "threads": n, "frames": n, "passes": n,
"median_ms": ..., "mean_ms": ...} (milliseconds per frame: grayscale + detectMultiScale).
"""
import argparse
import json
import math
import statistics
import time

import cv2

# The original program's processing area (480 x 340 pixels) and detectMultiScale arguments
# (docs/models.md).
PROCESSING_AREA = 480 * 340
SCALE_FACTOR = 1.1
MIN_NEIGHBORS = 5


def processing_frames(video):
    """Every frame of `video`, shrunk as the original did (aspect ratio kept, sides truncated)."""
    capture = cv2.VideoCapture(video)
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        height, width = frame.shape[:2]
        small_width = int(math.sqrt(PROCESSING_AREA * width / height))
        small_height = int(math.sqrt(PROCESSING_AREA * height / width))
        frames.append(cv2.resize(frame, (small_width, small_height)))
    if not frames:
        raise SystemExit(f"no frame could be read from {video}")
    return frames


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", required=True)
    parser.add_argument("--cascade", required=True)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    classifier = cv2.CascadeClassifier(args.cascade)
    if classifier.empty():
        raise SystemExit(f"cannot load the cascade {args.cascade}")
    frames = processing_frames(args.video)
    times = []
    for _ in range(args.passes):
        for frame in frames:
            start = time.perf_counter()
            gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            classifier.detectMultiScale(gray, SCALE_FACTOR, MIN_NEIGHBORS)
            times.append((time.perf_counter() - start) * 1e3)
    print(
        json.dumps(
            {
                "opencv": cv2.__version__,
                "threads": cv2.getNumThreads(),
                "frames": len(frames),
                "passes": args.passes,
                "median_ms": statistics.median(times),
                "mean_ms": statistics.fmean(times),
            }
        )
    )


if __name__ == "__main__":
    main()
