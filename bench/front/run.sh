#!/usr/bin/env bash
# bench/front: the dashboard in Debian's Chromium under a stream of entries. See README.md.
#   1. The page fills at RATE/s to FILTER_AT entries; a filter change is timed to the updated feed.
#   2. Reloaded, it takes RATE/s up to TOTAL entries: frames per second while following the tail,
#      then the JS heap after a GC, and the opening of an entry's detail.
# The entries come from a stand-in hub (standin-hub.mjs): the page is measured, not the hub.
# A benchmark, not a test: it prints figures and MET/MISSED against the targets.
#
#   bench/front/run.sh                     # full run, about 4 minutes
#   TOTAL=100000 FILTER_AT=50000 bench/front/run.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

export RATE="${RATE:-2000}"                  # entries/s streamed into the page
export TOTAL="${TOTAL:-300000}"              # entries streamed in phase 2 (the page holds 300,000 at most)
export FILTER_AT="${FILTER_AT:-100000}"      # entries the page holds when the filter changes
export FPS_TARGET="${FPS_TARGET:-50}"
export FILTER_TARGET_MS="${FILTER_TARGET_MS:-200}"
export HEAP_TARGET_MB="${HEAP_TARGET_MB:-400}"
export ENTRY_MAX_BYTES="${ENTRY_MAX_BYTES:-8192}"  # recorded entries larger than this are left out
export HUB_BATCH="${HUB_BATCH:-1}"           # 0: the stand-in hub sends entry by entry (a hub without batches)
export STRICT="${STRICT:-0}"                 # 1: a MISSED target makes the exit status 1
export SHOAL="${SHOAL:-$ROOT/bin/shoal}"
export BROWSER_HELPER="$ROOT/packages/cli/dist-test/helpers/browser.js"
BENCH_OUT="${BENCH_OUT:-$ROOT/bench/out}"

# shellcheck source=../../lab/lib/processes.sh
source "$ROOT/lab/lib/processes.sh"
# shellcheck source=../../lab/lib/bench-env.sh
source "$ROOT/lab/lib/bench-env.sh"

TMPD=""
cleanup() { bench_cleanup 5; }
bench_traps

die() { echo "bench/front: $*" >&2; exit 1; }

command -v node >/dev/null || die "node not found (Node 20)"
[[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium is missing (Debian package chromium; make setup installs it)"
[[ -f $ROOT/packages/cli/dist/main.js && -f $BROWSER_HELPER ]] || die "the CLI and its tests are not built (make build)"
[[ -f $ROOT/packages/front/dist/index.html ]] || die "the dashboard is not built (make build)"

TMPD="$(mktemp -d /tmp/shoal-bench-front.XXXXXX)"
export TMPD

# The recorded entries: what the real dissector makes of the repo's HTTP/1 fixture captures,
# the templates the stand-in hub varies (ids, times, pods, methods).
export ENTRIES_FILE="$TMPD/entries.ndjson"
for f in "$ROOT"/packages/dissect/test/fixtures/http1/*.pcap "$ROOT"/packages/dissect/test/fixtures/http1/*.pcapng; do
  [[ -f $f ]] || continue
  node "$SHOAL" dissect "$f" --format ndjson
done | awk -v max="$ENTRY_MAX_BYTES" 'length($0) <= max' >"$ENTRIES_FILE"
read -r ENTRY_COUNT ENTRY_MEAN < <(awk '{ n++; s += length($0) + 1 } END { printf "%d %.0f\n", n, n ? s / n : 0 }' "$ENTRIES_FILE")
(( ENTRY_COUNT > 0 )) || die "shoal dissect made no entries from the fixtures"

# Everything printed from here is also kept in bench/out/front.txt.
mkdir -p "$BENCH_OUT"
exec > >(tee "$BENCH_OUT/front.txt") 2>&1
bench_machine_lines
echo "chromium: $(pkgver chromium)"
echo "shoal:    repo $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "entries:  $ENTRY_COUNT recorded (http1 fixtures, JSON <= $ENTRY_MAX_BYTES B), mean $ENTRY_MEAN B"
echo "settings: RATE=$RATE TOTAL=$TOTAL FILTER_AT=$FILTER_AT HUB_BATCH=$HUB_BATCH"
run_tracked node "$HERE/bench.mjs"
