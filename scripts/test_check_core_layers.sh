#!/usr/bin/env bash
# The layer check itself: it passes a layered tree, and fails (exit 1) on an
# include that points up and on a cycle, naming the offending include.
set -euo pipefail
check=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/check_core_layers.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/core/util" "$tmp/core/data" "$tmp/core/training"
printf '#pragma once\n' > "$tmp/core/util/Error.h"
printf '#pragma once\n#include "util/Error.h"\n' > "$tmp/core/data/Boxes.h"
printf '#include "data/Boxes.h"\n#include "util/Error.h"\n' > "$tmp/core/training/Trainer.cpp"
out=$(bash "$check" "$tmp/core") || { echo "FAIL: a layered tree was refused: $out"; exit 1; }
case $out in *"core layers OK"*) ;; *) echo "FAIL: no OK line: $out"; exit 1 ;; esac

printf '#pragma once\n#include "util/Error.h"\n#include "training/Trainer.h"\n' > "$tmp/core/data/Boxes.h"
printf '#pragma once\n#include "data/Boxes.h"\n' > "$tmp/core/training/Trainer.h"
if out=$(bash "$check" "$tmp/core"); then
    echo "FAIL: an upward include passed: $out"
    exit 1
fi
case $out in
    *'data/Boxes.h:3: includes "training/Trainer.h" (training is above data)'*) ;;
    *) echo "FAIL: the upward include is not named: $out"; exit 1 ;;
esac
case $out in
    *"cycle: data -> training -> data"*) ;;
    *) echo "FAIL: the cycle is not named: $out"; exit 1 ;;
esac

mkdir -p "$tmp/core/newfolder"
printf '#pragma once\n' > "$tmp/core/newfolder/X.h"
printf '#pragma once\n#include "util/Error.h"\n' > "$tmp/core/data/Boxes.h"
if out=$(bash "$check" "$tmp/core"); then
    echo "FAIL: a folder outside the layer list passed: $out"
    exit 1
fi
rm -rf "$tmp/core/newfolder"
printf '#pragma once\n#include <QString>\n' > "$tmp/core/data/Boxes.h"
if out=$(bash "$check" "$tmp/core"); then
    echo "FAIL: a Qt include passed: $out"
    exit 1
fi
case $out in *"data/Boxes.h:2"*"Qt-free"*) ;; *) echo "FAIL: the Qt include is not named: $out"; exit 1 ;; esac
echo "layer check OK: passes a layered tree, names upward includes, cycles, unplaced folders and Qt includes"
