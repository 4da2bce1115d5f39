#!/usr/bin/env bash
# bench/capture: live capture cost of `shoal worker` on loopback, in one run. See README.md.
#   1. UDP flood: packets/s, kernel drops, CPU and memory of the worker (af_packet, libpcap)
#      next to tcpdump under the same flood.
#   2. HTTP load: nginx + wrk without the worker, then with it capturing; throughput ratio,
#      entries/s, drops, CPU, memory.
#   3. Soak: steady HTTP load for SOAK_SECONDS (default 600); the worker's RSS every
#      SOAK_INTERVAL seconds, store bytes against --storage-limit.
# A benchmark, not a test: it prints figures and MET/MISSED against the targets.
#
#   bench/capture/run.sh                    # full run, about 16 minutes
#   SOAK_SECONDS=60 bench/capture/run.sh    # short soak (its RSS verdict means less)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

FLOOD_PACKETS="${FLOOD_PACKETS:-2000000}"      # datagrams per flood
FLOOD_SIZE="${FLOOD_SIZE:-64}"                 # UDP payload bytes
FLOOD_MAX_SECONDS="${FLOOD_MAX_SECONDS:-30}"   # time bound of one flood
TCPDUMP_FLOOD_BUFFER_KIB="${TCPDUMP_FLOOD_BUFFER_KIB:-2048}"  # tcpdump -B: libpcap's default
HTTP_SECONDS="${HTTP_SECONDS:-10}"             # wrk -d of each HTTP run
HTTP_THREADS="${HTTP_THREADS:-2}"              # wrk -t
HTTP_CONNECTIONS="${HTTP_CONNECTIONS:-32}"     # wrk -c
SOAK_SECONDS="${SOAK_SECONDS:-600}"            # soak length
SOAK_INTERVAL="${SOAK_INTERVAL:-10}"           # seconds between RSS samples
SOAK_RATE="${SOAK_RATE:-1000}"                 # target requests/s of the soak load
SOAK_CONNECTIONS="${SOAK_CONNECTIONS:-4}"      # wrk -c of the soak (one thread)
SOAK_CLOSE_EVERY="${SOAK_CLOSE_EVERY:-100}"    # every Nth request closes its connection (0: never)
SOAK_CAPTURE="${SOAK_CAPTURE:-af_packet}"      # backend of the soak worker
STORAGE_LIMIT="${STORAGE_LIMIT:-200Mi}"        # worker --storage-limit, every phase
# Worker backends measured in the flood and HTTP phases: eBPF too when the addon was built with it
# (it is what --capture best picks first).
EBPF_BUILT=$(grep -qs '"built": *true' "$ROOT/packages/capture/build/Release/shoal_capture.ebpf.json" && echo 1 || echo 0)
if [[ $EBPF_BUILT == 1 ]]; then DEFAULT_BACKENDS="ebpf af_packet libpcap"; else DEFAULT_BACKENDS="af_packet libpcap"; fi
BACKENDS="${BACKENDS:-$DEFAULT_BACKENDS}"
RSS_TARGET_MIB="${RSS_TARGET_MIB:-256}"
HTTP_RATIO_TARGET="${HTTP_RATIO_TARGET:-95}"   # % of the no-worker throughput
PACED_PCT="${PACED_PCT:-50}"                   # paced HTTP runs at this % of the reference (0: skip them)
PACED_CONNECTIONS="${PACED_CONNECTIONS:-128}"  # wrk -c of the paced runs
CONTENTION_PCT="${CONTENTION_PCT:-10}"         # others' CPU (% of one core) above which a run is flagged
QUIET_WAIT="${QUIET_WAIT:-120}"                # seconds to wait at start for a quiet machine (0: don't)
DRAIN_TIMEOUT="${DRAIN_TIMEOUT:-60}"           # seconds to wait for the worker to catch up after a load
STRICT="${STRICT:-0}"                          # 1: a MISSED target makes the exit status 1
SHOAL="${SHOAL:-$ROOT/bin/shoal}"
BENCH_OUT="${BENCH_OUT:-}"                     # if set: copy samples, logs and summary there
PHASES="${PHASES:-flood http soak}"            # which phases run (a subset of: flood http soak)

# shellcheck source=../../lab/lib/processes.sh
source "$ROOT/lab/lib/processes.sh"
# shellcheck source=../../lab/lib/bench-env.sh
source "$ROOT/lab/lib/bench-env.sh"

TMPD=""
cleanup() { bench_cleanup 5; }
bench_traps

