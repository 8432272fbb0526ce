#!/usr/bin/env bash
# Checks that every C++ source of the project is formatted by .clang-format
# (clang-format 14, Debian 12's). Prints each file that is not, with its first
# differences, and exits 1; exits 0 with a count when all are.
#   scripts/check_format.sh [--fix]      (--fix formats the files in place)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
format=${CLANG_FORMAT:-clang-format}
if ! command -v "$format" >/dev/null; then
    echo "check_format: $format not found (Debian package clang-format)" >&2
    exit 2
fi
mapfile -d '' files < <(find core app widgets tests bench fuzz -type f \( -name '*.cpp' -o -name '*.h' -o -name '*.h.in' \) \
                          ! -path 'tests/data/*' -print0 | LC_ALL=C sort -z)
if [ "${1:-}" = --fix ]; then
    "$format" -i --style=file "${files[@]}"
    echo "formatted ${#files[@]} files"
    exit 0
fi
bad=0
for f in "${files[@]}"; do
    if ! diff -q "$f" <("$format" --style=file --assume-filename="$f" < "$f") >/dev/null; then
        echo "$f: not formatted; the first differences (run scripts/check_format.sh --fix):"
        diff "$f" <("$format" --style=file --assume-filename="$f" < "$f") | head -8 | sed 's/^/    /' || true
        bad=$((bad + 1))
    fi
done
if [ "$bad" -ne 0 ]; then
    echo "format check FAILED: $bad of ${#files[@]} files differ from .clang-format"
    exit 1
fi
echo "format OK: ${#files[@]} files"
