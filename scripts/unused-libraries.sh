#!/bin/sh
# unused-libraries.sh LIB... -- ROOT...
#
# Prints, one per line, the sonames that the libraries LIB name in DT_NEEDED
# but import no symbol from, and that nothing else the programs may load needs:
# no library reachable from ROOT (or from LIB through the names LIB does use)
# lists them. Those libraries are loaded by every program that links LIB and
# never called (issue 12, item 4: Debian's LibTorch 1.13 names OpenCV, FFmpeg,
# LevelDB, LMDB, ZeroMQ and Snappy without using them, and through them 223
# more libraries were loaded).
#
# ROOT: every other library the programs link or may dlopen (glibc's
# name-service modules are added here), so that nothing outside LibTorch's
# own unused names is ever skipped. A name is resolved
# through ld.so's cache, else next to the library that names it; a name that
# cannot be resolved is kept (never skipped), and so are the C and C++
# runtime's own names. Any tool failing is an error (exit 1, nothing printed):
# a wrong answer must never look like an empty one.
# Needs readelf and nm (binutils), ldd and ldconfig (libc-bin).
set -eu
export LC_ALL=C

fail() {
    echo "unused-libraries.sh: $*" >&2
    exit 1
}
for tool in readelf nm ldd sort comm awk sed; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool not found"
done
ldconfig=$(command -v ldconfig 2>/dev/null || echo /sbin/ldconfig)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

# The two lists, one path per line (paths may hold spaces).
: >"$work/libs"
: >"$work/roots"
list="$work/libs"
for a in "$@"; do
    if [ "$a" = "--" ]; then
        list="$work/roots"
    else
        printf '%s\n' "$a" >>"$list"
    fi
done
[ -s "$work/libs" ] || fail "usage: $0 LIB... -- ROOT..."

# ld.so's cache, one path per name (the first listed: the native one).
"$ldconfig" -p 2>/dev/null | awk '/ => / {print $1 "\t" $NF}' | sort -s -u -k1,1 >"$work/cache" || true
# glibc's name-service modules are dlopened by any process that looks up a
# user or a host: roots too.
awk -F '\t' '$1 ~ /^libnss_/ {print $2}' "$work/cache" >>"$work/roots"

needed() { # the DT_NEEDED names of a file; a file readelf cannot read is an error
    readelf -d "$1" >"$work/dynamic" 2>/dev/null || fail "readelf cannot read $1"
    sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' "$work/dynamic"
}

resolve() { # resolve SONAME DIR_OF_REQUESTER: a path, or nothing
    p=$(awk -F '\t' -v n="$1" '$1 == n {print $2; exit}' "$work/cache")
    if [ -z "$p" ] && [ -e "$2/$1" ]; then p="$2/$1"; fi
    if [ -n "$p" ]; then readlink -f "$p"; fi
}

symbols() { # symbols FILE --undefined-only|--defined-only > sorted names
    nm -D "$2" "$1" >"$work/nm" 2>/dev/null || fail "nm cannot read $1"
    awk 'NF {print $NF}' "$work/nm" | sed 's/@.*//' | sort -u
}

runtime() { # the C and C++ runtime are never skipped
    case $1 in
    ld-linux*.so* | libc.so.* | libm.so.* | libdl.so.* | libpthread.so.* | librt.so.* | libstdc++.so.* | libgcc_s.so.*)
        return 0
        ;;
    esac
    return 1
}

# Candidates: names a library LIB imports nothing from. The names LIB does
# use are followed like the roots.
: >"$work/unused"
: >"$work/used"
while IFS= read -r lib; do
    lib=$(readlink -f "$lib")
    symbols "$lib" --undefined-only >"$work/imports"
    [ -s "$work/imports" ] || fail "$lib imports no symbol at all (not a shared library?)"
    needed "$lib" >"$work/names"
    while IFS= read -r n; do
        runtime "$n" && continue
        p=$(resolve "$n" "$(dirname "$lib")")
        [ -n "$p" ] || continue
        symbols "$p" --defined-only >"$work/exports"
        if [ -s "$work/exports" ] && [ -z "$(comm -12 "$work/imports" "$work/exports" | head -n 1)" ]; then
            printf '%s\n' "$n" >>"$work/unused"
        else
            printf '%s\n' "$p" >>"$work/used"
        fi
    done <"$work/names"
done <"$work/libs"
sort -u "$work/unused" -o "$work/unused"

# Everything reachable without those names: the closure (ld.so's own, through
# ldd) of the roots and of the names LIB uses, and their own names.
# (LIB itself only by name: ldd would follow the names it does not use.)
cat "$work/libs" "$work/roots" "$work/used" | while IFS= read -r f; do
    readelf -d "$f" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'
done >"$work/reached"
cat "$work/roots" "$work/used" | while IFS= read -r f; do
    ldd "$f" 2>/dev/null | awk '$2 == "=>" {print $1}' || true
done >>"$work/reached"
sort -u "$work/reached" -o "$work/reached"
comm -23 "$work/unused" "$work/reached"
