#!/usr/bin/env bash
# bench/dissect/protocols.sh: entries per second of `shoal dissect` on HTTP/2, DNS, TLS and GraphQL
# captures made by real peers, and tshark on the same files in the same run (a benchmark, not a
# test; README.md, "HTTP/2, DNS, TLS and GraphQL").
#
# The captures come from real peers on a 1500-MTU veth pair with offloads off
# (lab/lib/veth-pair.sh), tcpdump in buffered mode on the client's end, and are cached in
# bench/out/dissect/ with their facts in a .json beside them (REGEN=1 makes them again):
#   http2    h2load (nghttp2) against nghttpd, H2_REQUESTS requests over 4 connections of 16
#            concurrent streams, round robin over a 600 B page, a 6 KB JSON and a 404 (the mix
#            of run.sh's HTTP/1 captures)
#   http2-small  the same load on one 33-byte JSON: every response one small DATA frame, so
#            header blocks (HPACK) and frames are nearly all the work
#   dns      dig (bind9-dnsutils) batch mode (-f) against dnsmasq serving a zone authoritatively:
#            DNS_QUERIES queries, 9 in 10 over UDP, 1 in 10 over TCP (a connection each),
#            a mix of A, AAAA, CNAME, SRV, MX, TXT, PTR, SOA and NXDOMAIN
#   tls      openssl s_time (new connections for TLS_SECONDS) against openssl s_server -www:
#            a full TLS 1.3 handshake and one GET a connection
#   graphql  h2load posting a GraphQL query with variables to the fixtures' GraphQL server
#            (packages/dissect/test/fixtures/servers/graphql-server.mjs, HTTP/2 prior knowledge)
# Each capture is checked before it is cached (tshark must see every response) and must show no
# packet dropped by the kernel. Then protocols-measure.mjs times, round robin, best of RUNS:
#   shoal dissect FILE --format ndjson | table     (every entry in full | one line per entry)
#   tshark -n -r FILE -Y ... -T fields -e ...      (the same file: method, path, status; DNS
#                                                   names, types, rcodes; TLS hello fields)
#   tcpdump -n -r FILE                             (the floor: a line per packet, in C, no
#                                                   pairing; 10× tshark is about its time)
# and checks that Shoal found what tshark found (counts and status or rcode histograms).
#
#   bench/dissect/protocols.sh                       # every family, cached captures
#   FAMILIES="http2 dns" RUNS=5 bench/dissect/protocols.sh
#   REGEN=1 H2_REQUESTS=400000 bench/dissect/protocols.sh
#   BASELINE=../other-checkout/bin/shoal bench/dissect/protocols.sh   # another build, same run
#
# Needs root, iproute2, ethtool, tcpdump, tshark, nghttp2 (nghttpd, h2load), dnsmasq
# (dnsmasq-base), dig (bind9-dnsutils), openssl, node and a build (`make build`); `make fixtures`
# installs the peers. Nothing is fetched at run time and nothing leaves the two namespaces it
# makes; everything it starts is stopped by PID and the namespaces removed on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FAMILIES="${FAMILIES:-http2 http2-small dns tls graphql}"
H2_REQUESTS="${H2_REQUESTS:-100000}"
DNS_QUERIES="${DNS_QUERIES:-100000}"
TLS_SECONDS="${TLS_SECONDS:-10}"
GQL_REQUESTS="${GQL_REQUESTS:-50000}"

# shellcheck source=setup.sh
source "$HERE/setup.sh" protocols 2

