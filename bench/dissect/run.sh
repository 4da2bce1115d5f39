#!/usr/bin/env bash
# bench/dissect: dissection throughput of `shoal dissect` vs tshark and httpry
# on a real keep-alive HTTP/1.1 loopback capture. See README.md.
#
#   bench/dissect/run.sh                      # 150k transactions, cached capture
#   TRANSACTIONS=300000 bench/dissect/run.sh  # other size (>= 100000)
#   REGEN=1 bench/dissect/run.sh              # force a new capture
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

TRANSACTIONS="${TRANSACTIONS:-150000}"
CONNECTIONS="${CONNECTIONS:-16}"         # wrk threads == connections (needed for exact counts)
LOAD_TIMEOUT="${LOAD_TIMEOUT:-180}"      # seconds: upper bound on the load phase (wrk -d)
TCPDUMP_BUFFER_KIB="${TCPDUMP_BUFFER_KIB:-262144}"   # tcpdump -B (KiB)
RUNS="${RUNS:-3}"                        # timed runs per tool; best is reported
REGEN="${REGEN:-0}"
STRICT="${STRICT:-0}"                    # 1: a missed speed target also fails the run
OUT_DIR="${BENCH_OUT:-$ROOT/bench/out/dissect}"
SHOAL="${SHOAL:-$ROOT/bin/shoal}"

CAP="$OUT_DIR/capture-$TRANSACTIONS-c$CONNECTIONS.pcap"
META="$OUT_DIR/capture-$TRANSACTIONS-c$CONNECTIONS.json"

# ---------------------------------------------------------------------------
# process bookkeeping (lab/lib/processes.sh): every background process we start
# is in STARTED_PIDS and ended by PID on exit (normal, error or signal).

# shellcheck source=../../lab/lib/processes.sh
source "$ROOT/lab/lib/processes.sh"
# shellcheck source=../../lab/lib/bench-env.sh
source "$ROOT/lab/lib/bench-env.sh"

TMPD=""
PARTIALS=()

cleanup() { bench_cleanup 2 "${PARTIALS[@]}"; }
bench_traps

die() { echo "bench/dissect: $*" >&2; exit 1; }

count_files() { local f=("$1"/*); [[ -e ${f[0]} ]] && echo "${#f[@]}" || echo 0; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs_since() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

# ---------------------------------------------------------------------------

[[ $TRANSACTIONS =~ ^[0-9]+$ ]] || die "TRANSACTIONS must be a number"
[[ $CONNECTIONS =~ ^[0-9]+$ && $CONNECTIONS -ge 1 ]] || die "CONNECTIONS must be >= 1"
if (( TRANSACTIONS < 100000 )) && [[ ${BENCH_SMALL_OK:-0} != 1 ]]; then
  die "TRANSACTIONS=$TRANSACTIONS is below the 100000 minimum (BENCH_SMALL_OK=1 for a smoke run; its figures are not comparable)"
fi
(( TRANSACTIONS >= CONNECTIONS )) || die "TRANSACTIONS must be >= CONNECTIONS"

missing=()
for t in node tshark httpry tcpdump nginx wrk; do
  command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
if (( ${#missing[@]} )); then
  die "missing tools: ${missing[*]} (Debian: apt-get install -y tshark httpry tcpdump nginx-light wrk nodejs)"
fi

print_env() {
  bench_machine_lines detail
  echo "tshark:   $(tshark --version 2>/dev/null | head -1 || true) [deb $(pkgver tshark)]"
  echo "httpry:   $(httpry -h 2>&1 | head -1 | sed 's/ --.*//' || true) [deb $(pkgver httpry)]"
  echo "tcpdump:  $(tcpdump --version 2>&1 | head -2 | paste -sd' ' || true) [deb $(pkgver tcpdump)]"
  echo "nginx:    $(nginx -v 2>&1 | sed 's/^nginx version: //' || true) [deb nginx $(pkgver nginx), nginx-light $(pkgver nginx-light)]"
  echo "wrk:      $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2 || true) [deb $(pkgver wrk)]"
  if [[ -x $SHOAL ]]; then
    echo "shoal:    $SHOAL ($(timeout 10 "$SHOAL" --version 2>/dev/null | head -1 || echo 'version unknown'))"
  else
    echo "shoal:    $SHOAL not found"
  fi
  echo "repo:     $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo 'no commit yet')"
  echo "settings: TRANSACTIONS=$TRANSACTIONS CONNECTIONS=$CONNECTIONS RUNS=$RUNS LOAD_TIMEOUT=${LOAD_TIMEOUT}s TCPDUMP_BUFFER_KIB=$TCPDUMP_BUFFER_KIB"
  echo
}

# The site nginx serves from DIR/www, and the body of its server block.
write_site() { # dir
  local d=$1
  mkdir -p "$d/www"
  {
    echo '<!doctype html>'
    echo '<html><head><meta charset="utf-8"><title>shoal bench</title></head><body>'
    echo '<h1>shoal bench/dissect</h1>'
    for i in $(seq 8); do
      echo "<p>Static page for the dissection benchmark, paragraph $i of 8.</p>"
    done
    echo '</body></html>'
  } >"$d/www/index.html"
  awk 'BEGIN {
    printf "{\"items\":["
    for (i = 0; i < 150; i++) printf "%s{\"id\":%d,\"name\":\"item-%04d\",\"ok\":true}", (i ? "," : ""), i, i
    printf "]}\n"
  }' >"$d/www/data.json"
  echo 'location / { }' >"$d/server.conf"
}

