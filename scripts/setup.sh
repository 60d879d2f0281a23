#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for agender: system packages (OpenCV, clang for the
# OpenCV bindings), the Rust toolchain if missing, and the models and sample clips.
#
# Models come from the network, or from a local mirror when one is given or found:
#   AGENDER_MIRROR=/path/to/mirror bash scripts/setup.sh
# By default the mirror at ${AGENDER_SHARED:-../shared}/mirror is used when it exists.
#
#   bash scripts/setup.sh           # for running the app: builds only the xtask to fetch models
#   bash scripts/setup.sh --tests   # for `cargo test --workspace`: builds the whole test suite
#                                   # first and fetches with the xtask binary that build made
# Why two modes: cargo resolves dependency features per command, so `cargo run -p xtask` and
# `cargo test --workspace` build tract (optimised, minutes on 2 cores) with different feature
# sets, twice. `--tests` builds once, in the resolution `cargo test --workspace` reuses.
set -euo pipefail
cd "$(dirname "$0")/.."

for_tests=false
case "${1:-}" in
  "") ;;
  --tests) for_tests=true ;;
  *) echo "usage: bash scripts/setup.sh [--tests]" >&2; exit 2 ;;
esac

# FFmpeg's -dev packages come with libopencv-dev on Debian; named for the H.264 writer (ffmpeg-next).
# make builds jemalloc, the app's allocator (tikv-jemalloc-sys).
packages=(libopencv-dev clang libclang-dev make pkg-config libavcodec-dev libavformat-dev libavutil-dev libswscale-dev)
sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "setup: installing the Rust toolchain with rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi

shared="${AGENDER_SHARED:-../shared}"
mirror="${AGENDER_MIRROR:-}"
if [ -z "$mirror" ] && [ -d "$shared/mirror" ]; then
  mirror="$shared/mirror"
fi
fetch_args=()
if [ -n "$mirror" ]; then
  echo "setup: fetching models from the local mirror $mirror"
  fetch_args=(--mirror "$mirror")
else
  echo "setup: downloading models"
fi
if [ "$for_tests" = true ]; then
  echo "setup: building the test suite (cargo test --workspace --no-run)"
  cargo test --workspace --no-run
  "${CARGO_TARGET_DIR:-target}/debug/xtask" fetch-models "${fetch_args[@]}"
else
  cargo xtask fetch-models "${fetch_args[@]}"
fi
