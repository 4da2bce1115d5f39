# Shell helpers shared by the demo, the fixture generator and the benchmarks: start real Debian
# servers and tcpdump on loopback, and stop exactly the processes started here (by PID), also on
# failure. Source this file; call `cleanup_started` from an EXIT trap.

STARTED_PIDS=()

# NETNS: when set to the name of a network namespace (ip netns), wait_for_port, start_tcpdump and
# start_nginx work inside it. `ip netns exec` execs the command, so the PID recorded is the
# command's own and cleanup_started still stops exactly it.

cleanup_started() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    kill -INT "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
}

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# wait_for_port PORT: waits (at most 10 s) until something accepts on 127.0.0.1:PORT.
wait_for_port() {
  local i
  for i in $(seq 1 100); do
    if [ -n "${NETNS:-}" ]; then
      ip netns exec "$NETNS" bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null && return 0
    else
      (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    fi
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1 after 10 s" >&2
  return 1
}

# start_tcpdump FILE IFACE FILTER... : captures to FILE until stop_tcpdump; waits until it listens.
start_tcpdump() {
  local file=$1 iface=$2
  shift 2
  TCPDUMP_LOG=$(mktemp)
  if [ -n "${NETNS:-}" ]; then
    ip netns exec "$NETNS" tcpdump -i "$iface" -s 0 -B 65536 --immediate-mode -U -w "$file" "$@" 2>"$TCPDUMP_LOG" &
  else
    tcpdump -i "$iface" -s 0 -B 65536 --immediate-mode -U -w "$file" "$@" 2>"$TCPDUMP_LOG" &
  fi
  TCPDUMP_PID=$!
  STARTED_PIDS+=("$TCPDUMP_PID")
  local i
  for i in $(seq 1 100); do
    grep -q 'listening on' "$TCPDUMP_LOG" && return 0
    sleep 0.05
  done
  cat "$TCPDUMP_LOG" >&2
  return 1
}

# stop_tcpdump: stops the capture, prints tcpdump's own packet counts to stderr.
stop_tcpdump() {
  sleep 0.2 # let the last packets reach the capture buffer
  kill -INT "$TCPDUMP_PID" 2>/dev/null || true
  wait "$TCPDUMP_PID" 2>/dev/null || true
  grep -E 'captured|dropped' "$TCPDUMP_LOG" >&2 || true
  rm -f "$TCPDUMP_LOG"
}

# start_nginx DIR PORT CONF_SNIPPET_FILE: runs Debian's nginx with its own prefix under DIR,
# listening on 127.0.0.1:PORT (and [::1]:PORT), with the server-block body from the snippet file.
start_nginx() {
  local dir=$1 port=$2 snippet=$3
  mkdir -p "$dir/logs" "$dir/tmp"
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
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
  keepalive_requests 1000000;
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
  STARTED_PIDS+=("$!")
  wait_for_port "$port"
}
