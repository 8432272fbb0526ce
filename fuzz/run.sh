#!/usr/bin/env bash
# Builds the libFuzzer targets (issue 5) into build-fuzz/ and runs each for a
# given time from a seed corpus of tiny valid files.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     (default: 60 s, every target)
#
# Needs clang with libFuzzer (Debian: clang). Everything runs under nice -n 19.
# Per target, in build-fuzz/fuzz-out/<target>/: corpus/ (grows across runs),
# artifacts/ (crash-*, timeout-*, oom-* inputs), log. A summary line per
# target gives executions and findings; the exit status is 1 when a target
# found something. A finding is reproduced with
#   build-fuzz/fuzz/<target> build-fuzz/fuzz-out/<target>/artifacts/crash-...
# and becomes a regression test with the input kept in tests/data/fuzz/.
# JOBS=n runs n targets at once (default 1).
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
shift || true
ALL=(fuzz_idx fuzz_cifar fuzz_wav fuzz_image fuzz_config fuzz_state_dict fuzz_checkpoint)
[[ $# -gt 0 ]] && TARGETS=("$@") || TARGETS=("${ALL[@]}")
JOBS=${JOBS:-1}
BUILD=build-fuzz

if [[ ! -f $BUILD/CMakeCache.txt ]]; then
    CC=clang CXX=clang++ cmake -S . -B $BUILD -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPARITY_BUILD_GUI=OFF \
        -DPARITY_BUILD_BENCH=OFF -DPARITY_BUILD_FUZZ=ON >/dev/null || exit 2
fi
nice -n 19 cmake --build $BUILD -j"${BUILD_JOBS:-2}" --target fuzz_make_seeds "${TARGETS[@]}" || exit 2

OUT=$BUILD/fuzz-out
rm -rf $BUILD/seeds
$BUILD/fuzz/fuzz_make_seeds $BUILD/seeds "$PWD" || exit 2
# LibTorch is not instrumented and keeps caches alive: no leak checking.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_target() {
    local t=$1 dir=$OUT/$1 extra=()
    mkdir -p "$dir/corpus" "$dir/artifacts"
    [[ $t == fuzz_config ]] && extra+=(-dict=fuzz/config.dict)
    # -fork keeps fuzzing after a finding, so one run reports them all.
    nice -n 19 $BUILD/fuzz/$t "$dir/corpus" "$BUILD/seeds/$t" "${extra[@]}" \
        -artifact_prefix="$dir/artifacts/" -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 \
        -timeout=10 -max_len=65536 -print_final_stats=1 -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
        -ignore_ooms=1 >"$dir/log" 2>&1
    local execs findings
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/log" | awk '{s += $2} END {print s + 0}')
    [[ $execs -eq 0 ]] && execs=$(grep -oE '^#[0-9]+' "$dir/log" | tail -1 | tr -d '#')
    findings=$(find "$dir/artifacts" -type f | wc -l)
    printf '%-16s %6ss  executions %-10s findings %s\n' "$t" "$SECONDS_PER_TARGET" "${execs:-?}" "$findings"
    [[ $findings -eq 0 ]]
}

status=0
running=0
for t in "${TARGETS[@]}"; do
    run_target "$t" &
    running=$((running + 1))
    if ((running >= JOBS)); then
        wait -n || status=1
        running=$((running - 1))
    fi
done
while ((running > 0)); do
    wait -n || status=1
    running=$((running - 1))
done
exit $status
