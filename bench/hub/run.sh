#!/usr/bin/env bash
# bench/hub: `shoal hub` under 50 stand-in workers and 50 dashboards, in one run. See README.md.
#   1. Throughput: deliveries/s to the clients through the hub vs a plain `ws` broadcast of the
#      same messages to the same clients (the reference, measured before and after the hub).
#   2. Soak: the hub's VmRSS every second with one client that never reads.
#   3. Latency: worker's send → client's receive, p50/p99, through the hub and the broadcast.
# A benchmark, not a test: it prints figures and MET/MISSED against the targets.
#
#   bench/hub/run.sh                       # full run, about 5 minutes
#   SOAK_SECONDS=600 bench/hub/run.sh      # a longer soak
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

export WORKERS="${WORKERS:-50}"              # stand-in workers
export WORKER_PROCS="${WORKER_PROCS:-2}"     # processes serving them
export CLIENTS="${CLIENTS:-50}"              # WebSocket clients (plus the stalled one in the soak)
export CLIENT_PROCS="${CLIENT_PROCS:-2}"     # processes holding them
export RATE="${RATE:-4000}"                  # entries/s offered, in all, in the throughput runs
export SECONDS_PER_RUN="${SECONDS_PER_RUN:-20}"  # measured window of each throughput run
export WARMUP="${WARMUP:-5}"                 # seconds of load before a window starts
export SOAK_SECONDS="${SOAK_SECONDS:-180}"   # soak length
export SOAK_RATE="${SOAK_RATE:-100}"         # entries/s, in all, in the soak and the paced latency run
export REF_PACED_SECONDS="${REF_PACED_SECONDS:-15}"  # paced broadcast run (its latency)
export RATIO_TARGET="${RATIO_TARGET:-80}"    # hub deliveries/s, % of the broadcast's
export ENTRY_MAX_BYTES="${ENTRY_MAX_BYTES:-8192}"  # recorded entries larger than this are left out
export CONTENTION_PCT="${CONTENTION_PCT:-10}"     # others' CPU (% of one core) that flags a window
QUIET_WAIT="${QUIET_WAIT:-60}"               # seconds to wait at start for a quiet machine (0: don't)
export BATCH="${BATCH:-0}"                   # 1: the hub's clients take batches (/ws?batch=1)
export STRICT="${STRICT:-0}"                 # 1: a MISSED target makes the exit status 1
export SHOAL="${SHOAL:-$ROOT/bin/shoal}"
BENCH_OUT="${BENCH_OUT:-}"                   # if set: summary.txt and soak.tsv are copied there

# shellcheck source=../../lab/lib/processes.sh
source "$ROOT/lab/lib/processes.sh"
# shellcheck source=../../lab/lib/bench-env.sh
source "$ROOT/lab/lib/bench-env.sh"

TMPD=""
cleanup() { bench_cleanup 5; }
bench_traps

die() { echo "bench/hub: $*" >&2; exit 1; }

command -v node >/dev/null || die "node not found (Node 20)"
[[ -f $ROOT/packages/cli/dist/main.js ]] || die "the CLI is not built (make build)"
[[ -d $ROOT/node_modules/ws ]] || die "the ws package is missing (npm ci)"

TMPD="$(mktemp -d /tmp/shoal-bench-hub.XXXXXX)"
export TMPD
export TOKEN_FILE="$TMPD/token"
(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$TOKEN_FILE")
export CONTENTION_LOG="$TMPD/others.log"
node "$ROOT/bench/capture/analyze.mjs" watch "$CONTENTION_LOG" "$$" &
STARTED_PIDS+=("$!")

# The recorded entries: what the real dissector makes of the repo's HTTP/1 fixture captures.
export ENTRIES_FILE="$TMPD/entries.ndjson"
for f in "$ROOT"/packages/dissect/test/fixtures/http1/*.pcap "$ROOT"/packages/dissect/test/fixtures/http1/*.pcapng; do
  [[ -f $f ]] || continue
  node "$SHOAL" dissect "$f" --format ndjson
done | awk -v max="$ENTRY_MAX_BYTES" 'length($0) <= max' >"$ENTRIES_FILE"
read -r ENTRY_COUNT ENTRY_MEAN < <(awk '{ n++; s += length($0) + 1 } END { printf "%d %.0f\n", n, n ? s / n : 0 }' "$ENTRIES_FILE")
(( ENTRY_COUNT > 0 )) || die "shoal dissect made no entries from the fixtures"

bench_machine_lines
echo "shoal:    $(timeout 10 node "$SHOAL" --version 2>/dev/null | head -1 || echo '?') (repo $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "ws:       $(node -p "require('$ROOT/node_modules/ws/package.json').version")"
echo "entries:  $ENTRY_COUNT recorded (http1 fixtures, JSON <= $ENTRY_MAX_BYTES B), mean $ENTRY_MEAN B"
echo "settings: WORKERS=$WORKERS/$WORKER_PROCS procs CLIENTS=$CLIENTS/$CLIENT_PROCS procs BATCH=$BATCH RATE=$RATE SECONDS_PER_RUN=$SECONDS_PER_RUN" \
  "WARMUP=$WARMUP SOAK_SECONDS=$SOAK_SECONDS SOAK_RATE=$SOAK_RATE REF_PACED_SECONDS=$REF_PACED_SECONDS"
echo "tmp:      $TMPD (removed at exit)"
now_ms() { date +%s%3N; }
# Wait (at most QUIET_WAIT s) for 3 s in which other processes use <= CONTENTION_PCT% of a core.
quiet_deadline=$(( $(now_ms) + QUIET_WAIT * 1000 ))
while :; do
  a=$(now_ms); sleep 3; b=$(now_ms); sleep 0.6
  out=$(node "$ROOT/bench/capture/analyze.mjs" contention "$CONTENTION_LOG" "$a" "$b")
  echo "quiet:    ${out#* }"
  (( ${out%% *} > CONTENTION_PCT )) || break
  (( $(now_ms) < quiet_deadline )) || { echo "quiet:    gave up waiting after ${QUIET_WAIT} s; figures below are flagged where contended"; break; }
done

rc=0
run_tracked node "$HERE/bench.mjs" || rc=$?
if [[ -n $BENCH_OUT ]]; then
  mkdir -p "$BENCH_OUT"
  cp -f "$TMPD/summary.txt" "$TMPD/soak.tsv" "$BENCH_OUT/" 2>/dev/null || true
fi
exit "$rc"
