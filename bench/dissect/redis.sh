#!/usr/bin/env bash
# bench/dissect/redis.sh: entries per second of `shoal dissect` on Redis captures, and tshark's
# messages per second on the same files in the same run (a benchmark, not a test; README.md,
# "Redis").
#
# The captures come from real peers on a 1500-MTU veth pair with offloads off (lab/lib/veth-pair.sh),
# made before any timing: redis-benchmark (Debian's redis-tools) against redis-server, COMMANDS
# requests of each of SET, GET, INCR, LPUSH, HSET and LRANGE_100 (a 100-value reply) over 4
# connections, once one command at a time (redis-plain) and once in pipelines of 16
# (redis-pipeline). Each tool reads each file RUNS times, round robin; the best wall-clock time
# counts:
#   shoal dissect --format ndjson FILE > /dev/null        every entry in full (entries:
#   shoal dissect --format table FILE > /dev/null         one line per entry   `--protocol redis`)
#   tshark -2 -r FILE -Y resp -T fields -e ...            commands: the arrays the client sent
#   tcpdump -n -r FILE > /dev/null                        the floor: a line per packet, no pairing
# tshark (two passes: messages reassembled across segments) prints each command's name and first
# argument and each reply's values; Shoal pairs each command with its reply in one entry. The
# ratio compares the files' read times.
#
#   bench/dissect/redis.sh                         # COMMANDS=20000 RUNS=3
#   COMMANDS=50000 RUNS=5 bench/dissect/redis.sh
#
# Needs root, iproute2, ethtool, tcpdump, tshark, redis-server and redis-benchmark (Debian's
# redis-server and redis-tools) and node; a build (`make build`). Nothing leaves the two
# namespaces it makes; everything it starts is stopped by PID and the namespaces removed on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
COMMANDS="${COMMANDS:-20000}"

# shellcheck source=setup.sh
source "$HERE/setup.sh" redis 2

need node tshark tcpdump redis-server redis-benchmark ip ethtool
[[ $COMMANDS =~ ^[0-9]+$ && $RUNS =~ ^[1-9][0-9]*$ ]] || die "COMMANDS and RUNS are numbers"
mkdir -p "$OUT_DIR"
TMPD=$(mktemp -d -t shoal-bench-redis.XXXXXX)

bench_machine_lines
echo "tshark:   $(tshark --version 2>/dev/null | head -1) (Debian $(pkgver tshark))"
echo "redis:    $(redis-server --version) (Debian $(pkgver redis-server))"
echo

echo "== captures (veth pair, MTU 1500, offloads off) =="
veth_pair_up shoalbredis 10.244.92
server=$VETH_IP_B
mkdir -p "$TMPD/redis"
ip netns exec "$VETH_NS_B" redis-server --bind "$server" --port 6379 --dir "$TMPD/redis" --save '' --appendonly no \
  --protected-mode no --daemonize no --logfile '' >"$TMPD/redis.log" 2>&1 &
STARTED_PIDS+=("$!")
NETNS=$VETH_NS_B wait_for_port 6379 "$!" "$server" || { cat "$TMPD/redis.log" >&2; die "redis-server did not start"; }

declare -A CAPS=([redis-plain]="$OUT_DIR/redis-plain-$COMMANDS.pcap" [redis-pipeline]="$OUT_DIR/redis-pipeline-$COMMANDS.pcap")
declare -A PIPELINE=([redis-plain]=1 [redis-pipeline]=16)
for k in redis-plain redis-pipeline; do
  TCPDUMP_IMMEDIATE=0 NETNS=$VETH_NS_A start_tcpdump "${CAPS[$k]}" "$VETH_IF_A" tcp port 6379
  ip netns exec "$VETH_NS_A" timeout 300 redis-benchmark -h "$server" -p 6379 -c 4 -n "$COMMANDS" -P "${PIPELINE[$k]}" \
    -t set,get,incr,lpush,hset,lrange_100 -q >>"$TMPD/benchmark.log"
  stop_tcpdump 2
  [[ ${TCPDUMP_DROPPED:-0} == 0 ]] || die "tcpdump dropped $TCPDUMP_DROPPED packets: the capture is refused"
done
sed 's/^/  /' "$TMPD/benchmark.log" | tr '\r' '\n' | grep -v '^\s*$' | grep -v 'rps=' || true
echo

# best_ms CMD...: the best wall-clock milliseconds of RUNS runs of CMD (output discarded).

TSHARK_FIELDS=(-e resp.array.length -e resp.bulk_string.value -e resp.string -e resp.integer -e resp.error)
declare -A ENTRIES TSHARK_MESSAGES
for k in redis-plain redis-pipeline; do
  ENTRIES[$k]=$("$SHOAL" dissect "${CAPS[$k]}" --protocol redis --format ndjson | wc -l)
  # One top-level array per command the client sent (a command's values are bulk strings).
  TSHARK_MESSAGES[$k]=$(tshark -2 -n -r "${CAPS[$k]}" -Y 'resp && tcp.dstport == 6379' -T fields -e resp.array.length -E occurrence=a -E aggregator=' ' 2>/dev/null | wc -w)
done

echo "== timing: wall clock, best of $RUNS, round robin (load average at start: $(cut -d' ' -f1-3 /proc/loadavg)) =="
for run in $(seq 1 "$RUNS"); do
  for k in redis-plain redis-pipeline; do
    time_one "shoal-$k" "$SHOAL" dissect "${CAPS[$k]}" --format ndjson
    time_one "table-$k" "$SHOAL" dissect "${CAPS[$k]}" --format table
    time_one "tshark-$k" tshark -2 -n -r "${CAPS[$k]}" -Y resp -T fields "${TSHARK_FIELDS[@]}"
    time_one "tcpdump-$k" tcpdump -n -r "${CAPS[$k]}"
  done
done
for k in redis-plain redis-pipeline; do
  awk -v p="$k" -v e="${ENTRIES[$k]}" -v m="${TSHARK_MESSAGES[$k]}" -v s="${BEST[shoal-$k]}" -v b="${BEST[table-$k]}" -v t="${BEST[tshark-$k]}" -v f="${BEST[tcpdump-$k]}" -v size="$(stat -c %s "${CAPS[$k]}")" 'BEGIN {
    printf "%-15s %5.1f MB, %d entries, tshark %d commands\n", p, size / 1e6, e, m
    printf "  tshark          %6d ms, %8.0f commands/s\n", t, m / (t / 1000)
    printf "  tcpdump         %6d ms (the floor: a line per packet, no pairing)\n", f
    printf "  shoal ndjson    %6d ms, %8.0f entries/s   tshark/shoal time %5.1fx %s, %.2fx tcpdump\n", s, e / (s / 1000), t / s, (t / s >= 10 ? "MET (>= 10x)" : "MISSED (< 10x)"), s / f
    printf "  shoal table     %6d ms, %8.0f entries/s   tshark/shoal time %5.1fx %s, %.2fx tcpdump\n", b, e / (b / 1000), t / b, (t / b >= 10 ? "MET (>= 10x)" : "MISSED (< 10x)"), b / f }'
done