die() { echo "bench/capture: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------- small helpers

num() { [[ $2 =~ ^[0-9]+$ ]] || die "$1 must be a whole number (got '$2')"; }
for v in FLOOD_PACKETS FLOOD_SIZE FLOOD_MAX_SECONDS TCPDUMP_FLOOD_BUFFER_KIB HTTP_SECONDS HTTP_THREADS \
  HTTP_CONNECTIONS SOAK_SECONDS SOAK_INTERVAL SOAK_RATE SOAK_CONNECTIONS SOAK_CLOSE_EVERY RSS_TARGET_MIB \
  HTTP_RATIO_TARGET PACED_PCT PACED_CONNECTIONS CONTENTION_PCT QUIET_WAIT DRAIN_TIMEOUT; do
  num "$v" "${!v}"
done
(( FLOOD_PACKETS > 0 && FLOOD_MAX_SECONDS > 0 && FLOOD_MAX_SECONDS <= 600 )) || die "FLOOD_PACKETS > 0 and FLOOD_MAX_SECONDS 1..600"
(( HTTP_SECONDS > 0 && HTTP_SECONDS <= 600 )) || die "HTTP_SECONDS must be 1..600"
(( SOAK_SECONDS >= 3 * SOAK_INTERVAL && SOAK_INTERVAL > 0 && SOAK_SECONDS <= 86400 )) ||
  die "SOAK_SECONDS must be at least 3 * SOAK_INTERVAL (and at most a day)"
(( PACED_PCT <= 100 && PACED_CONNECTIONS > 0 )) || die "PACED_PCT must be 0..100 and PACED_CONNECTIONS > 0"
(( SOAK_RATE > 0 && SOAK_CONNECTIONS > 0 )) || die "SOAK_RATE and SOAK_CONNECTIONS must be > 0"
for p in $PHASES; do [[ $p == flood || $p == http || $p == soak ]] || die "PHASES: '$p' is not one of flood http soak"; done
[[ -n ${PHASES// /} ]] || die "PHASES is empty"
# phase NAME: whether NAME is in PHASES.
phase() { [[ " $PHASES " == *" $1 "* ]]; }
for b in $BACKENDS; do [[ $b == af_packet || $b == libpcap || $b == ebpf ]] || die "BACKENDS: '$b' is not one of af_packet libpcap ebpf"; done
[[ $SOAK_CAPTURE == af_packet || $SOAK_CAPTURE == libpcap || $SOAK_CAPTURE == ebpf ]] || die "SOAK_CAPTURE must be af_packet, libpcap or ebpf"

# STORAGE_LIMIT in bytes (the same units the worker accepts).
to_bytes() {
  local v=$1 n u
  [[ $v =~ ^([0-9]+)([KMGT]i?)?$ ]] || die "STORAGE_LIMIT '$v': use a number with Ki/Mi/Gi/Ti or k/M/G/T"
  n=${BASH_REMATCH[1]} u=${BASH_REMATCH[2]}
  case $u in
    '') echo "$n" ;; Ki) echo $((n << 10)) ;; Mi) echo $((n << 20)) ;; Gi) echo $((n << 30)) ;; Ti) echo $((n << 40)) ;;
    K) echo $((n * 1000)) ;; M) echo $((n * 1000000)) ;; G) echo $((n * 1000000000)) ;; T) echo $((n * 1000000000000)) ;;
  esac
}
LIMIT_BYTES=$(to_bytes "$STORAGE_LIMIT")

now_ns() { date +%s%N; }
# secs A_NS B_NS: seconds between two now_ns readings, 2 decimals.
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }
# div A B [DECIMALS]: A / B, where A and B are numbers or arithmetic expressions of numbers.
div() { awk "BEGIN { a = ($1); b = ($2); if (b == 0) print \"n/a\"; else printf \"%.${3:-0}f\", a / b }"; }
# Thousands separators: 1234567 -> 1,234,567 (non-numbers pass through).
fmt() { printf '%s' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|[,.]\)/\1,\2\3/;ta'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }          # KiB -> MiB
bmib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }      # bytes -> MiB

