#!/usr/bin/env python3
"""Times onnxruntime on the SSR-Net ONNX files (age, gender, and the pair) at given batch sizes.

Used by `cargo xtask bench` for the tract-vs-onnxruntime comparison; onnxruntime is NOT a project
dependency: run it through `scripts/bench/py.sh ort_ssrnet.py`, which creates a virtual environment
under target/ and pip-installs onnxruntime and numpy there.

Prints one JSON object: {"onnxruntime": version, "threads": ..., "results": [{"net", "batch",
"median_ms_per_call", "median_ms_per_face"}...]}.
"""
import argparse
import json
import statistics
import time

import numpy as np
import onnxruntime as ort

# Per-face input of both nets: NHWC 64x64 BGR, values 0..255 (models.md).
INPUT_SHAPE = (64, 64, 3)
# Fixed seed so every run feeds the same pixels (timing does not depend on them).
SEED = 7


def median_ms(run, repeats, warmup):
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--age", required=True)
    parser.add_argument("--gender", required=True)
    parser.add_argument("--batches", default="1,4,16")
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads, 0 = onnxruntime default")
    args = parser.parse_args()

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    sessions = {
        "age": ort.InferenceSession(args.age, options, providers=["CPUExecutionProvider"]),
        "gender": ort.InferenceSession(args.gender, options, providers=["CPUExecutionProvider"]),
    }
    rng = np.random.default_rng(SEED)
    results = []
    for batch in [int(b) for b in args.batches.split(",")]:
        blob = rng.uniform(0, 255, size=(batch, *INPUT_SHAPE)).astype(np.float32)
        runs = {
            name: (lambda s=s: s.run(None, {s.get_inputs()[0].name: blob}))
            for name, s in sessions.items()
        }
        runs["pair"] = lambda: (runs["age"](), runs["gender"]())
        for name, run in runs.items():
            ms = median_ms(run, args.repeats, args.warmup)
            results.append(
                {"net": name, "batch": batch, "median_ms_per_call": ms, "median_ms_per_face": ms / batch}
            )
    print(json.dumps({"onnxruntime": ort.__version__, "threads": args.threads, "results": results}))


if __name__ == "__main__":
    main()
