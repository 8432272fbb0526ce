#!/usr/bin/env bash
# unused-libraries.sh itself, on libraries built here: of the names a library
# lists, it reports only one it imports nothing from and nothing else needs;
# not one it calls, not one a root needs, not one only a skipped library needs.
set -euo pipefail
script=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/unused-libraries.sh
cxx=${CXX:-c++}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

lib() { # lib NAME SOURCE [LINK ARGS...]
    local name=$1 src=$2
    shift 2
    printf '%s\n' "$src" >"$name.cpp"
    "$cxx" -shared -fPIC -o "$name" "$name.cpp" -Wl,-soname,"$name" -Wl,--no-as-needed -Wl,-rpath,'$ORIGIN' -L. "$@"
}
lib libdeep.so.1 'extern "C" int deep() { return 1; }'
lib libunused.so.1 'extern "C" int deep(); extern "C" int unused() { return deep(); }' -l:libdeep.so.1
lib libcalled.so.1 'extern "C" int called() { return 2; }'
lib libshared.so.1 'extern "C" int shared() { return 3; }'
lib libtorchish.so.1 'extern "C" int called(); extern "C" int torchish() { return called(); }' \
    -l:libunused.so.1 -l:libcalled.so.1 -l:libshared.so.1
lib libroot.so.1 'extern "C" int shared(); extern "C" int root() { return shared(); }' -l:libshared.so.1

out=$(sh "$script" "$tmp/libtorchish.so.1" -- "$tmp/libroot.so.1")
if [ "$out" != "libunused.so.1" ]; then
    echo "FAIL: expected exactly libunused.so.1, got: [$out]"
    exit 1
fi

# Without the root, the name it needed is unused too.
out=$(sh "$script" "$tmp/libtorchish.so.1" -- | tr '\n' ' ')
if [ "$out" != "libshared.so.1 libunused.so.1 " ]; then
    echo "FAIL: expected libshared.so.1 and libunused.so.1, got: [$out]"
    exit 1
fi
echo "unused-libraries.sh OK"
