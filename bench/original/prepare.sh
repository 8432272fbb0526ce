#!/usr/bin/env bash
# Lays out what the original framework's train/ tree needs to run the default
# experiment offline, for parity_bench_startup --original DIR (issue 12):
#   bench/original/prepare.sh /path/to/parity-models/train
# - Fashion-MNIST from Debian's dataset-fashion-mnist, unpacked where
#   torchvision 0.14 looks (data/fashion-mnist/FashionMNIST/raw), so its
#   download=True finds the files and downloads nothing;
# - the bundled reference base model (resources/base_models) as
#   base_model_trained_files/fashion-mnist/base-mlp/model.t7.
# Python needs Debian's python3-torch and python3-torchvision (/usr/bin/python3).
set -euo pipefail
train=${1:?usage: $0 ORIGINAL_TRAIN_DIR}
here=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$train/train.py" ] || { echo "$train has no train.py: give the original's train/ folder" >&2; exit 2; }
raw="$train/data/fashion-mnist/FashionMNIST/raw"
mkdir -p "$raw" "$train/base_model_trained_files/fashion-mnist/base-mlp"
for f in /usr/share/datasets/fashion-mnist/*-ubyte.gz; do
    [ -f "$raw/$(basename "$f" .gz)" ] || gunzip -c "$f" > "$raw/$(basename "$f" .gz)"
    cp -n "$f" "$raw/"
done
cp "$here/resources/base_models/fashion-mnist/base-mlp/model.pt" "$train/base_model_trained_files/fashion-mnist/base-mlp/model.t7"
echo "ready: $train"
