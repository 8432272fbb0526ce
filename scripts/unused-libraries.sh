#!/bin/sh
# unused-libraries.sh LIB... -- ROOT...
#
# Prints, one per line, the sonames that the libraries LIB name in DT_NEEDED
# but import no symbol from, and that nothing else the programs may load needs:
# no library reachable from ROOT (or from LIB through the names LIB does use)
# lists them. Those libraries are loaded by every program that links LIB and
# never called (issue 12, item 4: Debian's LibTorch 1.13 names OpenCV, FFmpeg,
# LevelDB, LMDB, ZeroMQ and Snappy without using them: 224 libraries in all,
# with what they load).
#
# ROOT: every other library the programs link, and every plugin they may
# dlopen (Qt's), so that nothing outside LibTorch's own unused names is ever
# skipped. A name is resolved through ld.so's cache, else next to the library
# that names it; a name that cannot be resolved is kept (never skipped).
# Needs readelf and nm (binutils), ldd and ldconfig (libc-bin).
set -eu

libs=""
roots=""
seen_sep=0
for a in "$@"; do
    if [ "$a" = "--" ]; then
        seen_sep=1
    elif [ $seen_sep -eq 0 ]; then
        libs="$libs $a"
    else
        roots="$roots $a"
    fi
done
[ -n "$libs" ] || { echo "usage: $0 LIB... -- ROOT..." >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/sbin/ldconfig -p 2>/dev/null | awk '/x86-64|x86_64/ && / => / {print $1, $NF}' | sort -u -k1,1 >"$work/cache"

needed() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

# resolve SONAME DIR_OF_REQUESTER
resolve() {
    p=$(awk -v n="$1" '$1 == n {print $2; exit}' "$work/cache")
    if [ -z "$p" ] && [ -e "$2/$1" ]; then p="$2/$1"; fi
    [ -n "$p" ] && readlink -f "$p"
}

symbols() { # symbols FILE --undefined-only|--defined-only
    nm -D "$2" "$1" 2>/dev/null | awk '{print $NF}' | sed 's/@.*//' | sort -u
}

# Candidates: names a library LIB imports nothing from. The names LIB does
# use are followed like the roots.
: >"$work/unused"
used=""
for lib in $libs; do
    lib=$(readlink -f "$lib")
    symbols "$lib" --undefined-only >"$work/imports"
    for n in $(needed "$lib"); do
        p=$(resolve "$n" "$(dirname "$lib")") || true
        [ -n "$p" ] || continue
        symbols "$p" --defined-only >"$work/exports"
        if [ -z "$(comm -12 "$work/imports" "$work/exports" | head -n 1)" ]; then
            echo "$n" >>"$work/unused"
        else
            used="$used $p"
        fi
    done
done
sort -u "$work/unused" -o "$work/unused"

# Everything reachable without those names: the closure (ld.so's own, through
# ldd) of the roots and of the names LIB uses, and their own names.
: >"$work/reached"
for f in $libs $roots $used; do
    readelf -d "$f" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p' >>"$work/reached"
done
# shellcheck disable=SC2086
ldd $roots $used 2>/dev/null | awk '$2 == "=>" {print $1}' >>"$work/reached"
sort -u "$work/reached" -o "$work/reached"
comm -23 "$work/unused" "$work/reached"
