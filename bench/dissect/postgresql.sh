#!/usr/bin/env bash
# bench/dissect/postgresql.sh: entries per second of `shoal dissect` on a PostgreSQL capture, and
# tshark's on the same file in the same run (a benchmark, not a test).
#
# The capture comes from real peers on a 1500-MTU veth pair with offloads off
# (lab/lib/veth-pair.sh), made before any timing: Debian's PostgreSQL server (the fixtures'
# cluster, packages/dissect/test/fixtures/servers/postgres-cluster.sh) answering QUERIES
# statements of node-postgres over CLIENTS connections (bench/dissect/pg-load.mjs: simple and
# extended protocol, a named statement, a page of 20 rows, an error). Each tool reads the file RUNS times, round
# robin; the best wall-clock time counts:
#   shoal dissect --format ndjson FILE > /dev/null            entries in full (`--protocol postgresql`)
#   shoal dissect --format table FILE > /dev/null             one line per entry (detail summary)
#   tshark -r FILE -Y pgsql -T fields -e pgsql.type ...        its messages, one line per segment
#   tcpdump -n -r FILE > /dev/null                             the floor: a line per packet, no pairing
# Shoal makes one entry per operation (a Query, a statement's Parse … Sync) with its answer;
# tshark lists every message (Parse, Bind, …, DataRow, ReadyForQuery); the ratio compares the
# file's read times.
#
#   bench/dissect/postgresql.sh                 # QUERIES=100000 CLIENTS=4 RUNS=3
#   QUERIES=200000 bench/dissect/postgresql.sh
#
# Needs root, iproute2, ethtool, tcpdump, tshark, openssl, node and Debian's postgresql; a build
# (`make build`). Nothing leaves the two namespaces it makes; everything it starts is stopped by
# PID and the namespaces removed on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
QUERIES="${QUERIES:-100000}"
CLIENTS="${CLIENTS:-4}"

# shellcheck source=setup.sh
source "$HERE/setup.sh" postgresql 5
# shellcheck source=../../packages/dissect/test/fixtures/servers/postgres-cluster.sh
source "$ROOT/packages/dissect/test/fixtures/servers/postgres-cluster.sh"

need node tshark tcpdump openssl ip ethtool setpriv
[ -n "$PG_BIN" ] || die "PostgreSQL is missing: apt-get install postgresql"
[[ $QUERIES =~ ^[0-9]+$ && $CLIENTS =~ ^[1-9][0-9]*$ && $RUNS =~ ^[1-9][0-9]*$ ]] || die "QUERIES, CLIENTS and RUNS are numbers"
mkdir -p "$OUT_DIR"
TMPD=$(mktemp -d -t shoal-bench-pg.XXXXXX)
chmod 755 "$TMPD"

bench_machine_lines
echo "tshark:   $(tshark --version 2>/dev/null | head -1) (Debian $(pkgver tshark))"
echo "server:   $("$PG_BIN/postgres" --version)"
echo

echo "== capture (veth pair, MTU 1500, offloads off) =="
veth_pair_up shoalbpg 10.244.93
pg_cluster_up "$TMPD/pg" "$VETH_NS_B" "$VETH_IP_B" 5432 || die "the cluster did not start"
CAP="$OUT_DIR/postgresql-$QUERIES.pcap"
TCPDUMP_IMMEDIATE=0 NETNS=$VETH_NS_A start_tcpdump "$CAP" "$VETH_IF_A" tcp port 5432
ip netns exec "$VETH_NS_A" timeout 600 node "$HERE/pg-load.mjs" --host "$VETH_IP_B" --port 5432 --clients "$CLIENTS" "$QUERIES"
stop_tcpdump 2
[ "${TCPDUMP_DROPPED:-0}" = 0 ] || die "tcpdump dropped $TCPDUMP_DROPPED packets"
echo


ENTRIES=$("$SHOAL" dissect "$CAP" --protocol postgresql --format ndjson | wc -l)
ERRORS=$("$SHOAL" dissect "$CAP" --protocol postgresql --format ndjson | grep -c '"code":"42P01"' || true)
# One type per message; a segment may hold several.
MESSAGES=$(tshark -n -r "$CAP" -Y pgsql -T fields -e pgsql.type -E occurrence=a -E aggregator=, 2>/dev/null | tr ',' '\n' | grep -c .)
TSHARK_ERRORS=$(tshark -n -r "$CAP" -Y 'pgsql.code == "42P01"' -T fields -e frame.number 2>/dev/null | wc -l)

echo "== timing: wall clock, best of $RUNS, round robin (load average at start: $(cut -d' ' -f1-3 /proc/loadavg)) =="
for _ in $(seq 1 "$RUNS"); do
  time_one shoal "$SHOAL" dissect "$CAP" --format ndjson
  time_one shoal-table "$SHOAL" dissect "$CAP" --format table
  time_one tshark tshark -n -r "$CAP" -Y pgsql -T fields -e pgsql.type -e pgsql.query -e pgsql.tag -e pgsql.code
  time_one tcpdump tcpdump -n -r "$CAP"
done
awk -v e="$ENTRIES" -v m="$MESSAGES" -v s="${BEST[shoal]}" -v st="${BEST[shoal-table]}" -v t="${BEST[tshark]}" -v f="${BEST[tcpdump]}" -v size="$(stat -c %s "$CAP")" -v err="$ERRORS" -v terr="$TSHARK_ERRORS" 'BEGIN {
  printf "postgresql %.1f MB, %d entries (%d errors); tshark %d messages (%d errors)\n", size / 1e6, e, err, m, terr
  printf "  shoal ndjson %6d ms, %7.0f entries/s   tshark/shoal time %.1fx, %.2fx tcpdump\n", s, e / (s / 1000), t / s, s / f
  printf "  shoal table  %6d ms, %7.0f entries/s   tshark/shoal time %.1fx, %.2fx tcpdump\n", st, e / (st / 1000), t / st, st / f
  printf "  tcpdump      %6d ms (the floor: a line per packet, no pairing)\n", f
  printf "  tshark       %6d ms, %7.0f messages/s\n", t, m / (t / 1000) }'
