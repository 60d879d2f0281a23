#!/usr/bin/env bash
# Creates (once) the virtual environment in which dlib's own code runs as a reference for our
# shape predictor and face-chip code, and prints its python path.
#   python="$(bash scripts/dlib_reference/venv.sh)"
# PyPI's `dlib-bin` is dlib's Python binding as a prebuilt wheel (no compiler, no CMake).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${AGENDER_VENVS:-target/venvs}/dlib"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "dlib-bin==20.0.1.post1" "numpy<3" "pillow<12" >&2
fi
echo "$venv/bin/python"
