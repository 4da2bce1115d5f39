/*
 * What the eBPF capture program (capture.bpf.c) and its loader (../ebpf_*.c) share:
 * the ring-buffer record, the configuration map's value and the counters' slots.
 *
 * Only <linux/types.h> types: this header is compiled both by `clang -target bpf` and by the
 * host compiler. Change both sides together (the loader checks the map sizes against these).
 */
#ifndef SHOAL_EBPF_H
#define SHOAL_EBPF_H

#include <linux/types.h>

/* Names the loader looks up in the object, and the names the kernel shows (`tc filter show`,
 * `bpftool prog`): program names are cut at 15 bytes by the kernel. Stale filters left by a
 * killed process are recognised by the "shoal_" prefix of their program's name. */
#define SHOAL_PROG_INGRESS "shoal_ingress"
#define SHOAL_PROG_EGRESS "shoal_egress"
#define SHOAL_PROG_PREFIX "shoal_"
#define SHOAL_MAP_EVENTS "shoal_events"
#define SHOAL_MAP_CONFIG "shoal_config"
#define SHOAL_MAP_COUNTERS "shoal_counters"

/* The capture filter: classic BPF (what pcap_compile produces), run by a small interpreter
 * inside the program. BPF_MAXINSNS is the kernel's own limit for classic programs. */
#define SHOAL_CBPF_MAX 4096

struct shoal_cbpf_insn {
  __u16 code;
  __u8 jt;
  __u8 jf;
  __u32 k;
};

struct shoal_ebpf_config {
  __u32 snaplen;    /* bytes copied per packet at most (also bounded by the filter's return) */
  __u32 filter_len; /* instructions in `filter`; 0 = accept every packet */
  /* Wake the reader only once this many bytes wait in the ring; below that the reader finds
   * them on its next timed poll (ebpf.timeoutMs). Without this, a reader that keeps up would
   * be woken, and would hand JS a batch, for nearly every packet. */
  __u64 wakeup_bytes;
  struct shoal_cbpf_insn filter[SHOAL_CBPF_MAX];
};

/* One ring-buffer record: this header, then cap_len bytes of the packet from its link-layer
 * header on (the reservation is rounded up to a size class; the rest is garbage). */
struct shoal_ebpf_record {
  __u64 mono_ns;     /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
  __u32 wire_len;    /* skb->len: the whole packet (a GSO packet counts whole) */
  __u32 cap_len;     /* bytes that follow */
  __u32 ifindex;     /* skb->ifindex */
  __u16 vlan_tci;    /* an 802.1Q tag the kernel took out of the data (vlan_present) */
  __u16 vlan_proto;  /* its TPID, network byte order */
  __u8 direction;    /* SHOAL_DIR_* */
  __u8 vlan_present;
  __u16 reserved;
  __u32 reserved2;
};

#define SHOAL_DIR_INGRESS 0
#define SHOAL_DIR_EGRESS 1

/* Slots of the per-CPU counters array. */
enum {
  SHOAL_CNT_SEEN = 0,     /* packets the programs ran on */
  SHOAL_CNT_RECEIVED = 1, /* packets that passed the filter (dropped ones included) */
  SHOAL_CNT_DROPPED = 2,  /* passed the filter, but the ring buffer was full */
  SHOAL_CNT_ERRORS = 3,   /* the packet could not be copied (should stay 0) */
  SHOAL_CNT_SLOTS = 4,
};

#endif
