#!/usr/bin/env bash
# Regenerates the tables of docs/ACCURACY.md: `app eval` on the UTKFace sample of ../shared for
# each estimator, on the whole aligned photo (--no-detect) and through each OpenCV detector.
#   bash scripts/accuracy.sh > /tmp/accuracy.md
set -euo pipefail
cd "$(dirname "$0")/.."
labels="${AGENDER_SHARED:-../shared}/testdata/faces/labels.csv"
cargo build --release -p app >&2
for estimator in ssrnet caffe; do
  ./target/release/app eval --labels "$labels" --estimator "$estimator" --no-detect 2>/dev/null
  echo
  for detector in haar dnn yunet; do
    ./target/release/app eval --labels "$labels" --estimator "$estimator" --detector "$detector" 2>/dev/null
    echo
  done
done