for n in H2_REQUESTS DNS_QUERIES TLS_SECONDS GQL_REQUESTS RUNS; do [[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "$n must be a whole number > 0"; done
for f in $FAMILIES; do [[ $f =~ ^(http2|http2-small|dns|tls|graphql)$ ]] || die "unknown family '$f' in FAMILIES (http2 http2-small dns tls graphql)"; done
[[ -x $SHOAL && -f $ROOT/packages/cli/dist/main.js ]] || die "$SHOAL is not built: make build"
mkdir -p "$OUT_DIR"
TMPD=$(mktemp -d -t shoal-bench-protocols.XXXXXX)

bench_machine_lines
echo "tshark:   $(tshark --version 2>/dev/null | head -1) (Debian $(pkgver tshark))"
echo "peers:    h2load $(pkgver nghttp2-client), nghttpd $(pkgver nghttp2-server), dnsmasq $(pkgver dnsmasq-base), dig $(pkgver bind9-dnsutils), openssl $(pkgver openssl)"
echo

# The cached capture of each family; its facts (port, expected counts) in FILE.json.
declare -A CAP=(
  [http2]="$OUT_DIR/proto-http2-$H2_REQUESTS.pcap"
  [http2-small]="$OUT_DIR/proto-http2-small-$H2_REQUESTS.pcap"
  [dns]="$OUT_DIR/proto-dns-$DNS_QUERIES.pcap"
  [tls]="$OUT_DIR/proto-tls-${TLS_SECONDS}s.pcap"
  [graphql]="$OUT_DIR/proto-graphql-$GQL_REQUESTS.pcap"
)
cached() { [[ ${REGEN:-0} != 1 && -s ${CAP[$1]} && -s ${CAP[$1]}.json ]]; }

missing=()
for f in $FAMILIES; do cached "$f" || missing+=("$f"); done
for f in $FAMILIES; do cached "$f" && echo "capture $f: cached ${CAP[$f]#"$ROOT"/} (REGEN=1 makes it again)"; done

# capture_start FAMILY FILTER...: tcpdump (buffered: these rates need it) on the client's end.
capture_start() {
  local f=$1
  shift
  echo "== capture $f"
  TCPDUMP_IMMEDIATE=0 TCPDUMP_BUFFER_KIB=262144 NETNS=$VETH_NS_A start_tcpdump "${CAP[$f]}.part" "$VETH_IF_A" "$@"
}
# capture_keep FAMILY JSON: stops tcpdump (2 s: over libpcap's 1 s block timeout), refuses a
# capture with drops, and caches it with its facts.
capture_keep() {
  stop_tcpdump 2
  [[ $TCPDUMP_DROPPED == 0 ]] || die "tcpdump dropped ${TCPDUMP_DROPPED:-?} packets on the $1 capture"
  mv "${CAP[$1]}.part" "${CAP[$1]}"
  printf '%s\n' "$2" >"${CAP[$1]}.json"
}
# in_a CMD...: CMD in the client's namespace, bounded to 10 minutes.
in_a() { ip netns exec "$VETH_NS_A" timeout 600 "$@"; }
# serve_b LOG PORT CMD...: a server in the server's namespace, started and waited for.
serve_b() {
  local log=$1 port=$2
  shift 2
  ip netns exec "$VETH_NS_B" "$@" >"$log" 2>&1 &
  STARTED_PIDS+=("$!")
  NETNS=$VETH_NS_B wait_for_port "$port" "$!" "$server" || { cat "$log" >&2; die "$1 did not start"; }
}

# h2_documents DIR: the documents nghttpd serves (a page, a JSON of 6 KB, a JSON of 33 bytes).
h2_documents() {
  mkdir -p "$1"
  awk 'BEGIN { printf "<!doctype html><title>shoal</title><p>"; for (i = 0; i < 56; i++) printf "paragraph "; print "</p>" }' >"$1/index.html"
  awk 'BEGIN { printf "{\"items\":["; for (i = 0; i < 150; i++) printf "%s{\"id\":%d,\"name\":\"item-%05d\"}", (i ? "," : ""), i, i; print "]}" }' >"$1/data.json"
  printf '{"items":[1,2,3],"note":"bench"}\n' >"$1/small.json"
}

# h2_capture FAMILY PATH...: h2load's H2_REQUESTS requests, round robin over PATHs, to nghttpd.
h2_capture() {
  local f=$1 port=8080 www=$TMPD/www uris=()
  shift
  [[ -f $www/small.json ]] || h2_documents "$www"
  [[ -n ${NGHTTPD_UP:-} ]] || { serve_b "$TMPD/nghttpd.log" "$port" nghttpd --no-tls -a "$server" -d "$www" "$port"; NGHTTPD_UP=1; }
  for p in "$@"; do uris+=("http://$server:$port$p"); done
  capture_start "$f" tcp port "$port"
  in_a h2load -n "$H2_REQUESTS" -c 4 -m 16 "${uris[@]}" >"$TMPD/h2load.out"
  grep -E '^(requests|status codes):' "$TMPD/h2load.out"
  grep -q "^requests: $H2_REQUESTS total, $H2_REQUESTS started, $H2_REQUESTS done, " "$TMPD/h2load.out" || die "h2load did not complete every request"
  capture_keep "$f" "{\"port\": $port, \"entries\": $H2_REQUESTS}"
}

capture_http2() { h2_capture http2 /index.html /data.json /missing; }
capture_http2-small() { h2_capture http2-small /small.json; }

capture_dns() {
  local sub=${VETH_IP_B%.*}
  serve_b "$TMPD/dnsmasq.log" 53 dnsmasq --keep-in-foreground --log-facility=- --conf-file=/dev/null --no-resolv --no-hosts \
    --listen-address="$server" --bind-interfaces --pid-file= --user=root \
    --auth-server=ns.shoal.test,"$VETH_IF_B" --auth-zone=shoal.test,"$sub.0/24" --auth-soa=2024010201,hostmaster.shoal.test \
    --host-record=www.shoal.test,"$sub.80",fd00:81::80 --host-record=ns.shoal.test,"$server" \
    --host-record=mail.shoal.test,"$sub.25" --cname=api.shoal.test,www.shoal.test \
    --srv-host=_http._tcp.shoal.test,www.shoal.test,8080,10,5 --mx-host=shoal.test,mail.shoal.test,10 \
    --txt-record=shoal.test,"v=spf1 -all","second string"
  # The mix, ten questions repeated; the tenth of the queries go over TCP.
  local mix=("www.shoal.test A" "www.shoal.test AAAA" "api.shoal.test A" "_http._tcp.shoal.test SRV" "shoal.test MX"
    "shoal.test TXT" "-x $sub.80" "shoal.test SOA" "nothere.shoal.test A" "www.shoal.test A")
  local tcp=$((DNS_QUERIES / 10)) udp i
  udp=$((DNS_QUERIES - tcp))
  for ((i = 0; i < udp; i++)); do echo "${mix[i % 10]}"; done >"$TMPD/udp.txt"
  for ((i = 0; i < tcp; i++)); do echo "${mix[i % 10]}"; done >"$TMPD/tcp.txt"
  capture_start dns port 53
  # Over TCP, one connection a query, as a stub resolver falls back to TCP. (Kept open,
  # dnsmasq's connections close after 100 queries, or after one when it serves them itself.)
  in_a dig @"$server" +tries=1 +timeout=2 -f "$TMPD/udp.txt" >"$TMPD/dig-udp.out"
  in_a dig @"$server" +tries=1 +timeout=2 +tcp -f "$TMPD/tcp.txt" >"$TMPD/dig-tcp.out"
  local answered
  answered=$(cat "$TMPD"/dig-*.out | grep -c '^;; Got answer:' || true)
  echo "dig: $answered of $DNS_QUERIES queries answered ($udp over UDP, $tcp over TCP)"
  [[ $answered == "$DNS_QUERIES" ]] || { grep -h -m 5 -E 'timed out|error' "$TMPD"/dig-*.out >&2; die "dig did not get every answer"; }
  capture_keep dns "{\"port\": 53, \"entries\": $DNS_QUERIES}"
}

capture_tls() {
  local port=4433
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMPD/key.pem" -out "$TMPD/cert.pem" \
    -days 30 -subj "/O=Shoal Bench/CN=www.shoal.test" -addext "subjectAltName=DNS:www.shoal.test" 2>/dev/null
  serve_b "$TMPD/s_server.log" "$port" openssl s_server -quiet -www -accept "$port" -cert "$TMPD/cert.pem" -key "$TMPD/key.pem"
  capture_start tls tcp port "$port"
  in_a openssl s_time -connect "$server:$port" -new -time "$TLS_SECONDS" -www / >"$TMPD/s_time.out" 2>&1 || true
  grep -E 'connections in' "$TMPD/s_time.out" | head -1
  stop_tcpdump 2
  [[ $TCPDUMP_DROPPED == 0 ]] || die "tcpdump dropped ${TCPDUMP_DROPPED:-?} packets on the tls capture"
  # s_time runs for a time, not a count: the handshakes are what tshark sees.
  local hellos
  hellos=$(tshark -n -r "${CAP[tls]}.part" -d "tcp.port==$port,tls" -Y 'tls.handshake.type == 2' -T fields -e frame.number 2>/dev/null | wc -l)
  echo "tshark: $hellos ServerHellos"
  ((hellos > 0)) || die "no TLS handshake in the capture"
  mv "${CAP[tls]}.part" "${CAP[tls]}"
  echo "{\"port\": $port, \"entries\": $hellos}" >"${CAP[tls]}.json"
}

capture_graphql() {
  local port=4000 h2_port=4001
  serve_b "$TMPD/graphql.log" "$h2_port" node "$ROOT/packages/dissect/test/fixtures/servers/graphql-server.mjs" \
    --host "$server" --port "$port" --h2-port "$h2_port" --max-seconds 900
  printf '%s' '{"query":"query GetBook($isbn: ID!) { book(isbn: $isbn) { title author year } }","operationName":"GetBook","variables":{"isbn":"978-1-000-00001-1"}}' >"$TMPD/query.json"
  capture_start graphql tcp port "$h2_port"
  in_a h2load -n "$GQL_REQUESTS" -c 2 -m 8 -d "$TMPD/query.json" -H 'content-type: application/json' "http://$server:$h2_port/graphql" >"$TMPD/h2load-gql.out"
  grep -E '^(requests|status codes):' "$TMPD/h2load-gql.out"
  grep -q "^requests: $GQL_REQUESTS total, $GQL_REQUESTS started, $GQL_REQUESTS done, $GQL_REQUESTS succeeded" "$TMPD/h2load-gql.out" || die "h2load did not complete every GraphQL request"
  capture_keep graphql "{\"port\": $h2_port, \"entries\": $GQL_REQUESTS}"
}

if ((${#missing[@]} > 0)); then
  for t in ip ethtool tcpdump; do command -v "$t" >/dev/null || die "$t is missing"; done
  echo "== captures (veth pair, MTU 1500, offloads off): ${missing[*]}"
  veth_pair_up shoalbp 10.244.91
  server=$VETH_IP_B
  for f in "${missing[@]}"; do
    case $f in
      http2 | http2-small | graphql) command -v h2load >/dev/null || die "h2load is missing (nghttp2: make fixtures installs it)" ;;
      dns) command -v dig >/dev/null && command -v dnsmasq >/dev/null || die "dig or dnsmasq is missing (make fixtures installs them)" ;;
    esac
    "capture_$f"
  done
  # The peers are done: stop them and remove the namespaces before timing.
  cleanup_started
  veth_pair_down
fi
echo

args=()
for f in $FAMILIES; do args+=(--capture "$f=${CAP[$f]}"); done
[[ -z ${BASELINE:-} ]] || args+=(--baseline "$BASELINE")
node "$HERE/protocols-measure.mjs" --shoal "$SHOAL" --runs "$RUNS" --work "$OUT_DIR/proto-run" "${args[@]}"
