#!/usr/bin/env bash
# The .deb as a user gets it (README: cpack -G DEB): built from this build
# tree into a directory of its own, its Depends pinned to the LibTorch its
# stand-ins fit (packaging/Packaging.cmake), and its programs working where
# it is unpacked, stand-ins included.
# usage: test_deb_package.sh BUILD_DIR "PIN" STAND_IN_COUNT
set -euo pipefail
build=$1 pin=$2 count=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*"
    exit 1
}

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1 ||
    fail "cpack -G DEB: $(tail -5 "$tmp/cpack.log")"
deb=$(ls "$tmp"/out/parity-workbench_*_amd64.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no parity-workbench_*_amd64.deb in $tmp/out: $(ls "$tmp/out")"

depends=$(dpkg-deb -f "$deb" Depends)
case "$depends" in *libopenblas0-pthread*) ;; *) fail "Depends lacks libopenblas0-pthread: $depends" ;; esac
if [ -n "$pin" ]; then
    case "$depends" in *"$pin"*) ;; *) fail "Depends lacks '$pin': $depends" ;; esac
fi

dpkg-deb -x "$deb" "$tmp/root"
for f in usr/bin/parity-train usr/bin/parity-workbench usr/bin/parity-serve-sim \
    usr/share/applications/parity-workbench.desktop \
    usr/share/parity-workbench/base_models/fashion-mnist/base-mlp/model.pt; do
    [ -e "$tmp/root/$f" ] || fail "the package lacks /$f"
done
found=$(find "$tmp/root" -path '*parity-skipped-libraries/*' -type f | wc -l)
[ "$found" -eq "$count" ] || fail "$found stand-ins in the package, the build made $count"

# Unpacked anywhere, the programs start and find their stand-ins.
described=$("$tmp/root/usr/bin/parity-train" "$tmp/root/usr/share/parity-workbench/config/fashion-mnist-default.json" \
    --describe 2>&1) || fail "parity-train --describe from the package: $described"
if [ "$count" -gt 0 ]; then
    case "$described" in
    *"$count that LibTorch names but never calls are empty stand-ins"*) ;;
    *) fail "parity-train from the package does not use its $count stand-ins: $(echo "$described" | grep libraries)" ;;
    esac
fi
QT_QPA_PLATFORM=offscreen "$tmp/root/usr/bin/parity-workbench" --version >"$tmp/wb.log" 2>&1 ||
    fail "parity-workbench --version from the package: $(cat "$tmp/wb.log")"
echo "deb OK: $(basename "$deb"), Depends: $depends"
