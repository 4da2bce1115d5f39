# Shell pieces the benchmarks share (bench/*/run.sh): the exit clean-up and its traps, tracked
# children, and the machine's lines of the "== environment ==" block. Source it after
# lab/lib/processes.sh (it uses STARTED_PIDS, cleanup_started and forget_started).

# bench_cleanup GRACE [FILE...]: the body of a script's EXIT trap (call it first thing, so that
# $? is still the script's status): ends the started processes (SIGKILL after GRACE seconds),
# removes the namespaces of lab/lib/veth-pair.sh (when the script sourced it), FILEs and the
# folder $TMPD (when set), and exits with the script's status.
bench_cleanup() {
  local rc=$? grace=$1 p
  shift
  trap - EXIT
  trap '' INT TERM HUP # cleanup is bounded (CLEANUP_GRACE); let it finish
  CLEANUP_GRACE=$grace cleanup_started
  # Only now: a namespace lives on while a process is still inside it.
  if declare -F veth_pair_down >/dev/null; then veth_pair_down; fi
  for p in "$@"; do rm -f "$p"; done
  if [[ -n ${TMPD:-} && -d $TMPD ]]; then rm -rf "$TMPD"; fi
  exit "$rc"
}

# bench_traps: runs the script's `cleanup` function on exit; INT, TERM and HUP exit with
# 128 + the signal's number, which runs it too.
bench_traps() {
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
}

# run_tracked CMD...: runs CMD as a tracked background child (ended by PID if the script is
# interrupted, so a signal to the script is handled at once) and waits for it; returns its
# status.
run_tracked() {
  "$@" &
  local pid=$! rc=0
  STARTED_PIDS+=("$pid")
  wait "$pid" || rc=$?
  forget_started "$pid"
  return "$rc"
}

# pkgver PACKAGE: the installed Debian version of PACKAGE, or '?'.
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo '?'; }

# bench_machine_lines [detail]: the "== environment ==" heading and the machine's lines: date,
# kernel, os, cpu, cores, memory, load at start, node. With "detail" the os line adds
# /etc/debian_version and the cores line the count in /proc/cpuinfo.
bench_machine_lines() {
  local os_extra="" cores_extra=""
  if [[ ${1:-} == detail ]]; then
    os_extra=" (debian_version $(cat /etc/debian_version 2>/dev/null || echo '?'))"
    cores_extra=", $(grep -c '^processor' /proc/cpuinfo || true) in /proc/cpuinfo"
  fi
  echo "== environment =="
  echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "kernel:   $(uname -srm)"
  echo "os:       $(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-?}")$os_extra"
  echo "cpu:      $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores:    $(nproc) online$cores_extra"
  echo "memory:   $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "loadavg:  $(cut -d' ' -f1-3 /proc/loadavg) (at start)"
  echo "node:     $(node --version)"
}
