#!/usr/bin/env bash
# Checks that core/ is layered: a file in core/<folder>/ may include core
# headers (written relative to core/, e.g. #include "data/Boxes.h") only from
# its own folder or from a folder in a LOWER layer of LAYERS below.
#
#   scripts/check_core_layers.sh [CORE_DIR]     (default: <repo>/core)
#
# Reports:
#   - each include of a higher layer, as
#       core/data/PreparedData.h:2: includes "catalog/Catalog.h" (catalog is above data)
#   - each folder of core/ that is not in LAYERS (a new folder must be placed);
#   - include cycles between folders, e.g. "cycle: data -> training -> data"
#     (one shortest cycle through each upward or unlisted-folder edge);
#   - any Qt header included by the core (it must build without Qt).
# Exits 0 with "core layers OK: N includes checked" when clean, 1 otherwise
# (2 on a usage error). Needs only bash, coreutils, grep and awk (mawk is fine).

set -euo pipefail

# ---------------------------------------------------------------------------
# The layer order, LOWEST FIRST. Rule: a file in folder LAYERS[i] may include
# "X/..." only when X is LAYERS[j] with j <= i. Folders listed here but absent
# from core/ are fine. Files directly in core/ (Pch.h, BuildConfig.h.in) sit
# below every layer, since every layer sees them: they may include no folder.
LAYERS=(
    util      # errors, threads, files, BLAS: depends on nothing else in core
    events    # vocabulary: TrainingEvents, CancelToken, metric names
    data      # datasets, readers, transforms
    models    # networks (need data's shapes)
    coders    # encoders / decoders (need data's shapes)
    losses    # loss functions (need util only)
    catalog   # the registry of datasets, models, coders and losses
    config    # run / sweep configuration; validated against the catalog
    io        # checkpoints, state dicts, result files (needs config)
    training  # the trainer and everything that drives a run
    serving   # the serving simulator and the measurement of a run's models
    slurm     # sweeps submitted to Slurm as job arrays (needs config and io)
)
# ---------------------------------------------------------------------------

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
core=${1:-"$script_dir/../core"}
if [ ! -d "$core" ]; then
    echo "check_core_layers: no such directory: $core" >&2
    exit 2
fi
core=$(cd "$core" && pwd)
shown=$(basename "$core")     # the prefix of reported paths, e.g. "core"

# Duplicate layer names would make the rule ambiguous.
dups=$(printf '%s\n' "${LAYERS[@]}" | LC_ALL=C sort | uniq -d)
if [ -n "$dups" ]; then
    echo "check_core_layers: listed twice in LAYERS: $dups" >&2
    exit 2
fi

cd "$core"
# The folders of core/ (not hidden ones), one a line.
folders=$(find . -mindepth 1 -maxdepth 1 -type d ! -name '.*' | sed 's|^\./||' | LC_ALL=C sort)

if [ -z "$(find . -type f \( -name '*.h' -o -name '*.cpp' -o -name '*.h.in' \) -print -quit)" ]; then
    echo "check_core_layers: no *.h / *.cpp / *.h.in files under $core" >&2
    exit 2
fi

# Every quoted include of every source file: "path:line:text", sorted.
includes=$(find . -type f \( -name '*.h' -o -name '*.cpp' -o -name '*.h.in' \) -print0 \
    | LC_ALL=C sort -z \
    | xargs -0 -r grep -nHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]+"' -- \
    | sed 's|^\./||' || true)

# The core is Qt-free: it builds with -DPARITY_BUILD_GUI=OFF and no Qt installed.
qt=$(find . -type f \( -name '*.h' -o -name '*.cpp' -o -name '*.h.in' \) -print0 | LC_ALL=C sort -z \
    | xargs -0 -r grep -nHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](Q[A-Za-z]+|Qt[A-Za-z]*/)' -- \
    | sed "s|^\./|$shown/|" || true)
if [ -n "$qt" ]; then
    printf '%s\n' "$qt" | sed 's/$/   (a Qt header: the core is Qt-free)/'
    echo "core layers FAILED: the core includes Qt"
    exit 1
fi

printf '%s\n' "$includes" | LC_ALL=C awk \
    -v layers="${LAYERS[*]}" -v folders="$(printf "%s" "$folders" | tr "\n" " ")" -v shown="$shown" '
