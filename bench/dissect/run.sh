#!/usr/bin/env bash
# bench/dissect: dissection throughput of `shoal dissect` vs tshark and httpry
# on real keep-alive HTTP/1.1 captures: one on loopback, one on a 1500-MTU veth
# pair with offloads off (segments like a real network), and one of a Node server's
# small JSON answers on loopback (node-small). See README.md.
#
#   bench/dissect/run.sh                      # 150k transactions, cached captures
#   TRANSACTIONS=300000 bench/dissect/run.sh  # other size (>= 100000)
#   REGEN=1 bench/dissect/run.sh              # force new captures
#   CAPTURES=veth1500 bench/dissect/run.sh    # only one of them
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
CAPTURES="${CAPTURES:-loopback veth1500 node-small}" # which captures to measure, in this order
# The veth pair's subnet (lab/lib/veth-pair.sh): inside namespaces made and removed here.
VETH_SUBNET=10.244.81
# TCP payload per segment on a 1500-byte MTU: 1500 - 20 (IPv4) - 20 (TCP) - 12 (timestamps).
VETH_MSS=1448

# ---------------------------------------------------------------------------
# process bookkeeping (lab/lib/processes.sh): every background process we start
# is in STARTED_PIDS and ended by PID on exit (normal, error or signal).

