# Shell helpers shared by the demo, the fixture generator and the benchmarks: start real Debian
# servers and tcpdump on loopback, and stop exactly the processes started here (by PID), also on
# failure. Source this file; call `cleanup_started` from an EXIT trap.

STARTED_PIDS=()

# NETNS: when set to the name of a network namespace (ip netns), wait_for_port, start_tcpdump and
# start_nginx work inside it. `ip netns exec` execs the command, so the PID recorded is the
# command's own and cleanup_started still stops exactly it.

# cleanup_started: sends SIGINT to every process in STARTED_PIDS and reaps it; one still running
# CLEANUP_GRACE seconds (default 5) later gets SIGKILL, so a stuck process cannot hang the exit.
# Also removes the log of a capture that was not stopped.
cleanup_started() {
  local pid i
  for pid in "${STARTED_PIDS[@]}"; do
    kill -INT "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    for i in $(seq 1 $((${CLEANUP_GRACE:-5} * 10))); do
      process_running "$pid" || break
      sleep 0.1
    done
    if process_running "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    wait "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
  [ -z "${TCPDUMP_LOG:-}" ] || rm -f "$TCPDUMP_LOG"
}

# process_running PID: true while PID runs; a process that exited but is not reaped yet does not.
process_running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) } # after "pid (comm) ", comm may hold spaces
  [ "${stat%% *}" != Z ]
}

# forget_started PID: drops PID from STARTED_PIDS once it is reaped, so it is never signalled again.
forget_started() {
  local keep=() pid
  for pid in "${STARTED_PIDS[@]}"; do
    [ "$pid" = "$1" ] || keep+=("$pid")
  done
  STARTED_PIDS=("${keep[@]}")
}

# stop_started PID [SIGNAL]: stops one started process (SIGINT unless SIGNAL), reaps and forgets it.
stop_started() {
  kill -"${2:-INT}" "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  forget_started "$1"
}

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# wait_for_port PORT [PID [HOST]]: waits (at most 10 s) until something accepts on HOST:PORT
# (default 127.0.0.1); with PID, gives up as soon as that process has exited.
wait_for_port() {
  local i host=${3:-127.0.0.1}
  for i in $(seq 1 100); do
    if [ -n "${NETNS:-}" ]; then
      ip netns exec "$NETNS" bash -c "exec 3<>/dev/tcp/$host/$1" 2>/dev/null && return 0
    else
      (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null && return 0
    fi
    if [ -n "${2:-}" ] && ! process_running "$2"; then
      echo "process $2 exited before anything listened on $host:$1" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "nothing listens on $host:$1 after 10 s" >&2
  return 1
}

# start_tcpdump FILE IFACE [OPTIONS...] FILTER... : captures to FILE until stop_tcpdump; waits until
# it listens. Sets TCPDUMP_PID. Options before the filter go to tcpdump as they are.
#   TCPDUMP_BUFFER_KIB  tcpdump -B, the kernel capture buffer in KiB (default 65536).
#   TCPDUMP_IMMEDIATE   1 (default): --immediate-mode -U, every packet is written as it arrives.
#                       0: libpcap's buffered TPACKET_V3 ring and buffered writes, for captures
#                       at a high packet rate; packets in a ring block retire after its 1 s
#                       timeout, so stop such a capture with a settle time over 1 s.
start_tcpdump() {
  local file=$1 iface=$2
  shift 2
  local opts=(-i "$iface" -s 0 -B "${TCPDUMP_BUFFER_KIB:-65536}")
  [ "${TCPDUMP_IMMEDIATE:-1}" = 0 ] || opts+=(--immediate-mode -U)
  TCPDUMP_LOG=$(mktemp)
  if [ -n "${NETNS:-}" ]; then
    ip netns exec "$NETNS" tcpdump "${opts[@]}" -w "$file" "$@" 2>"$TCPDUMP_LOG" &
  else
    tcpdump "${opts[@]}" -w "$file" "$@" 2>"$TCPDUMP_LOG" &
  fi
  TCPDUMP_PID=$!
  STARTED_PIDS+=("$TCPDUMP_PID")
  local i
  for i in $(seq 1 100); do
    grep -q 'listening on' "$TCPDUMP_LOG" && return 0
    process_running "$TCPDUMP_PID" || break
    sleep 0.05
  done
  cat "$TCPDUMP_LOG" >&2
  return 1
}

# stop_tcpdump [SETTLE_SECONDS]: waits SETTLE_SECONDS (default 0.2) for the last packets to reach
# the capture, stops it, prints tcpdump's own packet counts to stderr. Leaves tcpdump's stderr in
# TCPDUMP_OUTPUT and its counts in TCPDUMP_CAPTURED, TCPDUMP_RECEIVED (by filter) and
# TCPDUMP_DROPPED (by kernel), each empty if tcpdump did not print it.
stop_tcpdump() {
  sleep "${1:-0.2}"
  stop_started "$TCPDUMP_PID"
  TCPDUMP_OUTPUT=$(cat "$TCPDUMP_LOG" 2>/dev/null || true)
  TCPDUMP_CAPTURED=$(tcpdump_count captured)
  TCPDUMP_RECEIVED=$(tcpdump_count 'received by filter')
  TCPDUMP_DROPPED=$(tcpdump_count 'dropped by kernel')
  grep -E 'captured|dropped' "$TCPDUMP_LOG" >&2 || true
  rm -f "$TCPDUMP_LOG"
}

# tcpdump_count WHAT: the number on tcpdump's "N packet(s) WHAT" line in TCPDUMP_OUTPUT.
tcpdump_count() {
  printf '%s\n' "$TCPDUMP_OUTPUT" | sed -n "s/^\([0-9][0-9]*\) packets\{0,1\} $1.*/\1/p" | head -1
}

# start_nginx DIR PORT CONF_SNIPPET_FILE: runs Debian's nginx with its own prefix under DIR,
# listening on 127.0.0.1:PORT (and [::1]:PORT), with the server-block body from the snippet file.
# Sets NGINX_PID.
#   NGINX_MAIN_DIRECTIVES  extra directives for the main context (e.g. 'master_process off;').
#   NGINX_HTTP_DIRECTIVES  extra directives for the http block; a keepalive_requests there takes
#                          the place of the default one (1000000): nginx refuses it twice.
start_nginx() {
  local dir=$1 port=$2 snippet=$3
  local main=${NGINX_MAIN_DIRECTIVES:-} http=${NGINX_HTTP_DIRECTIVES:-}
  local keepalive='keepalive_requests 1000000;'
  case $http in *keepalive_requests*) keepalive=$http http= ;; esac
  mkdir -p "$dir/logs" "$dir/tmp"
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;${main:+
$main}
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  default_type application/octet-stream;
  types { text/html html; application/json json; text/plain txt; }
  $keepalive${http:+
  $http}
  server {
    listen 127.0.0.1:$port;
    listen [::1]:$port;
    root $dir/www;
    $(cat "$snippet")
  }
}
CONF
  if [ -n "${NETNS:-}" ]; then
    ip netns exec "$NETNS" nginx -p "$dir" -c "$dir/nginx.conf" &
  else
    nginx -p "$dir" -c "$dir/nginx.conf" &
  fi
  NGINX_PID=$!
  STARTED_PIDS+=("$NGINX_PID")
  wait_for_port "$port" "$NGINX_PID"
}