BEGIN {
    nl = split(layers, L, " ")
    for (i = 1; i <= nl; i++) rank[L[i]] = i
    nf = split(folders, F, " ")
    for (i = 1; i <= nf; i++) isdir[F[i]] = 1
    # Graph nodes: the layers in order, then the folders not in the list.
    n = 0
    for (i = 1; i <= nl; i++) { node[++n] = L[i]; idx[L[i]] = n }
    for (i = 1; i <= nf; i++) if (!(F[i] in idx)) { node[++n] = F[i]; idx[F[i]] = n }
    checked = 0; violations = 0
}
$0 == "" { next }
{
    # path:line:text (paths of core files hold no ":")
    c1 = index($0, ":"); file = substr($0, 1, c1 - 1); rest = substr($0, c1 + 1)
    c2 = index(rest, ":"); line = substr(rest, 1, c2 - 1); text = substr(rest, c2 + 1)
    if (!match(text, /"[^"]+"/)) next
    inc = substr(text, RSTART + 1, RLENGTH - 2)
    s = index(inc, "/"); if (s == 0) next          # "BuildConfig.h": not a folder
    to = substr(inc, 1, s - 1)
    if (!(to in rank) && !(to in isdir)) next      # not a core folder (e.g. a library)
    s = index(file, "/"); from = (s == 0) ? "" : substr(file, 1, s - 1)

    if (to in rank) checked++
    if (from == "") {
        if (to in rank) {
            print shown "/" file ":" line ": includes \"" inc "\" (" to " is above the files at the top of " shown "/, which every layer sees)"
            violations++
        }
        next
    }
    if (from != to) {
        key = idx[from] SUBSEP idx[to]
        if (!(key in edge)) edge[key] = shown "/" file ":" line
    }
    if ((from in rank) && (to in rank) && rank[to] > rank[from]) {
        print shown "/" file ":" line ": includes \"" inc "\" (" to " is above " from ")"
        violations++
    }
}
# Cycles. Edges between listed folders that go down (or stay) cannot form a
# cycle, so every cycle holds a "cut" edge: one going up, or one touching a
# folder that is not listed. For each cut edge u -> v from which u can be
# reached again, print the shortest such cycle u -> v -> ... -> u; removing
# every cut edge printed leaves the folder graph acyclic.
function shortest_back(from, target,    q, head, tail, x, y) {
    # Breadth-first from `from` to `target`; fills prev[]; 1 when reached.
    for (x = 1; x <= n; x++) seen[x] = 0
    head = 1; tail = 1; queue[1] = from; seen[from] = 1
    while (head <= tail) {
        x = queue[head++]
        if (x == target) return 1
        for (y = 1; y <= n; y++)
            if (!seen[y] && ((x SUBSEP y) in edge)) { seen[y] = 1; prev[y] = x; queue[++tail] = y }
    }
    return 0
}
END {
    unknown = 0
    for (i = 1; i <= nf; i++) if (!(F[i] in rank)) {
        print shown "/" F[i] "/: folder is not in the layer list (add it to LAYERS in check_core_layers.sh)"
        unknown++
    }
    ncycles = 0
    for (u = 1; u <= n; u++) for (v = 1; v <= n; v++) {
        if (!((u SUBSEP v) in edge)) continue
        if ((node[u] in rank) && (node[v] in rank) && rank[node[v]] < rank[node[u]]) continue
        if (!shortest_back(v, u)) continue
        # The path v ... u, read backwards from u through prev[].
        m = 0; x = u
        while (x != v) { rev[++m] = x; x = prev[x] }
        cyc[1] = u; cyc[2] = v; len = 2
        for (k = m; k >= 1; k--) if (rev[k] != u) cyc[++len] = rev[k]
        # The same cycle found from another of its cut edges: print it once
        # (key: the cycle rotated to start at its lowest node).
        low = 1
        for (k = 2; k <= len; k++) if (cyc[k] < cyc[low]) low = k
        key = ""
        for (k = 0; k < len; k++) key = key " " cyc[(low - 1 + k) % len + 1]
        if (key in printed) continue
        printed[key] = 1
        p = node[cyc[1]]; via = ""
        for (k = 1; k <= len; k++) {
            y = (k < len) ? cyc[k + 1] : cyc[1]
            p = p " -> " node[y]; via = via (k > 1 ? ", " : "") edge[cyc[k] SUBSEP y]
        }
        print "cycle: " p "   (via " via ")"
        ncycles++
    }
    if (violations + unknown + ncycles == 0) {
        print "core layers OK: " checked " includes checked"
        exit 0
    }
    print "core layers FAILED: " violations " upward includes, " unknown " unlisted folders, " ncycles " folder cycles (" checked " includes checked)"
    exit 1
}'
