#!/usr/bin/env bash
# bench/tls: what the TLS tracer costs an HTTPS server, in one run. See README.md.
#   1. HTTPS load: Debian's nginx (TLS 1.3, libssl.so.3) in one namespace, wrk (HTTP/1.1 over
#      TLS, keep-alive) from another, HTTP_SECONDS each: without a worker, with `shoal worker`
#      capturing the server pod, with `shoal worker --tls` tracing it too, with the tracer's
#      uprobes on nginx's libssl but nothing traced (the floor: what the kernel's traps alone
#      cost), then without again. Throughput of each against the mean of the two runs without;
#      the target is the --tls run at >= RATIO_TARGET % of that.
#   2. One hooked call: a program calling an exported SSL_read in a loop, with and without the
#      tracer's uprobes on it (its process not traced: the programs return at once), the cost of
#      the traps alone per call.
# A benchmark, not a test: it prints figures and MET/MISSED. Needs root, nginx-light, wrk,
# openssl, gcc, iproute2, ethtool, curl (make setup) and the built CLI (make build).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

HTTP_SECONDS="${HTTP_SECONDS:-10}"     # wrk -d of each run
CONNECTIONS="${CONNECTIONS:-16}"       # wrk -c
RATIO_TARGET="${RATIO_TARGET:-90}"     # % of the throughput without a worker
LOOP_CALLS="${LOOP_CALLS:-200000}"     # calls of the hooked-call loop
STRICT="${STRICT:-0}"                  # 1: MISSED makes the exit status 1
SHOAL="${SHOAL:-$ROOT/bin/shoal}"

# shellcheck source=../../lab/lib/processes.sh
source "$ROOT/lab/lib/processes.sh"
# shellcheck source=../../lab/lib/bench-env.sh
source "$ROOT/lab/lib/bench-env.sh"
# shellcheck source=../../lab/lib/veth-pair.sh
source "$ROOT/lab/lib/veth-pair.sh"

TMPD=""
cleanup() { bench_cleanup 10; }
bench_traps

