# setup.sh NAME GRACE: sourced first by the bench/dissect scripts (after `set -euo pipefail`).
# Sets ROOT, RUNS, OUT_DIR and SHOAL (RUNS, BENCH_OUT and SHOAL from the environment when set),
# sources lab/lib's processes.sh, bench-env.sh and veth-pair.sh, installs the exit clean-up
# (`cleanup`: started processes ended, SIGKILL after GRACE seconds; the namespaces and $TMPD
# removed; a script may define its own after this) and defines `die` (its message prefixed
# bench/dissect/NAME), `need TOOL...` (dies naming the first one missing) and `time_one KEY CMD...`
# (runs CMD, its output dropped, and keeps the best wall-clock milliseconds of KEY in BEST).
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNS="${RUNS:-3}"
OUT_DIR="${BENCH_OUT:-$ROOT/bench/out/dissect}"
SHOAL="${SHOAL:-$ROOT/bin/shoal}"
BENCH_NAME="bench/dissect${1:+/$1}"
BENCH_GRACE="${2:-2}"

# shellcheck source=../../lab/lib/processes.sh
source "$ROOT/lab/lib/processes.sh"
# shellcheck source=../../lab/lib/bench-env.sh
source "$ROOT/lab/lib/bench-env.sh"
# shellcheck source=../../lab/lib/veth-pair.sh
source "$ROOT/lab/lib/veth-pair.sh"

TMPD=""
cleanup() { bench_cleanup "$BENCH_GRACE"; }
bench_traps
die() { echo "$BENCH_NAME: $*" >&2; exit 1; }
need() {
  local t
  for t in "$@"; do command -v "$t" >/dev/null || die "$t is missing"; done
}
declare -A BEST
time_one() {
  local key=$1 t0 ms
  shift
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  if [[ -z ${BEST[$key]:-} || $ms -lt ${BEST[$key]} ]]; then BEST[$key]=$ms; fi
}
