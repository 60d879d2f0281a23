#!/usr/bin/env bash
# Creates (once) a virtual environment with onnxruntime under target/bench-venv and runs
# ort_ssrnet.py in it with the given arguments. onnxruntime is not a project dependency.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${AGENDER_BENCH_VENV:-$here/../../target/bench-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import onnxruntime, numpy" 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet onnxruntime numpy >&2
fi
exec "$venv/bin/python" "$here/ort_ssrnet.py" "$@"
