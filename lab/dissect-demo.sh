#!/usr/bin/env bash
# `make dissect-demo`: real nginx and curl on loopback, captured with tcpdump,
# then dissected by `shoal dissect`. Leaves the capture in .demo/demo.pcap for you to explore.
set -euo pipefail
cd "$(dirname "$0")/.."
source lab/lib/processes.sh
trap cleanup_started EXIT

work=.demo
rm -rf "$work" && mkdir -p "$work/www/api"
echo '<html><body><h1>Shoal demo</h1></body></html>' >"$work/www/index.html"
echo '[{"id":1,"name":"ada"},{"id":2,"name":"grace"}]' >"$work/www/api/users.json"
cat >"$work/server.conf" <<'CONF'
gzip on; gzip_min_length 1; gzip_types application/json text/plain;
location = /api/users { default_type application/json; try_files /api/users.json =404; }
location = /api/orders { return 201 '{"order":42}'; }
location = /health { return 204; }
CONF

port=$(free_port)
start_nginx "$PWD/$work" "$port" "$work/server.conf"
start_tcpdump "$work/demo.pcap" lo "tcp port $port"

base="http://127.0.0.1:$port"
# One keep-alive connection with several requests, then a few single ones.
curl -s -o /dev/null -o /dev/null -o /dev/null "$base/" "$base/api/users" "$base/missing"
curl -s -o /dev/null --compressed "$base/api/users"
curl -s -o /dev/null -X POST -H 'content-type: application/json' -d '{"item":"book"}' "$base/api/orders"
curl -s -o /dev/null -I "$base/"
curl -s -o /dev/null "$base/health"
curl -s -o /dev/null -g "http://[::1]:$port/api/users"
stop_tcpdump

echo
echo "shoal dissect $work/demo.pcap --format table --stats"
echo
bin/shoal dissect "$work/demo.pcap" --format table --stats