# cpu_ticks PID: utime + stime of PID (all its threads), in USER_HZ ticks.
cpu_ticks() {
  local line rest
  line=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  rest=${line##*) }
  # shellcheck disable=SC2086
  set -- $rest
  echo $(( ${12} + ${13} ))
}
HZ=$(getconf CLK_TCK)
# mem_kib PID FIELD: VmRSS / VmHWM of PID in KiB.
mem_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# run_tracked CMD... (lab/lib/bench-env.sh): CMD as a tracked child, waited for.

# stop_bounded PID [GRACE]: SIGINT, SIGKILL after GRACE seconds (default 15); sets STOP_RC.
stop_bounded() {
  local pid=$1 grace=${2:-15} i
  kill -INT "$pid" 2>/dev/null || true
  for i in $(seq 1 $((grace * 10))); do
    process_running "$pid" || break
    sleep 0.1
  done
  if process_running "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  STOP_RC=0
  wait "$pid" 2>/dev/null || STOP_RC=$?
  forget_started "$pid"
}

# Summary rows: phase | measure | value | target | result
ROWS=()
MISSED=0
row() {
  ROWS+=("$1|$2|$3|$4|$5")
  [[ $5 != MISSED* ]] || MISSED=$((MISSED + 1))
}
verdict() { if [[ $1 == 1 ]]; then echo MET; else echo MISSED; fi; }

# Contention: CPU used by processes outside this script's tree while a measurement ran, from the
# background watcher (analyze.mjs watch). snap a / snap b mark a measurement's start and end.
NOTES=()
snap() { printf -v "SNAP_$1" '%s' "$(( $(now_ns) / 1000000 ))"; }
# contended LABEL: prints the line, sets CONTENDED to "" or " (contended: N% core)"
contended() {
  local out pct
  sleep 0.6 # let the watcher scan past the end of the window
  out=$(node "$HERE/analyze.mjs" contention "$TMPD/others.log" "$SNAP_a" "$SNAP_b")
  pct=${out%% *}
  echo "  other load: ${out#* }"
  CONTENDED=""
  if (( pct > CONTENTION_PCT )); then
    CONTENDED=" (contended: ${pct}% core)"
    NOTES+=("$1: ${out#* }")
  fi
}

# ---------------------------------------------------------------------------- worker

TOKEN_FILE=""
TOKEN=""
WORKER_N=0
# start_worker BACKEND: a fresh worker (own data dir) on lo, targeting 127.0.0.1. Its API is
# used over [::1] only, so the capture (host 127.0.0.1) never sees the benchmark's own polling.
start_worker() {
  local backend=$1 resp
  WORKER_N=$((WORKER_N + 1))
  WORKER_DIR="$TMPD/worker-$WORKER_N-$backend"
  mkdir -p "$WORKER_DIR"
  WORKER_PORT=$(free_port)
  node "$SHOAL" worker --port "$WORKER_PORT" --host ::1 --interface lo --capture "$backend" \
    --data-dir "$WORKER_DIR/data" --token-file "$TOKEN_FILE" --storage-limit "$STORAGE_LIMIT" \
    --node-name bench-capture --log-level warn >"$WORKER_DIR/log" 2>&1 &
  WORKER_PID=$!
  STARTED_PIDS+=("$WORKER_PID")
  wait_for_port "$WORKER_PORT" "$WORKER_PID" ::1 || { cat "$WORKER_DIR/log" >&2; die "the worker did not start"; }
  W="http://[::1]:$WORKER_PORT"
  resp=$(curl -sS --max-time 10 -X PUT -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    "$W/targets" -d '[{"ip":"127.0.0.1","name":"loopback","namespace":"bench"}]') ||
    die "PUT /targets failed"
  [[ $resp == *'"open":true'* && $resp == *"\"backend\":\"$backend\""* ]] ||
    { echo "$resp" >&2; cat "$WORKER_DIR/log" >&2; die "the worker's capture on lo did not open with $backend"; }
  echo "  worker: pid $WORKER_PID, API $W, --capture $backend --interface lo, target 127.0.0.1 (filter host 127.0.0.1)"
  sleep 1
}

stop_worker() {
  stop_bounded "$WORKER_PID" 20
  if (( STOP_RC != 0 )); then
    echo "  worker exited with status $STOP_RC (expected 0); last log lines:"
    tail -5 "$WORKER_DIR/log" | sed 's/^/    | /'
    NOTES+=("worker $WORKER_DIR exited with status $STOP_RC")
  fi
  rm -rf "$WORKER_DIR/data"
}

# read_counters: the worker's /metrics into C_* variables.
read_counters() {
  curl -sS --max-time 10 "$W/metrics" >"$TMPD/metrics" || die "GET /metrics failed"
  local m=$TMPD/metrics
  mv_() { awk -v n="$1" '$1 == n { v = $2 } END { printf "%.0f", v + 0 }' "$m"; }
  C_RECV=$(mv_ shoal_worker_received_packets_total)
  C_DROP=$(mv_ shoal_worker_dropped_packets_total)
  C_DISS=$(mv_ shoal_worker_dissected_packets_total)
  C_DUP=$(mv_ shoal_worker_duplicate_packets_total)
  C_HTTP=$(mv_ 'shoal_worker_entries_total{protocol="http"}')
  C_ENTRIES=$(awk '$1 ~ /^shoal_worker_entries_total\{/ { s += $2 } END { printf "%.0f", s + 0 }' "$m")
  C_STORE=$(mv_ shoal_worker_store_bytes)
  C_STORE_ENTRIES=$(mv_ shoal_worker_store_entries)
  C_EVICTED=$(mv_ shoal_worker_store_evicted_entries_total)
  C_ERRORS=$(mv_ shoal_worker_pipeline_errors_total)
  # The longest event-loop delay since the previous scrape (prom-client resets it per scrape), ms.
  C_LAG_MS=$(awk '$1 == "shoal_worker_nodejs_eventloop_lag_max_seconds" { printf "%.0f", $2 * 1000 }' "$m")
}

# drain_wait SINCE_NS: polls until the worker's dissected-packet count has not moved for 1 s
# (at most DRAIN_TIMEOUT s). DRAIN_END_NS = when it last moved (SINCE_NS if it never did).
drain_wait() {
  local last=-1 stable=0 t deadline
  DRAIN_END_NS=$1
  deadline=$(( $(now_ns) + DRAIN_TIMEOUT * 1000000000 ))
  while :; do
    t=$(now_ns)
    read_counters
    if [[ $C_DISS != "$last" ]]; then
      [[ $last == -1 ]] || DRAIN_END_NS=$t
      last=$C_DISS stable=0
    else
      stable=$((stable + 1))
      (( stable < 4 )) || break
    fi
    (( t < deadline )) || { echo "  (worker still busy after ${DRAIN_TIMEOUT}s; figures taken now)"; DRAIN_END_NS=$t; break; }
    sleep 0.25
  done
}

# under_tcpdump LOAD...: runs the load under the reference `tcpdump -w /dev/null` (buffered,
# -B TCPDUMP_FLOOD_BUFFER_KIB); TD_TICKS is tcpdump's CPU meanwhile, TD_RSS its VmHWM, and
# TCPDUMP_* its own counts (lab/lib/processes.sh).
under_tcpdump() {
  local t0
  echo "-- tcpdump -i lo -B $TCPDUMP_FLOOD_BUFFER_KIB -w /dev/null 'host 127.0.0.1'"
  TCPDUMP_IMMEDIATE=0 TCPDUMP_BUFFER_KIB=$TCPDUMP_FLOOD_BUFFER_KIB start_tcpdump /dev/null lo -n 'host 127.0.0.1' ||
    die "tcpdump did not start"
  sleep 0.5
  t0=$(cpu_ticks "$TCPDUMP_PID")
  snap a
  "$@"
  sleep 1.5 # libpcap's ring blocks retire after tcpdump's 1 s timeout
  TD_TICKS=$(( $(cpu_ticks "$TCPDUMP_PID") - t0 ))
  snap b
  TD_RSS=$(mem_kib "$TCPDUMP_PID" VmHWM)
  stop_tcpdump 0 2>/dev/null
}

# tcpdump_drops_row PHASE: tcpdump's kernel drops, the reference for the worker's.
tcpdump_drops_row() {
  row "$1" "tcpdump: kernel drops" "$(fmt "${TCPDUMP_DROPPED:-?}") of $(fmt "${TCPDUMP_RECEIVED:-?}")" "0 (reference)" \
    "$([[ ${TCPDUMP_DROPPED:-x} == 0 ]] && echo "MET" || echo "MISSED")$CONTENDED"
}

# under_worker BACKEND LOAD...: starts a worker, runs the load, waits until it caught up, then
# stops it (after the caller's report: call stop_worker). Sets W_RECV, W_DROP, W_DISS, W_HTTP
# (counter deltas), W_TICKS (CPU), W_RSS / W_HWM (KiB) and W_WIN (seconds from the load's start
# to the worker's last dissected packet).
under_worker() {
  local backend=$1 c0 start
  shift
  start_worker "$backend"
  read_counters
  local r0=$C_RECV d0=$C_DROP s0=$C_DISS h0=$C_HTTP
  c0=$(cpu_ticks "$WORKER_PID")
  snap a
  start=$(now_ns)
  "$@"
  drain_wait "$(now_ns)"
  W_TICKS=$(( $(cpu_ticks "$WORKER_PID") - c0 ))
  snap b
  W_RSS=$(mem_kib "$WORKER_PID" VmRSS)
  W_HWM=$(mem_kib "$WORKER_PID" VmHWM)
  W_RECV=$((C_RECV - r0)) W_DROP=$((C_DROP - d0)) W_DISS=$((C_DISS - s0)) W_HTTP=$((C_HTTP - h0))
  W_WIN=$(secs "$start" "$DRAIN_END_NS")
}

# worker_cost_rows PHASE BACKEND: the CPU and memory rows of the last under_worker run.
worker_cost_rows() {
  row "$1" "$2: CPU" "$(div "$W_TICKS" "$HZ" 2) s ($(div "$W_TICKS * 100" "$HZ * $W_WIN" 0)% core over ${W_WIN}s)" "-" "info"
  row "$1" "$2: VmRSS / VmHWM" "$(mib "$W_RSS") / $(mib "$W_HWM") MiB" "-" "info"
}

# worker_cost_text: "CPU …; VmRSS …; store …" of the last under_worker run, for the log.
worker_cost_text() {
  echo "CPU $(div "$W_TICKS" "$HZ" 2)s ($(div "$W_TICKS * 100" "$HZ * $W_WIN" 0)% of a core); VmRSS $(mib "$W_RSS") MiB, VmHWM $(mib "$W_HWM") MiB;" \
    "store $(bmib "$C_STORE") MiB, $(fmt "$C_EVICTED") entries evicted, pipeline errors $C_ERRORS"
}

# read_wrk FILE: the figures of wrk's output FILE: WRK_RPS, WRK_REQS, WRK_SECS, WRK_BAD (non-2xx +
# socket errors), WRK_P99 (99th percentile latency as wrk prints it with --latency). A figure
# wrk did not print is left empty.
read_wrk() {
  WRK_P99=$(awk '$1 == "99%" { print $2 }' "$1")
  WRK_RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1")
  WRK_REQS=$(awk '/requests in/ { print $1 }' "$1")
  WRK_SECS=$(awk '/requests in/ { sub(/s,?$/, "", $4); print $4 }' "$1")
  WRK_BAD=$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) n += $i } END { print n + 0 }' "$1")
}

