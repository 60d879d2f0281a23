#!/usr/bin/env bash
# Regenerates crates/estimate/tests/data/faceapi_oracle.json: installs the pinned face-api
# packages (package.json + package-lock.json next to this script) into
# target/faceapi_oracle/node_modules and runs oracle.js on the shared data.
#
# Usage, from anywhere: bash scripts/faceapi_oracle/run.sh [SHARED_DIR]
# (SHARED_DIR defaults to $AGENDER_SHARED, then ../shared next to the workspace).
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$script_dir/../.." && pwd)"
shared="${1:-${AGENDER_SHARED:-$root/../shared}}"
work="$root/target/faceapi_oracle"
out="$root/crates/estimate/tests/data/faceapi_oracle.json"

mkdir -p "$work" "$(dirname "$out")"
cp "$script_dir/package.json" "$script_dir/package-lock.json" "$work/"
# --ignore-scripts: nothing is built or downloaded beyond the registry's tarballs (no tfjs-node).
(cd "$work" && npm ci --no-audit --no-fund --ignore-scripts)
NODE_PATH="$work/node_modules" node "$script_dir/oracle.js" --shared "$shared" --out "$out"
echo "wrote $out"
