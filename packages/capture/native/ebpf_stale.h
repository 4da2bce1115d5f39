/*
 * Ownership of Shoal's tc filters, and the clean-up of stale ones. Filters attached over
 * netlink outlive the process that attached them; each capture therefore binds an abstract
 * unix socket named after its interface and filter handle ("shoal-tc-IFINDEX-HANDLE"), which
 * vanishes with the process. A Shoal filter whose name can be bound again has no owner left.
 * All in the calling thread's network namespace (the capture thread's).
 */
#ifndef SHOAL_EBPF_STALE_H
#define SHOAL_EBPF_STALE_H

#include <bpf/libbpf.h>
#include <stdint.h>


/* Binds the abstract name of (ifindex, handle): the fd, or -errno (-EADDRINUSE: taken). */
int ebpf_owner_bind(int ifindex, uint32_t handle);

/* Removes Shoal filters on interface `ifindex` whose owner is gone. 1 when that left the
 * clsact qdisc empty (the caller then takes it over: the dead capture most likely made it),
 * else 0. */
int ebpf_sweep_stale(int ifindex);

/* Filters on either clsact direction of the interface; -1 when they cannot be listed. */
int ebpf_count_filters(int ifindex);

/* Detaches the filter with this handle at priority SHOAL_TC_PRIORITY (errors ignored). */
void ebpf_detach_one(int ifindex, enum bpf_tc_attach_point point, uint32_t handle);

#endif