# ---------------------------------------------------------------------------- environment

missing=()
for t in node gcc curl wrk nginx tcpdump awk; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
(( ${#missing[@]} == 0 )) || die "missing tools: ${missing[*]} (Debian: apt-get install -y gcc curl wrk nginx-light tcpdump nodejs)"
[[ -f $SHOAL ]] || die "$SHOAL not found (make build)"
(( EUID == 0 )) || die "needs root (AF_PACKET / libpcap capture on lo)"
ip link show lo >/dev/null 2>&1 || die "no loopback interface"

TMPD="$(mktemp -d /tmp/shoal-bench-capture.XXXXXX)"
TOKEN_FILE="$TMPD/token"
(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$TOKEN_FILE")
TOKEN=$(cat "$TOKEN_FILE")

gcc -O2 -Wall -o "$TMPD/udp-flood" "$HERE/udp-flood.c" || die "could not compile udp-flood.c"
node "$HERE/analyze.mjs" watch "$TMPD/others.log" "$$" &
STARTED_PIDS+=("$!")

bench_machine_lines
echo "shoal:    $(timeout 10 node "$SHOAL" --version 2>/dev/null | head -1 || echo '?') ($SHOAL; repo $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "tcpdump:  $(tcpdump --version 2>&1 | head -2 | paste -sd' ') [deb $(pkgver tcpdump)]"
echo "nginx:    $(nginx -v 2>&1 | sed 's/^nginx version: //') [deb nginx-light $(pkgver nginx-light)]"
echo "wrk:      $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2) [deb $(pkgver wrk)]"
echo "gcc:      $(gcc --version | head -1)"
echo "sysctl:   net.core.netdev_max_backlog=$(cat /proc/sys/net/core/netdev_max_backlog) net.core.rmem_max=$(cat /proc/sys/net/core/rmem_max)"
echo "settings: FLOOD_PACKETS=$FLOOD_PACKETS FLOOD_SIZE=$FLOOD_SIZE HTTP=-t$HTTP_THREADS -c$HTTP_CONNECTIONS -d${HTTP_SECONDS}s PACED=${PACED_PCT}%/-c$PACED_CONNECTIONS" \
  "SOAK_SECONDS=$SOAK_SECONDS SOAK_INTERVAL=$SOAK_INTERVAL SOAK_RATE=$SOAK_RATE SOAK_CONNECTIONS=$SOAK_CONNECTIONS" \
  "SOAK_CLOSE_EVERY=$SOAK_CLOSE_EVERY SOAK_CAPTURE=$SOAK_CAPTURE STORAGE_LIMIT=$STORAGE_LIMIT BACKENDS=\"$BACKENDS\" PHASES=\"$PHASES\""
echo "tmp:      $TMPD (removed at exit)"
# Wait (at most QUIET_WAIT s) for 3 s in which other processes use <= CONTENTION_PCT% of a core.
quiet_deadline=$(( $(now_ns) + QUIET_WAIT * 1000000000 ))
while :; do
  snap a; sleep 3; snap b
  sleep 0.6
  out=$(node "$HERE/analyze.mjs" contention "$TMPD/others.log" "$SNAP_a" "$SNAP_b")
  echo "quiet:    ${out#* }"
  (( ${out%% *} > CONTENTION_PCT )) || break
  if (( $(now_ns) >= quiet_deadline )); then
    echo "quiet:    the machine did not become quiet within QUIET_WAIT=${QUIET_WAIT}s; measuring anyway"
    NOTES+=("start: not quiet after ${QUIET_WAIT}s: ${out#* }")
    break
  fi
done
echo

# ---------------------------------------------------------------------------- 1. flood

if phase flood; then

echo "== 1. UDP flood on lo: $(fmt "$FLOOD_PACKETS") datagrams of $FLOOD_SIZE B, one sender at its maximum rate =="
echo "   (on lo the kernel hands each datagram to a packet socket twice: as it leaves and as it"
echo "    arrives; tcpdump's libpcap discards the outgoing copy in user space, so tcpdump counts 2"
echo "    received per datagram but delivers 1; the worker's backends have the kernel skip the"
echo "    leaving copy: 1 received per datagram)"

# flood: runs the bounded sender; FLOOD_SENT, FLOOD_SECS, FLOOD_PPS.
flood() {
  local rc=0
  run_tracked "$TMPD/udp-flood" 0 "$FLOOD_PACKETS" "$FLOOD_SIZE" "$FLOOD_MAX_SECONDS" >"$TMPD/flood.out" 2>/dev/null || rc=$?
  FLOOD_SENT="" FLOOD_SECS="" FLOOD_PPS=""
  read -r FLOOD_SENT FLOOD_SECS FLOOD_PPS <"$TMPD/flood.out" || true
  [[ -n ${FLOOD_SENT:-} ]] || die "udp-flood printed nothing (exit $rc)"
  (( rc == 0 )) || echo "  (sender stopped at the ${FLOOD_MAX_SECONDS}s bound after $(fmt "$FLOOD_SENT") datagrams)"
}

echo "-- generator alone (no capture)"
snap a
flood
snap b
echo "  sent $(fmt "$FLOOD_SENT") in ${FLOOD_SECS}s = $(fmt "$FLOOD_PPS") datagrams/s"
contended "flood, generator alone"
GEN_PPS=$FLOOD_PPS
row "1 flood" "generator alone, datagrams/s" "$(fmt "$GEN_PPS")" "-" "info$CONTENDED"


under_tcpdump flood
td_cpu=$(div "$TD_TICKS" "$HZ" 2)
echo "  sent $(fmt "$FLOOD_SENT") in ${FLOOD_SECS}s = $(fmt "$FLOOD_PPS")/s; tcpdump: $(fmt "${TCPDUMP_RECEIVED:-?}") received by filter," \
  "$(fmt "${TCPDUMP_CAPTURED:-?}") captured, $(fmt "${TCPDUMP_DROPPED:-?}") dropped by kernel; CPU ${td_cpu}s" \
  "($(div "$TD_TICKS * 100" "$HZ * $FLOOD_SECS" 0)% of a core over the flood); VmHWM $(mib "$TD_RSS") MiB"
contended "flood, tcpdump"
row "1 flood" "tcpdump: sender datagrams/s" "$(fmt "$FLOOD_PPS")" "-" "info$CONTENDED"
tcpdump_drops_row "1 flood"
row "1 flood" "tcpdump: CPU" "${td_cpu} s ($(div "$TD_TICKS * 100" "$HZ * $FLOOD_SECS" 0)% core)" "-" "info"


# flood_worker BACKEND
flood_worker() {
  local backend=$1 drop_pct proc_pps recv_pps per
  echo "-- shoal worker --capture $backend"
  under_worker "$backend" flood
  drop_pct=$(div "$W_DROP * 100" "$W_RECV" 1)
  proc_pps=$(div "$W_DISS" "$W_WIN" 0)
  recv_pps=$(div "$W_RECV" "$FLOOD_SECS" 0)
  per=$(div "$W_DISS" "$FLOOD_SENT" 2)
  echo "  sent $(fmt "$FLOOD_SENT") in ${FLOOD_SECS}s = $(fmt "$FLOOD_PPS") datagrams/s"
  local extra=$((W_RECV - FLOOD_SENT))
  (( extra <= 100 )) || echo "  note: the capture saw $(fmt "$extra") packets more than 1 per datagram: other traffic on 127.0.0.1 during the flood"
  echo "  worker: kernel passed $(fmt "$W_RECV") packets ($(fmt "$recv_pps")/s over the flood), dropped $(fmt "$W_DROP") (${drop_pct}%)," \
    "delivered and dissected $(fmt "$W_DISS") (${per} per datagram, $(fmt "$C_DUP") duplicates filtered)"
  echo "  worker: caught up ${W_WIN}s after the flood started: $(fmt "$proc_pps") packets/s dissected; $(worker_cost_text)"
  contended "flood, worker $backend"
  stop_worker
  row "1 flood" "$backend: sender datagrams/s" "$(fmt "$FLOOD_PPS") ($(div "$FLOOD_PPS * 100" "$GEN_PPS" 0)% of alone)" "-" "info$CONTENDED"
  row "1 flood" "$backend: received, dissected/s" "$(fmt "$recv_pps")/s, $(fmt "$proc_pps")/s" "-" "info"
  row "1 flood" "$backend: kernel drops" "$(fmt "$W_DROP") of $(fmt "$W_RECV") (${drop_pct}%)" "0" "$(verdict $((W_DROP == 0)))$CONTENDED"
  worker_cost_rows "1 flood" "$backend"
}
for b in $BACKENDS; do flood_worker "$b"; done
echo
fi

# ---------------------------------------------------------------------------- 2. HTTP

# nginx serves the HTTP phase and the soak.
if phase http || phase soak; then
NGINX_DIR="$TMPD/nginx"
mkdir -p "$NGINX_DIR/www"
{
  echo '<!doctype html><html><head><meta charset="utf-8"><title>shoal bench/capture</title></head><body>'
  for i in 1 2 3 4 5 6; do echo "<p>Static page for the capture benchmark, paragraph $i of 6.</p>"; done
  echo '</body></html>'
} >"$NGINX_DIR/www/index.html"
echo 'location / { }' >"$NGINX_DIR/server.conf"
HTTP_PORT=$(free_port)
# One nginx process (master_process off): it serves from the 0700 temp dir as root, and the PID
# started is the one that serves.
NGINX_MAIN_DIRECTIVES='master_process off;' start_nginx "$NGINX_DIR" "$HTTP_PORT" "$NGINX_DIR/server.conf" ||
  { cat "$NGINX_DIR/logs/error.log" >&2 || true; die "nginx did not start"; }
URL="http://127.0.0.1:$HTTP_PORT/index.html"
fi

if phase http; then
echo "== 2. HTTP load: nginx (pid $NGINX_PID, one process) serving $(stat -c %s "$NGINX_DIR/www/index.html") B on 127.0.0.1:$HTTP_PORT;" \
  "wrk -t$HTTP_THREADS -c$HTTP_CONNECTIONS -d${HTTP_SECONDS}s =="

# wrk_http: one bounded wrk run, read by read_wrk. WRK_ARGS (an array) replaces -c and adds a
# script, WRK_SCRIPT_ARGS are the script's arguments: the paced runs use them.
WRK_ARGS=()
WRK_SCRIPT_ARGS=()
wrk_http() {
  local args=(-c"$HTTP_CONNECTIONS")
  (( ${#WRK_ARGS[@]} == 0 )) || args=("${WRK_ARGS[@]}")
  run_tracked timeout -s INT $((HTTP_SECONDS + 30)) wrk -t"$HTTP_THREADS" "${args[@]}" -d"${HTTP_SECONDS}s" \
    --timeout 5s --latency "$URL" ${WRK_SCRIPT_ARGS[@]+"${WRK_SCRIPT_ARGS[@]}"} >"$TMPD/wrk.out" 2>&1 ||
    { cat "$TMPD/wrk.out" >&2; die "wrk failed"; }
  read_wrk "$TMPD/wrk.out"
  [[ -n $WRK_RPS && -n $WRK_REQS ]] || { cat "$TMPD/wrk.out" >&2; die "could not read wrk's output"; }
  (( WRK_BAD * 100 <= WRK_REQS )) || { cat "$TMPD/wrk.out" >&2; die "over 1% of wrk's requests failed or were not 2xx"; }
}

http_baseline() {
  echo "-- $1: without the worker"
  snap a
  wrk_http
  snap b
  echo "  $(fmt "$WRK_REQS") requests in ${WRK_SECS}s = $(fmt "$WRK_RPS") requests/s ($WRK_BAD errors/non-2xx)"
  contended "HTTP $1"
  row "2 HTTP" "$1: requests/s, no worker" "$(fmt "$WRK_RPS")" "-" "info$CONTENDED"
}

# http_worker BACKEND
http_worker() {
  local backend=$1
  echo "-- with shoal worker --capture $backend"
  under_worker "$backend" wrk_http
  echo "  $(fmt "$WRK_REQS") requests in ${WRK_SECS}s = $(fmt "$WRK_RPS") requests/s ($WRK_BAD errors/non-2xx)"
  echo "  worker: kernel passed $(fmt "$W_RECV") packets, dropped $(fmt "$W_DROP") ($(div "$W_DROP * 100" "$W_RECV" 2)%), dissected $(fmt "$W_DISS");" \
    "$(fmt "$W_HTTP") HTTP entries = $(div "$W_HTTP * 100" "$WRK_REQS" 1)% of wrk's requests, $(fmt "$(div "$W_HTTP" "$W_WIN" 0)") entries/s" \
    "(caught up ${W_WIN}s after wrk started)"
  echo "  worker: $(worker_cost_text)"
  contended "HTTP with worker $backend"
  stop_worker
  H_ROWS+=("$backend|$WRK_RPS|$CONTENDED")
  row "2 HTTP" "$backend: requests/s, with worker" "$(fmt "$WRK_RPS")" "-" "info$CONTENDED"
  row "2 HTTP" "$backend: HTTP entries/s (% of requests)" "$(fmt "$(div "$W_HTTP" "$W_WIN" 0)") ($(div "$W_HTTP * 100" "$WRK_REQS" 1)%)" "-" "info"
  row "2 HTTP" "$backend: kernel drops" "$(fmt "$W_DROP") of $(fmt "$W_RECV")" "0" "$(verdict $((W_DROP == 0)))$CONTENDED"
  worker_cost_rows "2 HTTP" "$backend"
}

# http_tcpdump: the same load under `tcpdump -w /dev/null`: what capturing alone costs the
# traffic, whoever does it (the reference for the worker's throughput ratio).
http_tcpdump() {
  under_tcpdump wrk_http
  echo "  $(fmt "$WRK_REQS") requests in ${WRK_SECS}s = $(fmt "$WRK_RPS") requests/s; tcpdump: $(fmt "${TCPDUMP_RECEIVED:-?}") received by filter," \
    "$(fmt "${TCPDUMP_DROPPED:-?}") dropped by kernel; CPU $(div "$TD_TICKS" "$HZ" 2)s"
  contended "HTTP with tcpdump"
  H_ROWS+=("tcpdump|$WRK_RPS|$CONTENDED")
  row "2 HTTP" "tcpdump: requests/s" "$(fmt "$WRK_RPS")" "-" "info$CONTENDED"
  tcpdump_drops_row "2 HTTP"
}

H_ROWS=()
http_baseline "baseline 1"
BASE1=$WRK_RPS
http_tcpdump
for b in $BACKENDS; do http_worker "$b"; done
http_baseline "baseline 2"
BASE2=$WRK_RPS
BASE=$(( (BASE1 + BASE2) / 2 ))
echo "  no-worker throughput: $(fmt "$BASE1") and $(fmt "$BASE2") requests/s (before and after); mean $(fmt "$BASE") is the reference"
for h in "${H_ROWS[@]}"; do
  IFS='|' read -r backend rps cont <<<"$h"
  ratio=$(div "$rps * 100" "$BASE" 1)
  if [[ $backend == tcpdump ]]; then
    echo "  with tcpdump: ${ratio}% of the no-worker throughput (the cost of capturing at all, for reference)"
    row "2 HTTP" "tcpdump: throughput ratio" "${ratio}%" "(reference)" "info$cont"
    continue
  fi
  echo "  with worker ($backend): ${ratio}% of the no-worker throughput"
  row "2 HTTP" "$backend: throughput ratio" "${ratio}%" ">= ${HTTP_RATIO_TARGET}%" \
    "$(verdict "$(awk -v r="$ratio" -v t="$HTTP_RATIO_TARGET" 'BEGIN { print (r >= t) ? 1 : 0 }')")$cont"
done
echo

# 2b. The same traffic paced at PACED_PCT % of the reference: the machine has CPU to spare, as a
# node normally does, so what the worker costs shows as latency and any shortfall of the
# offered rate rather than as the CPU it takes from a saturated load. Informational: the
# target above is about the saturated load.
if (( PACED_PCT > 0 )); then
  PACED_RATE=$(( BASE * PACED_PCT / 100 ))
  PACED_DELAY_MS=$(( (PACED_CONNECTIONS * 1000 + PACED_RATE / 2) / PACED_RATE ))
  (( PACED_DELAY_MS >= 1 )) || PACED_DELAY_MS=1
  echo "== 2b. Paced HTTP load: about $(fmt "$PACED_RATE") requests/s (${PACED_PCT}% of the reference): wrk -t$HTTP_THREADS" \
    "-c$PACED_CONNECTIONS -s soak.lua, ${PACED_DELAY_MS} ms between requests per connection, keep-alive =="
  WRK_ARGS=(-c"$PACED_CONNECTIONS" -s "$HERE/soak.lua")
  WRK_SCRIPT_ARGS=(-- "$PACED_DELAY_MS" 0)
  paced_line() {
    echo "  $(fmt "$WRK_REQS") requests in ${WRK_SECS}s = $(fmt "$WRK_RPS") requests/s, p99 latency $WRK_P99 ($WRK_BAD errors/non-2xx)"
  }
  echo "-- paced, without the worker"
  snap a
  wrk_http
  snap b
  paced_line
  contended "paced HTTP, no worker"
  PACED_BASE=$WRK_RPS PACED_BASE_P99=$WRK_P99
  row "2b paced" "no worker: requests/s, p99 latency" "$(fmt "$WRK_RPS"), $WRK_P99" "-" "info$CONTENDED"
  for b in $BACKENDS; do
    echo "-- paced, with shoal worker --capture $b"
    under_worker "$b" wrk_http
    paced_line
    echo "  worker: kernel passed $(fmt "$W_RECV") packets, dropped $(fmt "$W_DROP"); $(fmt "$W_HTTP") HTTP entries" \
      "($(div "$W_HTTP * 100" "$WRK_REQS" 1)% of wrk's requests); $(worker_cost_text)"
    contended "paced HTTP, worker $b"
    stop_worker
    row "2b paced" "$b: requests/s (ratio), p99 latency" \
      "$(fmt "$WRK_RPS") ($(div "$WRK_RPS * 100" "$PACED_BASE" 1)%), $WRK_P99" "-" "info$CONTENDED"
    row "2b paced" "$b: kernel drops; CPU" "$(fmt "$W_DROP") of $(fmt "$W_RECV"); $(div "$W_TICKS * 100" "$HZ * $W_WIN" 0)% core" "0" \
      "$(verdict $((W_DROP == 0)))$CONTENDED"
  done
  WRK_ARGS=() WRK_SCRIPT_ARGS=()
  echo
fi
fi

# ---------------------------------------------------------------------------- 3. soak
if phase soak; then

SOAK_DELAY_MS=$(( SOAK_CONNECTIONS * 1000 / SOAK_RATE ))
(( SOAK_DELAY_MS >= 1 )) || SOAK_DELAY_MS=1
echo "== 3. Soak: ${SOAK_SECONDS}s of about $SOAK_RATE requests/s (wrk -t1 -c$SOAK_CONNECTIONS, ${SOAK_DELAY_MS} ms between requests" \
  "per connection, every ${SOAK_CLOSE_EVERY}th request closes its connection), --storage-limit $STORAGE_LIMIT =="
start_worker "$SOAK_CAPTURE"
SAMPLES="$TMPD/soak.tsv"
printf 't_s\trss_kib\thwm_kib\tstore_bytes\tdisk_bytes\tstore_entries\tevicted\treceived\tdropped\thttp\tcpu_ticks\tlag_ms\n' >"$SAMPLES"
printf '  %6s %9s %9s %10s %10s %9s %10s %10s %8s %10s %6s %7s\n' t/s RSS/MiB HWM/MiB store/MiB disk/MiB entries evicted received dropped http cpu/s lag/ms
SOAK_T0=$(now_ns)
SOAK_C0=$(cpu_ticks "$WORKER_PID")
sample() {
  local t rss hwm disk cpu
  t=$(div "$(( $(now_ns) - SOAK_T0 ))" 1000000000 0)
  rss=$(mem_kib "$WORKER_PID" VmRSS)
  hwm=$(mem_kib "$WORKER_PID" VmHWM)
  read_counters
  disk=$(du -sb "$WORKER_DIR/data/store" 2>/dev/null | cut -f1)
  cpu=$(( $(cpu_ticks "$WORKER_PID") - SOAK_C0 ))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$rss" "$hwm" "$C_STORE" "${disk:-0}" "$C_STORE_ENTRIES" \
    "$C_EVICTED" "$C_RECV" "$C_DROP" "$C_HTTP" "$cpu" "${C_LAG_MS:-0}" >>"$SAMPLES"
  printf '  %6s %9s %9s %10s %10s %9s %10s %10s %8s %10s %6s %7s\n' "$t" "$(mib "$rss")" "$(mib "$hwm")" "$(bmib "$C_STORE")" \
    "$(bmib "${disk:-0}")" "$C_STORE_ENTRIES" "$C_EVICTED" "$C_RECV" "$C_DROP" "$C_HTTP" "$(div "$cpu" "$HZ" 1)" "${C_LAG_MS:-?}"
}
snap a
timeout -s INT $((SOAK_SECONDS + 60)) wrk -t1 -c"$SOAK_CONNECTIONS" -d"${SOAK_SECONDS}s" --timeout 5s -s "$HERE/soak.lua" \
  "$URL" -- "$SOAK_DELAY_MS" "$SOAK_CLOSE_EVERY" >"$TMPD/soak-wrk.out" 2>&1 &
SOAK_WRK=$!
STARTED_PIDS+=("$SOAK_WRK")
sample
next=$SOAK_INTERVAL
while process_running "$SOAK_WRK"; do
  if (( $(( ($(now_ns) - SOAK_T0) / 1000000000 )) >= next )); then
    sample
    next=$((next + SOAK_INTERVAL))
  fi
  sleep 0.2
done
wrk_rc=0
wait "$SOAK_WRK" || wrk_rc=$?
forget_started "$SOAK_WRK"
(( wrk_rc == 0 )) || { cat "$TMPD/soak-wrk.out" >&2; die "soak wrk failed (exit $wrk_rc)"; }
drain_wait "$(now_ns)"
sample
snap b
read_wrk "$TMPD/soak-wrk.out"
SOAK_REQS=$WRK_REQS SOAK_RPS=$WRK_RPS SOAK_BAD=$WRK_BAD
(( SOAK_BAD * 100 <= ${SOAK_REQS:-0} )) || { cat "$TMPD/soak-wrk.out" >&2; die "over 1% of the soak's requests failed or were not 2xx"; }
SOAK_CPU=$(( $(cpu_ticks "$WORKER_PID") - SOAK_C0 ))
SOAK_WIN=$(secs "$SOAK_T0" "$(now_ns)")
SOAK_DROP=$C_DROP SOAK_RECV=$C_RECV SOAK_HTTP=$C_HTTP SOAK_EVICTED=$C_EVICTED SOAK_ERRORS=$C_ERRORS
echo "  wrk: $(fmt "${SOAK_REQS:-?}") requests, $(fmt "${SOAK_RPS:-?}") requests/s ($SOAK_BAD errors/non-2xx);" \
  "worker: $(fmt "$SOAK_HTTP") HTTP entries ($(div "$SOAK_HTTP * 100" "${SOAK_REQS:-0}" 1)%), $(fmt "$SOAK_DROP") dropped of $(fmt "$SOAK_RECV")," \
  "CPU $(div "$SOAK_CPU" "$HZ" 1)s ($(div "$SOAK_CPU * 100" "$HZ * $SOAK_WIN" 1)% of a core), pipeline errors $SOAK_ERRORS"
contended "soak"
SOAK_CONT=$CONTENDED
stop_worker
while IFS='=' read -r k v; do
  [[ $k =~ ^[A-Z_]+$ ]] && printf -v "$k" '%s' "$v"
done < <(node "$HERE/analyze.mjs" soak "$SAMPLES" "$LIMIT_BYTES" "$RSS_TARGET_MIB")
[[ ${SOAK_OK:-0} == 1 ]] || die "too few soak samples"
echo "  RSS over $SOAK_SAMPLES samples: min $RSS_MIN, max $RSS_MAX, last $RSS_LAST MiB (HWM $HWM_LAST MiB);" \
  "max of the middle third $RSS_MID_MAX, of the last third $RSS_LAST_MAX MiB (growth $RSS_GROWTH, allowed $RSS_ALLOWANCE);" \
  "slope over the second half $RSS_SLOPE MiB/min"
echo "  store: max $(bmib "$STORE_MAX") MiB (worker's count), max $(bmib "$DISK_MAX") MiB on disk (du -sb), limit $(bmib "$LIMIT_BYTES") MiB;" \
  "$(fmt "$SOAK_EVICTED") entries evicted"
row "3 soak" "load, requests/s (HTTP entries %)" "$(fmt "${SOAK_RPS:-?}") ($(div "$SOAK_HTTP * 100" "${SOAK_REQS:-0}" 1)%)" "-" "info$SOAK_CONT"
row "3 soak" "RSS min / max / last" "$RSS_MIN / $RSS_MAX / $RSS_LAST MiB" "<= $RSS_TARGET_MIB MiB" "$(verdict "$RSS_UNDER")"
row "3 soak" "RSS flat (last vs middle third)" "${RSS_GROWTH:-?} MiB growth, ${RSS_SLOPE} MiB/min" "<= $RSS_ALLOWANCE MiB" "$(verdict "$RSS_FLAT")$SOAK_CONT"
row "3 soak" "store bytes max (disk max)" "$(bmib "$STORE_MAX") ($(bmib "$DISK_MAX")) MiB" "<= $(bmib "$LIMIT_BYTES") MiB" "$(verdict "$STORE_UNDER")"
row "3 soak" "eviction ran (entries evicted)" "$(fmt "$SOAK_EVICTED")" "> 0" "$(verdict $((SOAK_EVICTED > 0)))"
row "3 soak" "kernel drops" "$(fmt "$SOAK_DROP") of $(fmt "$SOAK_RECV")" "0" "$(verdict $((SOAK_DROP == 0)))"
row "3 soak" "CPU" "$(div "$SOAK_CPU" "$HZ" 1) s ($(div "$SOAK_CPU * 100" "$HZ * $SOAK_WIN" 1)% core)" "-" "info"
row "3 soak" "event-loop delay, max / median of samples" "$LAG_MAX / $LAG_MEDIAN ms" "-" "info"
echo
fi

# ---------------------------------------------------------------------------- summary

[[ -z ${NGINX_PID:-} ]] || stop_started "$NGINX_PID" TERM
{
  echo "== summary ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(uname -r)) =="
  printf '%-8s | %-42s | %-38s | %-14s | %s\n' phase measure value target result
  printf '%s\n' "---------+--------------------------------------------+----------------------------------------+----------------+---------"
  for r in "${ROWS[@]}"; do
    IFS='|' read -r a b c d e <<<"$r"
    printf '%-8s | %-42s | %-38s | %-14s | %s\n' "$a" "$b" "$c" "$d" "$e"
  done
  if (( ${#NOTES[@]} )); then
    echo
    echo "contention (other processes busy while measuring; timing figures of those runs are pessimistic):"
    for n in "${NOTES[@]}"; do echo "  - $n"; done
  else
    echo
    echo "contention: none seen (other processes used <= ${CONTENTION_PCT}% of a core in every run)"
  fi
  echo "MISSED targets: $MISSED"
} | tee "$TMPD/summary.txt"

if [[ -n $BENCH_OUT ]]; then
  mkdir -p "$BENCH_OUT"
  cp "$TMPD/summary.txt" ${SAMPLES:+"$SAMPLES"} "$BENCH_OUT/"
  echo "copied summary.txt${SAMPLES:+ and soak.tsv} to $BENCH_OUT"
fi
if [[ $STRICT == 1 ]] && (( MISSED > 0 )); then exit 1; fi
exit 0