# nginx as one process (master_process off) that keeps every connection open for
# the whole load and answers If-Modified-Since in 2100 with 304 (bounded.lua).
BENCH_NGINX_MAIN='master_process off;'
BENCH_NGINX_HTTP='server_tokens off; keepalive_timeout 300s; if_modified_since before; keepalive_requests 100000000;'

generate() {
  local gen_t0 port cap_part meta_part wrk_pid wrk_rc load_t0 load_s wrk_done
  gen_t0=$(now_ms)
  mkdir -p "$OUT_DIR"
  rm -f "$CAP" "$META"
  cap_part="$CAP.partial"
  meta_part="$META.partial"
  PARTIALS+=("$cap_part" "$meta_part")
  TMPD="$(mktemp -d /tmp/shoal-bench-dissect.XXXXXX)"

  port="$(free_port)"
  write_site "$TMPD"
  echo "== generating capture: $TRANSACTIONS keep-alive transactions over $CONNECTIONS connections =="

  NGINX_MAIN_DIRECTIVES=$BENCH_NGINX_MAIN NGINX_HTTP_DIRECTIVES=$BENCH_NGINX_HTTP \
    start_nginx "$TMPD" "$port" "$TMPD/server.conf" ||
    { cat "$TMPD/logs/error.log" >&2 || true; die "nginx did not come up on 127.0.0.1:$port"; }
  echo "nginx:   pid $NGINX_PID on 127.0.0.1:$port (prefix $TMPD)"

  # Buffered capture (TPACKET_V3 ring, buffered writes; not the lib's default
  # immediate mode) with a large ring for this packet rate: -B is
  # TCPDUMP_BUFFER_KIB.
  TCPDUMP_IMMEDIATE=0 start_tcpdump "$cap_part" lo -n -Z root "tcp port $port" ||
    die "tcpdump did not start listening"
  sleep 0.3
  echo "tcpdump: pid $TCPDUMP_PID -> $cap_part"

  echo "wrk:     -t$CONNECTIONS -c$CONNECTIONS, exactly $TRANSACTIONS requests, at most ${LOAD_TIMEOUT}s"
  mkdir -p "$TMPD/done"
  load_t0=$(now_ms)
  wrk -t "$CONNECTIONS" -c "$CONNECTIONS" -d "${LOAD_TIMEOUT}s" --timeout 10s \
    -s "$HERE/bounded.lua" "http://127.0.0.1:$port/" -- "$TRANSACTIONS" "$CONNECTIONS" "$TMPD/done" \
    >"$TMPD/wrk.out" 2>&1 &
  wrk_pid=$!
  STARTED_PIDS+=("$wrk_pid")
  # Each wrk thread drops done/thread-<id> after its last response; wrk's main
  # thread would still sleep out -d, so SIGINT it once all threads are done.
  while process_running "$wrk_pid"; do
    if (( $(count_files "$TMPD/done") >= CONNECTIONS )); then
      kill -INT "$wrk_pid" 2>/dev/null || true
      break
    fi
    sleep 0.05
  done
  wrk_rc=0
  wait "$wrk_pid" || wrk_rc=$?
  forget_started "$wrk_pid"
  (( wrk_rc == 0 )) || { cat "$TMPD/wrk.out" >&2; die "wrk failed (exit $wrk_rc)"; }
  load_s="$(secs_since "$load_t0")"
  sed 's/^/         | /' "$TMPD/wrk.out"
  wrk_done="$(sed -n 's/^wrk: completed=\([0-9]*\) .*/\1/p' "$TMPD/wrk.out")"
  [[ $wrk_done == "$TRANSACTIONS" ]] ||
    die "wrk completed ${wrk_done:-?} of $TRANSACTIONS requests (time bound LOAD_TIMEOUT=${LOAD_TIMEOUT}s hit, or errors)"

  # libpcap's TPACKET_V3 ring hands packets to tcpdump in blocks that retire
  # after a timeout (1 s); packets still in an open block when tcpdump gets
  # SIGINT are counted as received but never written. Let the blocks retire.
  stop_tcpdump "${CAPTURE_SETTLE:-2}" 2>/dev/null # its counts are printed below
  stop_started "$NGINX_PID" TERM

  local captured=$TCPDUMP_CAPTURED received=$TCPDUMP_RECEIVED dropped=$TCPDUMP_DROPPED
  echo "tcpdump: ${captured:-?} packets captured, ${received:-?} received by filter, ${dropped:-?} dropped by kernel"
  [[ -n $dropped && -n $captured ]] || { printf '%s\n' "$TCPDUMP_OUTPUT" >&2; die "could not read tcpdump's statistics"; }
  [[ $dropped == 0 ]] || die "tcpdump dropped $dropped packets; raise TCPDUMP_BUFFER_KIB and rerun"
  echo "load:    ${load_s}s for $TRANSACTIONS transactions"

  run_tracked node "$HERE/measure.mjs" verify --pcap "$cap_part" --final-name "$CAP" --port "$port" \
    --expect "$TRANSACTIONS" --meta "$meta_part" --packets "$captured" --dropped "$dropped" \
    --connections "$CONNECTIONS" --load-seconds "$load_s" --gen-started-ms "$gen_t0" ||
    die "the capture did not verify; not caching it"
  mv "$cap_part" "$CAP"
  mv "$meta_part" "$META"
  rm -rf "$TMPD"
  TMPD=""
  echo "cached:  $CAP ($(du -h "$CAP" | cut -f1)); generation took $(secs_since "$gen_t0")s"
  echo
}

print_env

if [[ $REGEN != 1 && -s $CAP && -s $META ]]; then
  echo "== capture: cached $CAP (REGEN=1 to regenerate) =="
  node -e '
    const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`${m.transactions} transactions, ${m.packets} packets (${m.droppedByKernel} dropped by kernel), ` +
      `${(m.bytes / 1e6).toFixed(1)} MB, ${m.connections} connections; generated ${m.generatedAt} ` +
      `in ${m.generationSeconds}s (load ${m.loadSeconds}s, verify ${m.verifySeconds}s)`);' "$META"
  echo
else
  generate
fi

echo "== timing: wall clock, best of $RUNS, round robin =="
cd "$ROOT"
run_tracked node "$HERE/measure.mjs" bench --pcap "$CAP" --meta "$META" --shoal "$SHOAL" \
  --runs "$RUNS" --work "$OUT_DIR/run-$TRANSACTIONS-c$CONNECTIONS" --strict "$STRICT"
