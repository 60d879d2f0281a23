#!/usr/bin/env bash
# Runs a benchmark script of this folder in a virtual environment under target/bench-venv,
# created (once) with what the reference measurements need from PyPI: onnxruntime (tract's
# comparison on the SSR-Net files) and opencv-python-headless 4.x (the original program's Haar
# stage). None of them is a project dependency.
#   scripts/bench/py.sh ort_ssrnet.py --age ... | original_haar.py --video ...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${AGENDER_BENCH_VENV:-$here/../../target/bench-venv}"
script="${1:?usage: py.sh SCRIPT.py [ARGS...]}"
shift
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import onnxruntime, numpy, cv2" 2>/dev/null; then
    python3 -m venv "$venv" >&2
    # OpenCV 5 moved CascadeClassifier out of the main package: the original used 4.x.
    "$venv/bin/pip" install --quiet onnxruntime numpy "opencv-python-headless<5" >&2
fi
exec "$venv/bin/python" "$here/$script" "$@"