die() { echo "bench/tls: $*" >&2; exit 1; }
for v in HTTP_SECONDS CONNECTIONS RATIO_TARGET LOOP_CALLS; do [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number"; done
(( HTTP_SECONDS > 0 && HTTP_SECONDS <= 600 )) || die "HTTP_SECONDS must be 1..600"
[[ $(id -u) == 0 ]] || die "needs root (namespaces, eBPF)"
for t in nginx wrk openssl gcc ip ethtool curl node; do command -v "$t" >/dev/null || die "$t is missing (see README.md)"; done
[[ -x $SHOAL ]] || die "$SHOAL is missing: make build"

TMPD=$(mktemp -d /tmp/shoal-bench-tls.XXXXXX)
chmod 755 "$TMPD" # nginx's workers (www-data) read its www/
bench_machine_lines
echo "nginx:    $(pkgver nginx-light)   wrk: $(pkgver wrk)   openssl: $(pkgver libssl3)"
echo

# ---------------------------------------------------------------------------- the pods

veth_pair_up shoal-tlsb 10.244.91 || die "cannot make the namespaces"
CLIENT_NS=$VETH_NS_A
SERVER_NS=$VETH_NS_B
SERVER_IP=$VETH_IP_B
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$SERVER_IP" -keyout "$TMPD/key.pem" -out "$TMPD/cert.pem" 2>/dev/null
mkdir -p "$TMPD/nginx/www"
head -c 768 /dev/urandom | base64 -w 0 >"$TMPD/nginx/www/index.html" # 1 KiB
cat >"$TMPD/snippet" <<SNIPPET
listen $SERVER_IP:443 ssl;
    ssl_protocols TLSv1.3;
    ssl_certificate $TMPD/cert.pem;
    ssl_certificate_key $TMPD/key.pem;
SNIPPET
NETNS=$SERVER_NS start_nginx "$TMPD/nginx" 8080 "$TMPD/snippet"
NETNS=$SERVER_NS wait_for_port 443 "$NGINX_PID" "$SERVER_IP"
echo "[{\"ip\":\"$SERVER_IP\",\"name\":\"nginx\",\"namespace\":\"bench\",\"netns\":\"/var/run/netns/$SERVER_NS\"}]" >"$TMPD/targets.json"

# load: wrk's requests/s over HTTP_SECONDS (one thread: the machine has two cores to share).
load() {
  local out
  out=$(ip netns exec "$CLIENT_NS" wrk -t 1 -c "$CONNECTIONS" -d "${HTTP_SECONDS}s" "https://$SERVER_IP/index.html" 2>&1) || die "wrk failed: $out"
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then die "wrk saw errors: $(grep -E 'Non-2xx|Socket errors' <<<"$out")"; fi
  sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$out"
}

WORKER_PID=""
WORKER_BASE=""
# start_worker [--tls]: shoal worker with the server pod as its target, its API up (and, with
# --tls, nginx hooked).
start_worker() {
  local dir="$TMPD/worker-$#" i port=""
  rm -rf "$dir" && mkdir -p "$dir"
  echo "bench-token" >"$dir/token"
  "$SHOAL" worker --port 0 --data-dir "$dir" --token-file "$dir/token" --targets "$TMPD/targets.json" --storage-limit 256Mi --log-level warn "$@" >"$dir/log" 2>&1 &
  WORKER_PID=$!
  STARTED_PIDS+=("$WORKER_PID")
  for i in $(seq 1 200); do
    port=$(ss -Hltnp 2>/dev/null | grep "pid=$WORKER_PID," | sed -n 's/.*127\.0\.0\.1:\([0-9]*\) .*/\1/p' | head -1 || true)
    [[ -n $port ]] && break
    process_running "$WORKER_PID" || die "the worker exited: $(cat "$dir/log")"
    sleep 0.1
  done
  [[ -n $port ]] || die "the worker does not listen"
  WORKER_BASE="http://127.0.0.1:$port"
  if [[ $* == *--tls* ]]; then
    for i in $(seq 1 100); do
      curl -sf -H "Authorization: Bearer bench-token" "$WORKER_BASE/stats" | grep -q '"functions":\["SSL_read"' && return 0
      sleep 0.1
    done
    die "the tracer did not hook nginx: $(curl -s "$WORKER_BASE/health")"
  fi
}

stop_worker() { stop_started "$WORKER_PID" TERM; WORKER_PID=""; }

TRAPS_PID=""
# start_traps FILE: the tracer's uprobes and uretprobes on FILE's SSL functions, its programs
# loaded, and no process traced: every call into FILE takes the traps and the programs return at
# once. What the kernel costs a hooked call, whatever the tracer then does.
start_traps() {
  node --input-type=module -e "
    const { TlsTrace } = await import('$ROOT/packages/capture/dist/index.js');
    const t = TlsTrace.open({}, () => {});
    t.attach('$1');
    console.log('attached');
    process.on('SIGTERM', () => { t.close(); process.exit(0); });
    setInterval(() => {}, 1000);
  " >"$TMPD/attach.log" 2>&1 &
  TRAPS_PID=$!
  STARTED_PIDS+=("$TRAPS_PID")
  local i
  for i in $(seq 1 100); do grep -q attached "$TMPD/attach.log" && return 0; process_running "$TRAPS_PID" || die "$(cat "$TMPD/attach.log")"; sleep 0.1; done
  die "the uprobes were not attached to $1"
}
stop_traps() { stop_started "$TRAPS_PID" TERM; TRAPS_PID=""; }

# ---------------------------------------------------------------------------- 1. HTTPS load

echo "== HTTPS load: wrk -c $CONNECTIONS, HTTP/1.1 over TLS 1.3 to nginx, ${HTTP_SECONDS} s each =="
load >/dev/null # warm-up (TLS sessions, caches)
NONE1=$(load)
echo "no worker:            $NONE1 req/s"
start_worker
CAPTURE=$(load)
stop_worker
echo "worker, capture:      $CAPTURE req/s"
start_worker --tls
TLS=$(load)
TRACER=$(curl -s -H "Authorization: Bearer bench-token" "$WORKER_BASE/stats" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s).tracer.counters;console.log(`calls ${t.calls}, chunks ${t.chunks}, lost ${t.lostChunks}, connections ${t.connections}`)})')
stop_worker
echo "worker, --tls:        $TLS req/s   (tracer: $TRACER)"
# The floor: the same uprobes on nginx's libssl, nothing traced (no worker).
LIBSSL=$(grep -m1 -o '/[^ ]*libssl\.so[^ ]*' "/proc/$NGINX_PID/maps") || die "nginx maps no libssl"
start_traps "$LIBSSL"
FLOOR=$(load)
stop_traps
echo "traps alone (floor):  $FLOOR req/s   (uprobes on $LIBSSL, no process traced, no worker)"
NONE2=$(load)
echo "no worker (again):    $NONE2 req/s"
RATIO=$(node -e "const r=${TLS}/((${NONE1}+${NONE2})/2)*100;console.log(r.toFixed(1))")
FLOOR_RATIO=$(node -e "console.log((${FLOOR}/((${NONE1}+${NONE2})/2)*100).toFixed(1))")
OF_FLOOR=$(node -e "console.log((${TLS}/${FLOOR}*100).toFixed(1))")
CAPTURE_RATIO=$(node -e "console.log((${CAPTURE}/((${NONE1}+${NONE2})/2)*100).toFixed(1))")
echo "capture alone: ${CAPTURE_RATIO} % of the throughput without a worker"
VERDICT=MET
node -e "process.exit(${RATIO} >= ${RATIO_TARGET} ? 0 : 1)" || VERDICT=MISSED
echo "with the tracer: ${RATIO} % (target >= ${RATIO_TARGET} %): $VERDICT"
echo "the floor, the kernel's traps alone: ${FLOOR_RATIO} % of the throughput without; the tracer reaches ${OF_FLOOR} % of the floor"
echo

# ---------------------------------------------------------------------------- 2. one hooked call

echo "== one hooked call: the traps of the tracer's uprobe and uretprobe =="
cat >"$TMPD/loop.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
/* Exported under OpenSSL's names, so the tracer attaches to this program as to a libssl. */
__attribute__((noinline, visibility("default"))) int SSL_read(void *s, void *b, int n) { __asm__ volatile(""); return n; }
__attribute__((noinline, visibility("default"))) int SSL_write(void *s, const void *b, int n) { __asm__ volatile(""); return n; }
int main(int argc, char **argv) {
  long n = atol(argv[1]);
  struct timespec a, b;
  volatile int sink = 0;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) sink += SSL_read(0, 0, 1);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.3f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n / 1000.0);
  return 0;
}
C
gcc -O2 -rdynamic -o "$TMPD/loop" "$TMPD/loop.c"
BARE=$("$TMPD/loop" "$LOOP_CALLS")
start_traps "$TMPD/loop"
HOOKED=$("$TMPD/loop" "$LOOP_CALLS")
stop_traps
echo "a call: ${BARE} us bare, ${HOOKED} us hooked (uprobe and uretprobe, not traced)"
echo
if [[ $STRICT == 1 && $VERDICT == MISSED ]]; then exit 1; fi
