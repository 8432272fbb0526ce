#!/usr/bin/env bash
# One command: installs what is missing, builds, and runs the default
# experiment (Fashion-MNIST, base-mlp, k = 2, addition / subtraction, MSE).
# With a display it starts the workbench on that experiment (extra arguments
# go to parity-workbench, e.g. ./run.sh --start); without one it runs the
# experiment headless (extra arguments go to parity-train, e.g. --epochs 3).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh

parity_install "${PARITY_CORE_PACKAGES[@]}" "${PARITY_GUI_PACKAGES[@]}"
parity_build build -DPARITY_BUILD_TESTS=OFF -DPARITY_BUILD_BENCH=OFF

config=config/fashion-mnist-default.json
if [ -x build/app/workbench/parity-workbench ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
    exec build/app/workbench/parity-workbench --config "$config" "$@"
fi
echo "Running the default experiment headless ($config); results under ./save"
build/app/cli/parity-train "$config" save "$@"
