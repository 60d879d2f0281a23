#!/usr/bin/env bash
# Bounded fuzzing on a stable compiler: runs the property tests over arbitrary bytes and mutated
# real files (HDF5 weight reader, Caffe prototxt/caffemodel parser, app config parser) with more
# cases than the normal test run.
#
#   scripts/fuzz.sh                      # 2000 cases per property
#   AGENDER_FUZZ_CASES=20000 scripts/fuzz.sh
#   FUZZ_TIME_LIMIT=600 scripts/fuzz.sh  # stop each target after this many seconds
#
# Needs ../shared/mirror (or AGENDER_SHARED). A failing case is printed minimised by proptest:
# fix the crash and add the input to the target's `regression_inputs_*` test.
set -euo pipefail
cd "$(dirname "$0")/.."

export AGENDER_FUZZ_CASES="${AGENDER_FUZZ_CASES:-2000}"
limit="${FUZZ_TIME_LIMIT:-900}"
echo "fuzzing with ${AGENDER_FUZZ_CASES} cases per property, at most ${limit}s per target"

status=0
run() {
    echo "== $*"
    if ! timeout --signal=INT "$limit" cargo test "$@" -- --test-threads=2; then
        echo "!! failed (or hit the time limit): $*"
        status=1
    fi
}
run -p models --test fuzz_hdf5
run -p models --test fuzz_caffe
run -p app --bin app config_fuzz
exit "$status"
