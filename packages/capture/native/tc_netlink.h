/*
 * Listing the tc filters of one clsact direction of one interface over rtnetlink
 * (RTM_GETTFILTER dump), in the calling thread's network namespace. libbpf can attach,
 * detach and query one filter by handle, but not list them; the eBPF backend needs the list
 * to find filters left behind by a killed process and to see whether a clsact qdisc it made
 * has become empty. No libbpf here.
 */
#ifndef SHOAL_TC_NETLINK_H
#define SHOAL_TC_NETLINK_H

#include <stdint.h>

/* One filter (or one priority's chain head, which has handle 0). kind is "bpf", "u32"...;
 * for a bpf filter, prog_id is the attached program's id (TCA_BPF_ID) and bpf_name the name
 * given at attach time (TCA_BPF_NAME; libbpf's bpf_tc_attach gives "PROGNAME:[ID]"), else 0
 * and "". Return nonzero to stop the walk. */
typedef int (*tc_filter_fn)(void *ctx, uint32_t handle, uint32_t priority, const char *kind,
                            uint32_t prog_id, const char *bpf_name);

/* Walks the filters under `parent` (TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS or _EGRESS)) of
 * `ifindex`. 0, or -errno (-EINVAL / -ENOENT when there is no clsact qdisc: no filters). */
int tc_filter_dump(int ifindex, uint32_t parent, tc_filter_fn fn, void *ctx);

#endif
