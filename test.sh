#!/usr/bin/env bash
# One command: installs what is missing, builds everything, runs the whole
# test suite through ctest. GUI tests (when built) run offscreen.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh

parity_install "${PARITY_CORE_PACKAGES[@]}" "${PARITY_GUI_PACKAGES[@]}" "${PARITY_TEST_PACKAGES[@]}"
# Explicitly on: ./run.sh configures the same build folder with tests and
# benchmarks off, and CMake would keep that.
# PARITY_WERROR=ON (CI) turns compiler warnings into errors.
werror=${PARITY_WERROR:-OFF}
parity_build build -DPARITY_BUILD_TESTS=ON -DPARITY_BUILD_BENCH=ON -DPARITY_CORE_TESTS=all -DPARITY_WERROR="$werror"
export QT_QPA_PLATFORM=offscreen
ctest --test-dir build --output-on-failure -j"$(nproc)"

# The core on its own: configured without the GUI (no Qt headers reach it),
# built and tested again. PARITY_SKIP_CORE_ONLY=1 leaves this out.
if [ "${PARITY_SKIP_CORE_ONLY:-0}" != 1 ]; then
    # Every test ran above on the same core code. Here the GUI-free build
    # builds and runs the programs as a user does (parity-train,
    # parity-serve-sim and the result files they write): 17 tests, and only
    # their three test files are compiled (PARITY_CORE_TESTS=programs), which
    # saves ~8 of its ~19 minutes on 2 cores.
    # PARITY_CORE_ONLY_TESTS=all builds and runs the whole core suite again
    # (the Slurm tests, a cluster each, still left out).
    core_tests=${PARITY_CORE_ONLY_TESTS:-programs}
    if [ "$core_tests" != all ] && [ "$core_tests" != programs ]; then
        echo "test.sh: PARITY_CORE_ONLY_TESTS must be all or programs, not '$core_tests'" >&2
        exit 2
    fi
    parity_build build-core -DPARITY_BUILD_GUI=OFF -DPARITY_BUILD_TESTS=ON -DPARITY_BUILD_BENCH=OFF \
                            -DPARITY_CORE_TESTS="$core_tests" -DPARITY_WERROR="$werror"
    if grep -q '^Qt6_DIR:' build-core/CMakeCache.txt; then
        echo "test.sh: the GUI-off build looked for Qt" >&2
        exit 1
    fi
    ctest --test-dir build-core --output-on-failure -j"$(nproc)" -LE slurm --no-tests=error
fi
