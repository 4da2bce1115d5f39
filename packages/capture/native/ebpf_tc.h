/*
 * Attaching the eBPF backend's programs with tc (libbpf's bpf_tc_* over netlink): the clsact
 * qdisc, made here or found, the ingress and egress filters (priority SHOAL_TC_PRIORITY, a
 * random handle with an owner name, see ebpf_stale.h), and taking them off again, the qdisc
 * too when Shoal made it and nothing is left on it. On the capture thread, inside the
 * capture's network namespace.
 */
#ifndef SHOAL_EBPF_TC_H
#define SHOAL_EBPF_TC_H

#include "ebpf_state.h"

/* On each of the capture's interfaces: removes stale Shoal filters, adds the clsact qdisc (or
 * finds it) and attaches the ingress program and, unless outgoing packets are ignored or the
 * interface is loopback, the egress one. On failure, takes off again whatever it attached: -1
 * with `err` set. */
int ebpf_attach(ebpf_state *st, const shoal_options *opts, shoal_error *err);

/* Takes our filters off every interface; removes a clsact qdisc when Shoal made it and it is
 * now empty. */
void ebpf_teardown(ebpf_state *st);

#endif
