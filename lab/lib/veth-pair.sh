# Two network namespaces joined by one veth pair that segments TCP like a real network: MTU 1500
# and TSO, GSO and GRO off on both ends. Loopback (MTU 64 KiB) never cuts a request, and a veth
# with its offloads on hands the capture 7–64 KB "packets" that the kernel splits later (or
# never); with them off, tcpdump on either end sees what a NIC would put on the wire: TCP segments
# of at most one MSS (1448 bytes with timestamps), several per large request or response.
# Used by the fixture generator (packages/dissect/test/fixtures/generate.sh) and bench/dissect.
# Needs root, iproute2 and ethtool. Source it; call veth_pair_down from the EXIT trap, after the
# processes running inside the namespaces were stopped (cleanup_started in processes.sh).

VETH_NS_A=
VETH_NS_B=

# veth_pair_up NAME SUBNET: makes namespaces NAME-<pid>-a (the client side) and NAME-<pid>-b (the
# server side), each with lo up, joined by veth mtu<pid>a <-> mtu<pid>b with SUBNET.1/24 and
# SUBNET.2/24 (SUBNET is three octets, e.g. 10.244.80: only 10.244.x.y, and only inside these
# namespaces, so nothing outside them can be reached or disturbed). The PID in every name lets two
# runs coexist and shows whose leftovers they are. Sets VETH_NS_A, VETH_NS_B, VETH_IF_A,
# VETH_IF_B, VETH_IP_A, VETH_IP_B. Fails (non-zero) if the MTU or the offloads did not take;
# whatever it made by then is removed by veth_pair_down.
veth_pair_up() {
  local name=$1 subnet=$2 ns dev ip
  command -v ethtool >/dev/null || { echo "veth-pair.sh: ethtool is missing: apt-get install ethtool" >&2; return 1; }
  VETH_NS_A=$name-$$-a
  VETH_NS_B=$name-$$-b
  VETH_IF_A=mtu$$a
  VETH_IF_B=mtu$$b
  VETH_IP_A=$subnet.1
  VETH_IP_B=$subnet.2
  ip netns add "$VETH_NS_A" || return 1
  ip netns add "$VETH_NS_B" || return 1
  ip -n "$VETH_NS_A" link add "$VETH_IF_A" mtu 1500 type veth peer name "$VETH_IF_B" mtu 1500 netns "$VETH_NS_B" || return 1
  for ns in "$VETH_NS_A:$VETH_IF_A:$VETH_IP_A" "$VETH_NS_B:$VETH_IF_B:$VETH_IP_B"; do
    IFS=: read -r ns dev ip <<<"$ns"
    ip -n "$ns" link set lo up || return 1
    ip -n "$ns" addr add "$ip/24" dev "$dev" || return 1
    # TSO/GSO: the sending stack cuts segments itself instead of handing the device (and the
    # capture) one large buffer; GRO: the receiving side does not merge them back.
    ip netns exec "$ns" ethtool -K "$dev" tso off gso off gro off || return 1
    ip -n "$ns" link set "$dev" up || return 1
    veth_check "$ns" "$dev" || return 1
  done
}

# veth_check NS DEV: fails, saying why, unless DEV in NS has MTU 1500 and TSO, GSO and GRO off
# (a kernel may refuse to change a feature, and ethtool -K does not always say so).
veth_check() {
  local mtu features
  mtu=$(ip -n "$1" -o link show dev "$2" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
  [ "$mtu" = 1500 ] || { echo "veth-pair.sh: $2 in $1 has MTU $mtu, not 1500" >&2; return 1; }
  features=$(ip netns exec "$1" ethtool -k "$2") || return 1
  if printf '%s\n' "$features" | grep -Eq '^(tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload): on'; then
    echo "veth-pair.sh: $2 in $1 kept an offload on:" >&2
    printf '%s\n' "$features" | grep -E '^(tcp-segmentation|generic-segmentation|generic-receive)-offload' >&2
    return 1
  fi
}

# veth_pair_down: removes both namespaces (the veth pair goes with them). Safe to call twice, or
# when veth_pair_up failed half-way or never ran.
veth_pair_down() {
  [ -z "$VETH_NS_A" ] || ip netns del "$VETH_NS_A" 2>/dev/null || true
  [ -z "$VETH_NS_B" ] || ip netns del "$VETH_NS_B" 2>/dev/null || true
  VETH_NS_A=
  VETH_NS_B=
}