# shellcheck source=../../lab/lib/processes.sh
source "$ROOT/lab/lib/processes.sh"
# shellcheck source=../../lab/lib/bench-env.sh
source "$ROOT/lab/lib/bench-env.sh"
# shellcheck source=../../lab/lib/veth-pair.sh
source "$ROOT/lab/lib/veth-pair.sh"

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
read -r -a KINDS <<<"$CAPTURES"
(( ${#KINDS[@]} )) || die "CAPTURES is empty"
for kind in "${KINDS[@]}"; do
  [[ $kind =~ ^(loopback|veth1500|node-small)$ ]] || die "CAPTURES: '$kind' is none of loopback, veth1500, node-small"
done

missing=()
for t in node tshark httpry tcpdump nginx wrk ip ethtool; do
  command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
if (( ${#missing[@]} )); then
  die "missing tools: ${missing[*]} (Debian: apt-get install -y tshark httpry tcpdump nginx-light wrk iproute2 ethtool nodejs)"
fi

# capture_files KIND: sets CAP and META, the cached capture of KIND and its facts.
capture_files() {
  local suffix=""
  [[ $1 == loopback ]] || suffix="-$1"
  CAP="$OUT_DIR/capture-$TRANSACTIONS-c$CONNECTIONS$suffix.pcap"
  META="$OUT_DIR/capture-$TRANSACTIONS-c$CONNECTIONS$suffix.json"
}

print_env() {
  bench_machine_lines detail
  echo "tshark:   $(tshark --version 2>/dev/null | head -1 || true) [deb $(pkgver tshark)]"
  echo "httpry:   $(httpry -h 2>&1 | head -1 | sed 's/ --.*//' || true) [deb $(pkgver httpry)]"
  echo "tcpdump:  $(tcpdump --version 2>&1 | head -2 | paste -sd' ' || true) [deb $(pkgver tcpdump)]"
  echo "nginx:    $(nginx -v 2>&1 | sed 's/^nginx version: //' || true) [deb nginx $(pkgver nginx), nginx-light $(pkgver nginx-light)]"
  echo "wrk:      $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2 || true) [deb $(pkgver wrk)]"
  echo "node:     $(node --version) (node-small's server)"
  if [[ -x $SHOAL ]]; then
    echo "shoal:    $SHOAL ($(timeout 10 "$SHOAL" --version 2>/dev/null | head -1 || echo 'version unknown'))"
  else
    echo "shoal:    $SHOAL not found"
  fi
  echo "ethtool:  $(ethtool --version 2>&1 | head -1 || true) [deb $(pkgver ethtool)]"
  echo "repo:     $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo 'no commit yet')"
  echo "settings: TRANSACTIONS=$TRANSACTIONS CONNECTIONS=$CONNECTIONS RUNS=$RUNS LOAD_TIMEOUT=${LOAD_TIMEOUT}s TCPDUMP_BUFFER_KIB=$TCPDUMP_BUFFER_KIB CAPTURES='$CAPTURES'"
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
  # ~3.1 KB: the segmented mix's usual response, three segments on a 1500-byte MTU.
  awk 'BEGIN {
    printf "{\"items\":["
    for (i = 0; i < 80; i++) printf "%s{\"id\":%d,\"name\":\"item-%04d\",\"ok\":true}", (i ? "," : ""), i, i
    printf "]}\n"
  }' >"$d/www/list.json"
  echo 'location / { }' >"$d/server.conf"
}

# nginx as one process (master_process off) that keeps every connection open for
# the whole load and answers If-Modified-Since in 2100 with 304 (bounded.lua).
BENCH_NGINX_MAIN='master_process off;'
BENCH_NGINX_HTTP='server_tokens off; keepalive_timeout 300s; if_modified_since before; keepalive_requests 100000000;'

# generate KIND: makes, verifies and caches the capture of KIND (CAP, META).
#   loopback  nginx, tcpdump and wrk on lo; the "small" request mix (bounded.lua):
#             every message in one segment (lo's MTU is 64 KiB).
#   veth1500  nginx in one namespace, wrk in the other, tcpdump on wrk's end of a
#             1500-MTU veth pair with TSO/GSO/GRO off (lab/lib/veth-pair.sh); the
#             "segmented" mix, whose requests and responses the network cuts into
#             several segments each. The verify pass counts them and refuses the
#             capture if a segment is larger than the MSS.
#   node-small  as loopback, with a Node server (small-server.mjs) instead of nginx:
#             the same statuses, bodies of a few bytes (an API's small JSON answers).
generate() {
  local kind=$1 gen_t0 port cap_part meta_part wrk_pid wrk_rc load_t0 load_s wrk_done
  local host=127.0.0.1 iface=lo mix=small ns_server="" ns_client="" verify_extra=()
  gen_t0=$(now_ms)
  mkdir -p "$OUT_DIR"
  rm -f "$CAP" "$META"
  cap_part="$CAP.partial"
  meta_part="$META.partial"
  PARTIALS+=("$cap_part" "$meta_part")
  TMPD="$(mktemp -d /tmp/shoal-bench-dissect.XXXXXX)"

  port="$(free_port)"
  write_site "$TMPD"
  echo "== generating the $kind capture: $TRANSACTIONS keep-alive transactions over $CONNECTIONS connections =="
  if [[ $kind == veth1500 ]]; then
    veth_pair_up shoalbench "$VETH_SUBNET" || die "could not make the 1500-MTU veth pair (root, iproute2 and ethtool needed)"
    echo "veth:    $VETH_NS_A ($VETH_IF_A $VETH_IP_A, wrk and tcpdump) <-> $VETH_NS_B ($VETH_IF_B $VETH_IP_B, nginx); MTU 1500, TSO/GSO/GRO off"
    host=$VETH_IP_B iface=$VETH_IF_A mix=segmented ns_server=$VETH_NS_B ns_client=$VETH_NS_A
    verify_extra=(--mss "$VETH_MSS")
    printf 'listen %s:%s;\n' "$host" "$port" | cat - "$TMPD/server.conf" >"$TMPD/server-veth.conf"
    mv "$TMPD/server-veth.conf" "$TMPD/server.conf"
  fi

  local server_pid
  if [[ $kind == node-small ]]; then
    node "$HERE/small-server.mjs" "$host" "$port" >"$TMPD/server.log" 2>&1 &
    server_pid=$!
    STARTED_PIDS+=("$server_pid")
    wait_for_port "$port" "$server_pid" "$host" || { cat "$TMPD/server.log" >&2; die "the Node server did not come up on $host:$port"; }
    echo "node:    pid $server_pid on $host:$port (small-server.mjs)"
  else
    NETNS=$ns_server NGINX_MAIN_DIRECTIVES=$BENCH_NGINX_MAIN NGINX_HTTP_DIRECTIVES=$BENCH_NGINX_HTTP \
      start_nginx "$TMPD" "$port" "$TMPD/server.conf" ||
      { cat "$TMPD/logs/error.log" >&2 || true; die "nginx did not come up on $host:$port"; }
    server_pid=$NGINX_PID
    echo "nginx:   pid $NGINX_PID on $host:$port (prefix $TMPD)"
  fi

  # Buffered capture (TPACKET_V3 ring, buffered writes; not the lib's default
  # immediate mode) with a large ring for this packet rate: -B is
  # TCPDUMP_BUFFER_KIB.
  NETNS=$ns_client TCPDUMP_IMMEDIATE=0 start_tcpdump "$cap_part" "$iface" -n -Z root "tcp port $port" ||
    die "tcpdump did not start listening"
  sleep 0.3
  echo "tcpdump: pid $TCPDUMP_PID -> $cap_part"

  echo "wrk:     -t$CONNECTIONS -c$CONNECTIONS, exactly $TRANSACTIONS requests ($mix mix), at most ${LOAD_TIMEOUT}s"
  mkdir -p "$TMPD/done"
  local in_client=()
  [[ -z $ns_client ]] || in_client=(ip netns exec "$ns_client") # execs wrk: the PID is wrk's
  load_t0=$(now_ms)
  "${in_client[@]}" wrk -t "$CONNECTIONS" -c "$CONNECTIONS" -d "${LOAD_TIMEOUT}s" --timeout 10s \
    -s "$HERE/bounded.lua" "http://$host:$port/" -- "$TRANSACTIONS" "$CONNECTIONS" "$TMPD/done" "$mix" \
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
  stop_started "$server_pid" TERM
  veth_pair_down # nothing runs inside the namespaces any more (no-op for loopback)

  local captured=$TCPDUMP_CAPTURED received=$TCPDUMP_RECEIVED dropped=$TCPDUMP_DROPPED
  echo "tcpdump: ${captured:-?} packets captured, ${received:-?} received by filter, ${dropped:-?} dropped by kernel"
  [[ -n $dropped && -n $captured ]] || { printf '%s\n' "$TCPDUMP_OUTPUT" >&2; die "could not read tcpdump's statistics"; }
  [[ $dropped == 0 ]] || die "tcpdump dropped $dropped packets; raise TCPDUMP_BUFFER_KIB and rerun"
  echo "load:    ${load_s}s for $TRANSACTIONS transactions"

  run_tracked node "$HERE/measure.mjs" verify --pcap "$cap_part" --final-name "$CAP" --port "$port" \
    --expect "$TRANSACTIONS" --meta "$meta_part" --packets "$captured" --dropped "$dropped" \
    --connections "$CONNECTIONS" --load-seconds "$load_s" --gen-started-ms "$gen_t0" \
    --kind "$kind" "${verify_extra[@]}" ||
    die "the capture did not verify; not caching it"
  mv "$cap_part" "$CAP"
  mv "$meta_part" "$META"
  rm -rf "$TMPD"
  TMPD=""
  echo "cached:  $CAP ($(du -h "$CAP" | cut -f1)); generation took $(secs_since "$gen_t0")s"
  echo
}

print_env

# Every capture is made (or found cached) before any timing, so the tools are
# timed one capture after the other in one stretch of the run.
for kind in "${KINDS[@]}"; do
  capture_files "$kind"
  if [[ $REGEN != 1 && -s $CAP && -s $META ]]; then
    echo "== $kind capture: cached $CAP (REGEN=1 to regenerate) =="
    node -e '
      const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      console.log(`${m.transactions} transactions, ${m.packets} packets (${m.droppedByKernel} dropped by kernel), ` +
        `${(m.bytes / 1e6).toFixed(1)} MB, ${m.connections} connections; generated ${m.generatedAt} ` +
        `in ${m.generationSeconds}s (load ${m.loadSeconds}s, verify ${m.verifySeconds}s)`);' "$META"
    echo
  else
    generate "$kind"
  fi
done

cd "$ROOT"
results=()
status=0
for kind in "${KINDS[@]}"; do
  capture_files "$kind"
  work="$OUT_DIR/run-$TRANSACTIONS-c$CONNECTIONS"
  [[ $kind == loopback ]] || work+="-$kind"
  rm -f "$work/result.json" # only this run's figures go into the comparison
  echo "== timing, $kind capture: wall clock, best of $RUNS, round robin =="
  # A failed check on one capture must not hide the figures of the other.
  run_tracked node "$HERE/measure.mjs" bench --pcap "$CAP" --meta "$META" --shoal "$SHOAL" \
    --runs "$RUNS" --work "$work" --strict "$STRICT" || status=1
  [[ ! -s $work/result.json ]] || results+=("$work/result.json")
  echo
done
(( ${#results[@]} < 2 )) || node "$HERE/measure.mjs" compare "${results[@]}"
exit "$status"
