#!/bin/sh
# Every benchmark refuses what it does not know before it runs anything
# (bench/BenchArgs.h): status 2 and the option named; --help prints the usage.
# Before, `--help` or a typo started a full run on the defaults.
#   sh bench/check_args.sh BENCH_BINARY_DIR gui|nogui   (nogui: a build without the workbench)
set -u
dir=$1
gui=$2
fails=0
expect() { # STATUS PATTERN COMMAND...
    want=$1
    pattern=$2
    shift 2
    out=$("$@" 2>&1)
    got=$?
    if [ "$got" != "$want" ] || ! printf '%s\n' "$out" | grep -q -- "$pattern"; then
        printf 'FAIL: %s -> status %s (expected %s and /%s/): %s\n' "$*" "$got" "$want" "$pattern" "$out"
        fails=1
    else
        printf 'ok: %s -> %s\n' "$*" "$got"
    fi
}
expect 2 "unknown option --run$" "$dir/parity_bench_startup" --run 3
expect 2 "^usage: .*parity_bench_startup \[--runs N\]" "$dir/parity_bench_startup" --run 3
expect 2 "--runs: 'x' is not an integer from 1 to 2147483647" "$dir/parity_bench_models" --runs x
expect 2 "--runs: '4294967296' is not an integer from 1 to 2147483647" "$dir/parity_bench_startup" --runs 4294967296
expect 2 "--only: 'resnet' is none of resnet18, resnet18-28, vgg11, memory" "$dir/parity_bench_models" --only resnet
expect 2 "--epochs needs a value" "$dir/parity_bench_epoch" --epochs
expect 2 "unexpected argument abc" "$dir/parity_bench_decode" abc
expect 2 "the argument: 'abc' is not an integer from 1 to" "$dir/parity_bench_serving" abc
expect 2 "--load: '-1' is not a number above 0$" "$dir/parity_bench_live_serving" --load -1
expect 2 "--load: '0' is not a number above 0$" "$dir/parity_bench_live_serving" --load 0
expect 2 "--data-dir needs a value" "$dir/parity_bench_epoch" --data-dir --epochs 3
if [ "$gui" = gui ]; then
    expect 2 "unknown option --interval$" "$dir/parity_bench_inspector_latency" --interval 5
    expect 2 "unknown option --x$" "$dir/parity_bench_gui_latency" --x
fi
expect 0 "^usage: .*parity_bench_blas \[--runs N\] \[--check\] \[--compare\] \[--child\]$" "$dir/parity_bench_blas" --help
exit $fails
