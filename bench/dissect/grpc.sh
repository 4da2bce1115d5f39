#!/usr/bin/env bash
# bench/dissect/grpc.sh: gRPC dissection throughput, in calls/s, against tshark in the same run.
# A benchmark, not a test: it prints figures (README.md, "gRPC").
#
# Makes (or reuses) a loopback capture of CALLS calls between the fixtures' real @grpc/grpc-js
# peers (grpc-load.mjs against packages/dissect/test/fixtures/servers/grpc-server.mjs), then
# times `shoal dissect` (ndjson and table) and tshark's gRPC dissector on it (grpc-measure.mjs).
# Needs root (tcpdump), tshark, and `npm ci` (the peers are devDependencies of @shoal/dissect).
# Every process it starts is ended by its PID on exit, also after a failure.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
source lab/lib/processes.sh

CALLS=${CALLS:-100000}
RUNS=${RUNS:-3}
CHANNELS=${CHANNELS:-4}
IN_FLIGHT=${IN_FLIGHT:-8}
SHOAL=${SHOAL:-bin/shoal}
OUT=${BENCH_OUT:-bench/out/dissect}
CAP=$OUT/grpc-$CALLS-c$CHANNELS.pcap
trap cleanup_started EXIT
mkdir -p "$OUT"

echo "== environment"
echo "date: $(date -u +%FT%TZ); kernel $(uname -r); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "node $(node --version); $(tshark --version | head -1); @grpc/grpc-js $(node -p "require('@grpc/grpc-js/package.json').version")"

if [[ ${REGEN:-0} != 1 && -s $CAP && -s $CAP.json ]]; then
  echo "== capture: cached $CAP (REGEN=1 to make it again)"
else
  port=$(free_port)
  node packages/dissect/test/fixtures/servers/grpc-server.mjs --port "$port" --max-seconds 600 >"$OUT/grpc-server.log" 2>&1 &
  STARTED_PIDS+=("$!")
  server=$!
  wait_for_port "$port" "$server"
  echo "== capture: $CALLS calls, $CHANNELS connections, $IN_FLIGHT in flight on each (loopback, port $port)"
  TCPDUMP_IMMEDIATE=0 TCPDUMP_BUFFER_KIB=262144 start_tcpdump "$CAP.part" lo -n "tcp port $port"
  t0=$(date +%s%N)
  load=$(timeout 600 node "$HERE/grpc-load.mjs" --target "127.0.0.1:$port" --calls "$CALLS" --channels "$CHANNELS" --in-flight "$IN_FLIGHT")
  echo "load: $load in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  stop_tcpdump 2
  stop_started "$server"
  [[ $TCPDUMP_DROPPED == 0 ]] || { echo "grpc.sh: tcpdump dropped $TCPDUMP_DROPPED packets" >&2; exit 1; }
  mv "$CAP.part" "$CAP"
  echo "{\"port\": $port, \"notFound\": $(sed -n 's/.*not_found=\([0-9]*\).*/\1/p' <<<"$load")}" >"$CAP.json"
fi

port=$(node -p "require('./$CAP.json').port")
not_found=$(node -p "require('./$CAP.json').notFound")
echo "== timing: wall clock, best of $RUNS, round robin ($(du -h "$CAP" | cut -f1))"
node "$HERE/grpc-measure.mjs" --pcap "$CAP" --port "$port" --calls "$CALLS" --not-found "$not_found" --shoal "$SHOAL" --runs "$RUNS" --work "$OUT/grpc-run-$CALLS"
