#!/usr/bin/env bash
# Kill drill (issue 5, item 3/4): proves that checkpoints survive SIGKILL and a
# full disk, and that a resume keeps one entry per epoch in every result file.
#
#   bench/kill_drill.sh [BUILD_DIR] [RANDOM_KILLS]
#
# BUILD_DIR holds app/cli/parity-train (default: build; absolute, or relative
# to the repository root). Three parts:
#  1. Injected kills: PARITY_FAULT_KILL="<n>:<where>" (core/util/AtomicFile.h)
#     makes parity-train SIGKILL itself inside its n-th atomic file write,
#     after 0 / 64 KiB / 1 MiB bytes of the temporary file, after it
#     is flushed ("synced") or just after the rename ("renamed"), for every
#     write of a 3-epoch run (checkpoints, run.json).
#  2. RANDOM_KILLS (default 20) kill -9 at random moments of a run.
#  After each kill: best.pth (if any) loads and tests (--only-test), a resume
#  from current.pth (or a fresh start when none was written) finishes, every
#  <split>_<metric>.txt has exactly 3 lines and metrics.csv exactly one row
#  per epoch and split, run.json says "finished", no temporary file is left.
#  3. Full disk: a 1.5-checkpoint-sized tmpfs as save directory; the run must
#     fail with "No space left on device", the previous current.pth must load
#     and a resume from it (elsewhere) finish. Skipped when mount is refused.
# Prints the figures; exits 1 when any kill point did not survive.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
[[ $BUILD == /* ]] || BUILD=$PWD/$BUILD   # relative to the repository root
RANDOM_KILLS=${2:-20}
[[ -x $BUILD/app/cli/parity-train ]] || { echo "no $BUILD/app/cli/parity-train: build it first" >&2; exit 2; }
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}   # for a PARITY_SANITIZE build
WORK=$(mktemp -d /tmp/parity-kill-drill-XXXXXX)
trap 'umount "$WORK/small" 2>/dev/null; rm -rf "$WORK"' EXIT
# A copy: a rebuild during the drill must not swap the binary under it (the
# launcher starts the program beside it).
cp "$BUILD/app/cli/parity-train" "$BUILD/app/cli/parity-train-bin" "$WORK/"
EXE=$WORK/parity-train
EPOCHS=3

python3 - "$WORK/data" <<'PY'
import os, random, struct, sys
d = sys.argv[1]; os.makedirs(d)
rng = random.Random(7)
for prefix, n in (("train", 400), ("t10k", 120)):
    labels = [rng.randrange(10) for _ in range(n)]
    with open(f"{d}/{prefix}-images-idx3-ubyte", "wb") as f:
        f.write(struct.pack(">IIII", 0x803, n, 28, 28))
        for c in labels:
            px = bytearray(rng.randrange(40) for _ in range(784))
            for p in range(c * 2 * 28, (c * 2 + 2) * 28):
                px[p] = 200 + rng.randrange(56)
            f.write(px)
    with open(f"{d}/{prefix}-labels-idx1-ubyte", "wb") as f:
        f.write(struct.pack(">II", 0x801, n) + bytes(labels))
PY
cat > "$WORK/c.json" <<JSON
{"num_epoch": $EPOCHS, "k_vals": [2], "enc_dec_types": [["add", "sub"]], "datasets": ["mnist"],
 "models": ["base-mlp"], "losses": ["mse"], "batch_size": 16, "seed": 3, "threads": 1,
 "data_dir": "$WORK/data"}
JSON

train() {   # train SAVE_DIR [args...]: runs parity-train, output to $WORK/log
    local save=$1; shift
    "$EXE" "$WORK/c.json" "$save" "$@" >>"$WORK/log" 2>&1
}
rundir() { echo "$1/mnist/base-mlp/k2/mse/add/sub"; }

# Checks a run directory after recovery; prints the reason on failure.
check_record() {
    local dir=$1 f n
    for f in "$dir"/*.txt; do
        n=$(wc -l <"$f")
        [[ $n -eq $EPOCHS ]] || { echo "$(basename "$f") has $n lines"; return 1; }
        [[ -z $(tail -c1 "$f") ]] || { echo "$(basename "$f") ends mid-line"; return 1; }
    done
    n=$(wc -l <"$dir/metrics.csv")
    [[ $n -eq $((1 + 3 * EPOCHS)) ]] || { echo "metrics.csv has $n lines"; return 1; }
    local epochs
    epochs=$(tail -n +2 "$dir/metrics.csv" | cut -d, -f1 | sort -n | uniq -c | awk '{print $2":"$1}' | tr '\n' ' ')
    [[ $epochs == "0:3 1:3 2:3 " ]] || { echo "metrics.csv epochs: $epochs"; return 1; }
    grep -q '"status": "finished"' "$dir/run.json" || { echo "run.json not finished"; return 1; }
    if compgen -G "$dir/*.tmp-*" >/dev/null; then echo "temporary files left: $(ls "$dir" | grep tmp-)"; return 1; fi
    return 0
}

# After a kill: load best.pth, resume (or restart), check the record.
recover() {
    local save=$1 dir
    dir=$(rundir "$save")
    if [[ -f $dir/best.pth ]]; then
        cp "$dir/best.pth" "$WORK/best-copy.pth"
        train "$WORK/probe" --continue-from "$WORK/best-copy.pth" --only-test || { echo "best.pth does not load"; return 1; }
        rm -rf "$WORK/probe"
    fi
    if [[ -f $dir/current.pth ]]; then
        train "$save" --continue-from "$dir/current.pth" || { echo "resume from current.pth failed"; return 1; }
    else
        train "$save" || { echo "restart failed"; return 1; }
    fi
    check_record "$dir"
}

points=0 survived=0 failures=()
record() {   # record LABEL RESULT-TEXT STATUS
    points=$((points + 1))
    if [[ $3 -eq 0 ]]; then survived=$((survived + 1)); else failures+=("$1: $2"); echo "FAILED $1: $2"; fi
}

# Reference run, and the size of a checkpoint for part 3.
train "$WORK/ref" || { echo "reference run failed:"; cat "$WORK/log"; exit 1; }
check_record "$(rundir "$WORK/ref")" || { echo "the reference run's record is wrong"; exit 1; }
CKPT=$(stat -c %s "$(rundir "$WORK/ref")/current.pth")

# 1. Injected kills.
injected=0
for ((call = 1; ; call++)); do
    for where in 0 65536 1048576 synced renamed; do
        save="$WORK/s-$call-$where"
        # (in a subshell whose stderr is dropped: bash reports the SIGKILL there)
        (PARITY_FAULT_KILL="$call:$where" "$EXE" "$WORK/c.json" "$save" >>"$WORK/log" 2>&1; exit $?) 2>/dev/null
        rc=$?
        if [[ $rc -ne 137 ]]; then
            rm -rf "$save"
            [[ $where == 0 && $rc -eq 0 ]] && break 2   # a run makes fewer writes: done
            record "write $call at $where" "not killed (exit $rc)" 1
            [[ $where == 0 ]] && break 2   # parity-train itself fails: stop here
            continue
        fi
        injected=$((injected + 1))
        why=$(recover "$save")
        record "write $call at $where" "$why" $?
        rm -rf "$save"
    done
done
writes=$((call - 1))
echo "injected: $writes atomic writes per run x 5 points = $injected kills"

# 2. Random kills.
for ((i = 1; i <= RANDOM_KILLS; i++)); do
    save="$WORK/r-$i"
    delay=$(awk -v s="$RANDOM$i" 'BEGIN { srand(s); printf "%.2f", 0.3 + rand() * 4 }')
    "$EXE" "$WORK/c.json" "$save" >>"$WORK/log" 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
    why=$(recover "$save")
    record "random kill $i after ${delay}s" "$why" $?
    rm -rf "$save"
done

# 3. Full disk.
disk="skipped (mount not permitted)"
mkdir -p "$WORK/small"
size=$(( (CKPT * 5 / 2 + 65536) / 4096 * 4096 ))
if mount -t tmpfs -o size=$size tmpfs "$WORK/small" 2>/dev/null; then
    out=$("$EXE" "$WORK/c.json" "$WORK/small/save" 2>&1)
    rc=$?
    dir=$(rundir "$WORK/small/save")
    if [[ $rc -eq 1 && $out == *"No space left on device"* ]] \
        && cp "$dir/current.pth" "$WORK/kept.pth" \
        && train "$WORK/after-full" --continue-from "$WORK/kept.pth"; then
        disk="ok: exit $rc, '$(grep -o 'cannot write [^:]*: No space left on device[^)]*)' <<<"$out" | head -1 | sed "s|$WORK|…|")', current.pth kept and resumed"
    else
        disk="FAILED (exit $rc): $(tail -2 <<<"$out")"
        failures+=("full disk: $disk")
    fi
    umount "$WORK/small"
fi

echo
echo "kill points: $points (injected $injected, random $RANDOM_KILLS), survived: $survived"
echo "full disk (tmpfs of $size bytes, checkpoint $CKPT bytes): $disk"
if ((${#failures[@]})); then
    printf 'failure: %s\n' "${failures[@]}"
    exit 1
fi
