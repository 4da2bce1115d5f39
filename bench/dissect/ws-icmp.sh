#!/usr/bin/env bash
# bench/dissect/ws-icmp.sh: entries per second of `shoal dissect` on WebSocket and ICMP captures,
# and tshark's messages per second on the same files in the same run (a benchmark, not a test).
#
# The captures come from real peers on a 1500-MTU veth pair with offloads off (lab/lib/veth-pair.sh),
# made before any timing: MESSAGES text messages through the fixture `ws` echo server, once with
# permessage-deflate (each side's window kept) and once without (bench/dissect/ws-load.mjs: each
# is echoed, so 2 x MESSAGES ws entries a file), and `ping -f -c PINGS` (flood: echoes paired
# into PINGS icmp entries). Each tool reads each file RUNS times, round robin; the best
# wall-clock time counts:
#   shoal dissect --format ndjson FILE > /dev/null      entries: `--protocol ws|icmp` counted apart
#   tshark -r FILE -Y websocket|icmp -T fields -e ...   messages: the frames it printed
# tshark prints one line per message (both directions), Shoal one entry per WebSocket message
# and per echo pair; the ratio compares the files' read times.
#
#   bench/dissect/ws-icmp.sh                    # MESSAGES=50000 PINGS=50000 RUNS=3
#   MESSAGES=100000 PINGS=100000 bench/dissect/ws-icmp.sh
#
# Needs root, iproute2, ethtool, tcpdump, tshark, ping (iputils-ping) and node; a build
# (`make build`). Nothing leaves the two namespaces it makes; everything it starts is stopped by
# PID and the namespaces removed on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MESSAGES="${MESSAGES:-50000}"
PINGS="${PINGS:-50000}"

# shellcheck source=setup.sh
source "$HERE/setup.sh" ws-icmp 2

need node tshark tcpdump ping ip ethtool
[[ $MESSAGES =~ ^[0-9]+$ && $PINGS =~ ^[0-9]+$ && $RUNS =~ ^[1-9][0-9]*$ ]] || die "MESSAGES, PINGS and RUNS are numbers"
mkdir -p "$OUT_DIR"
TMPD=$(mktemp -d -t shoal-bench-ws-icmp.XXXXXX)

bench_machine_lines
echo "tshark:   $(tshark --version 2>/dev/null | head -1) (Debian $(pkgver tshark))"
echo "ping:     $(ping -V | head -1)"
echo

echo "== captures (veth pair, MTU 1500, offloads off) =="
veth_pair_up shoalbws 10.244.89
server=$VETH_IP_B
for deflate in on off; do
  port=8080
  [[ $deflate == on ]] || port=8081
  ip netns exec "$VETH_NS_B" node "$ROOT/packages/dissect/test/fixtures/servers/ws-server.mjs" --host "$server" --port "$port" --deflate "$deflate" --max-seconds 600 >>"$TMPD/server.log" 2>&1 &
  STARTED_PIDS+=("$!")
  NETNS=$VETH_NS_B wait_for_port "$port" "$!" "$server" || { cat "$TMPD/server.log" >&2; die "the ws server did not start"; }
done

declare -A CAPS=([ws-deflate]="$OUT_DIR/ws-deflate-$MESSAGES.pcap" [ws-plain]="$OUT_DIR/ws-plain-$MESSAGES.pcap" [icmp]="$OUT_DIR/icmp-$PINGS.pcap")
NETNS=$VETH_NS_A start_tcpdump "${CAPS[ws-deflate]}" "$VETH_IF_A" tcp port 8080
ip netns exec "$VETH_NS_A" timeout 300 node "$HERE/ws-load.mjs" "ws://$server:8080/echo" "$MESSAGES"
stop_tcpdump 1
NETNS=$VETH_NS_A start_tcpdump "${CAPS[ws-plain]}" "$VETH_IF_A" tcp port 8081
ip netns exec "$VETH_NS_A" timeout 300 node "$HERE/ws-load.mjs" "ws://$server:8081/echo" "$MESSAGES" --deflate off
stop_tcpdump 1
NETNS=$VETH_NS_A start_tcpdump "${CAPS[icmp]}" "$VETH_IF_A" icmp
ip netns exec "$VETH_NS_A" timeout 300 ping -q -f -c "$PINGS" -W 1 "$server"
stop_tcpdump 1
echo

# What each tool makes of a file: Shoal's entries of the protocol, tshark's messages.
declare -A ENTRIES TSHARK_MESSAGES FILTER=([ws-deflate]=websocket [ws-plain]=websocket [icmp]=icmp) FIELDS COUNTED=([websocket]=websocket.opcode [icmp]=icmp.type)
FIELDS[websocket]="-e websocket.opcode -e websocket.payload.text"
FIELDS[icmp]="-e icmp.type -e icmp.ident -e icmp.seq"
for k in ws-deflate ws-plain icmp; do
  ENTRIES[$k]=$("$SHOAL" dissect "${CAPS[$k]}" --protocol "${k%%-*}" --format ndjson | wc -l)
  # One type or opcode per message; a segment may end several WebSocket frames.
  TSHARK_MESSAGES[$k]=$(tshark -n -r "${CAPS[$k]}" -Y "${FILTER[$k]}" -T fields -e "${COUNTED[${FILTER[$k]}]}" -E occurrence=a -E aggregator=' ' 2>/dev/null | wc -w)
done

echo "== timing: wall clock, best of $RUNS, round robin (load average at start: $(cut -d' ' -f1-3 /proc/loadavg)) =="
for run in $(seq 1 "$RUNS"); do
  for k in ws-deflate ws-plain icmp; do
    time_one "shoal-$k" "$SHOAL" dissect "${CAPS[$k]}" --format ndjson
    # shellcheck disable=SC2086 # FIELDS holds several -e arguments
    time_one "tshark-$k" tshark -n -r "${CAPS[$k]}" -Y "${FILTER[$k]}" -T fields ${FIELDS[${FILTER[$k]}]}
  done
done
for k in ws-deflate ws-plain icmp; do
  awk -v p="$k" -v e="${ENTRIES[$k]}" -v m="${TSHARK_MESSAGES[$k]}" -v s="${BEST[shoal-$k]}" -v t="${BEST[tshark-$k]}" -v size="$(stat -c %s "${CAPS[$k]}")" 'BEGIN {
    printf "%-10s %5.1f MB  shoal %5d ms, %7.0f entries/s (%d)   tshark %5d ms, %7.0f messages/s (%d)   tshark/shoal time %.1fx\n",
      p, size / 1e6, s, e / (s / 1000), e, t, m / (t / 1000), m, t / s }'
done
