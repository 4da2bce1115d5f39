#!/usr/bin/env bash
# `make run`: the lab cluster (two nodes of network namespaces, the demo workload, a worker per
# node, the hub on :8898, the dashboard on :8899), then its live feed in this terminal until Ctrl-C, which tears the lab
# down again. The lab is removed also when something fails on the way.
set -euo pipefail
cd "$(dirname "$0")/.."
shoal=bin/shoal
down() { "$shoal" lab down || true; }
trap down EXIT
# A lab left by an earlier run that was killed is removed first.
"$shoal" lab down >/dev/null 2>&1 || true
"$shoal" lab up --nodes 2
echo
echo "dashboard: open the sign-in link printed above after 'dashboard:' in a browser on this machine"
echo "live feed from the hub (shoal observe --follow); Ctrl-C stops it and removes the lab"
# observe exits 0 on Ctrl-C; the EXIT trap then takes the lab down.
trap '' INT
"$shoal" observe --hub http://127.0.0.1:8898 --last 20 --follow || true
