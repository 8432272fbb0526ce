#!/usr/bin/env bash
# One command: installs what is missing, builds everything, runs the whole
# test suite through ctest. GUI tests (when built) run offscreen.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh

parity_install "${PARITY_CORE_PACKAGES[@]}" "${PARITY_GUI_PACKAGES[@]}" "${PARITY_TEST_PACKAGES[@]}"
# Explicitly on: ./run.sh configures the same build folder with tests and
# benchmarks off, and CMake would keep that.
parity_build build -DPARITY_BUILD_TESTS=ON -DPARITY_BUILD_BENCH=ON
export QT_QPA_PLATFORM=offscreen
ctest --test-dir build --output-on-failure -j"$(nproc)"
