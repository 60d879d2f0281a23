#!/usr/bin/env python3
"""Times onnxruntime on single ONNX nets of the aligned estimators (the Cydral age and gender nets,
face-api's AgeGenderNet) at given batch sizes, on real face crops.

Used by `cargo xtask bench` beside tract (`crates/estimate/benches/aligned_nets.rs`, which feeds the
same crops the same way); onnxruntime is NOT a project dependency: run it through
`scripts/bench/py.sh ort_nets.py`.

  ort_nets.py --net dlib-age=models/age-v1.onnx:nchw --crops a.png,b.png --batches 1,4,16 \
      --threads 1 [--flush-denormals]

Each face: the crop resized to the net's input side (OpenCV INTER_LINEAR, as the Rust bench's
resize), RGB, (byte - mean) / 256. Prints one JSON object: {"onnxruntime": version, "threads",
"flush_denormals", "results": [{"net", "batch", "median_ms_per_call", "median_ms_per_face"}...]}.
"""
import argparse
import json
import statistics
import time

import cv2
import numpy as np
import onnxruntime as ort

# Per-channel RGB means of the Cydral nets (cydral-manifest.json) and, to three decimals,
# face-api.js's forwardInput; both divide by 256.
MEANS_RGB = np.array([122.781998, 117.000999, 104.297997], dtype=np.float32)
SCALE = 256.0


def median_ms(run, repeats, warmup):
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def face_input(crop_bgr, side, layout):
    resized = cv2.resize(crop_bgr, (side, side), interpolation=cv2.INTER_LINEAR)
    rgb = resized[:, :, ::-1].astype(np.float32)
    values = (rgb - MEANS_RGB) / SCALE
    return values.transpose(2, 0, 1) if layout == "nchw" else values


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--net", action="append", required=True, help="NAME=PATH:nchw|nhwc")
    parser.add_argument("--crops", required=True, help="comma-separated face crops, cycled")
    parser.add_argument("--batches", default="1,4,16")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads, 0 = onnxruntime default")
    parser.add_argument("--flush-denormals", action="store_true",
                        help="session.set_denormal_as_zero (FTZ/DAZ on onnxruntime's threads)")
    args = parser.parse_args()

    crops = [cv2.imread(path, cv2.IMREAD_COLOR) for path in args.crops.split(",")]
    if any(c is None for c in crops):
        raise SystemExit(f"cannot read a crop of {args.crops}")
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    if args.flush_denormals:
        options.add_session_config_entry("session.set_denormal_as_zero", "1")
    results = []
    for spec in args.net:
        name, rest = spec.split("=", 1)
        path, layout = rest.rsplit(":", 1)
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        input_name = session.get_inputs()[0].name
        side = [d for d in session.get_inputs()[0].shape if isinstance(d, int) and d != 3][0]
        faces = [face_input(c, side, layout) for c in crops]
        for batch in [int(b) for b in args.batches.split(",")]:
            blob = np.ascontiguousarray(np.stack([faces[i % len(faces)] for i in range(batch)]))
            ms = median_ms(lambda: session.run(None, {input_name: blob}), args.repeats, args.warmup)
            results.append(
                {"net": name, "batch": batch, "median_ms_per_call": ms, "median_ms_per_face": ms / batch}
            )
    print(json.dumps({
        "onnxruntime": ort.__version__,
        "threads": args.threads,
        "flush_denormals": args.flush_denormals,
        "results": results,
    }))


if __name__ == "__main__":
    main()
