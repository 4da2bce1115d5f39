// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Shoal's eBPF capture: two tc (clsact) programs, shoal_ingress and shoal_egress, that copy
 * each packet passing the capture filter (up to the snapshot length) into a BPF ring buffer.
 * The loader (../ebpf_*.c) reads the ring on the capture thread (../ebpf_ring.c).
 *
 * Built by ../build.mjs with `clang -O2 -g -target bpf` against the kernel's UAPI headers
 * only (no vmlinux.h: the programs touch nothing but struct __sk_buff and helpers).
 *
 * Kernel needs: tc BPF (4.1), ring buffer (5.8), bpf_loop (5.17), bounded variable-size
 * copies into ring-buffer memory.
 *
 * The filter: the classic BPF program that pcap_compile() makes from the capture filter
 * (the same one the AF_PACKET backend attaches to its socket), run by a small interpreter
 * below, one instruction per bpf_loop() iteration. So filtered-out packets never cross into
 * user space, and every pcap-filter(7) expression means what it means for tcpdump (except
 * "vlan": the kernel takes the tag out of the data before tc runs, as for AF_PACKET).
 *
 * Wake-ups: a record is submitted without waking the reader until `wakeup_bytes` wait in the
 * ring; the reader also polls on a timer, so a quiet link is still delivered within it.
 *
 * Verdict: always TC_ACT_UNSPEC, "not classified": the next tc filter (another tool's) runs
 * and the packet goes on as if we were not there.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include <bpf/bpf_helpers.h>

#include "shoal_ebpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 16 << 20); /* the loader sets the size chosen by the user */
} shoal_events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct shoal_ebpf_config);
} shoal_config SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, SHOAL_CNT_SLOTS);
  __type(key, __u32);
  __type(value, __u64);
} shoal_counters SEC(".maps");

static __always_inline void count(__u32 slot) {
  __u64 *n = bpf_map_lookup_elem(&shoal_counters, &slot);
  if (n != 0) *n += 1; /* per CPU: no atomics needed */
}

/* ---- classic BPF interpreter (Documentation/networking/filter.rst) ------------------------ */

/* Classic opcode fields (linux/bpf_common.h, linux/filter.h), spelled out here. */
#define C_CLASS(c) ((c)&0x07)
#define C_LD 0x00
#define C_LDX 0x01
#define C_ST 0x02
#define C_STX 0x03
#define C_ALU 0x04
#define C_JMP 0x05
#define C_RET 0x06
#define C_MISC 0x07
#define C_SIZE(c) ((c)&0x18)
#define C_W 0x00
#define C_H 0x08
#define C_B 0x10
#define C_MODE(c) ((c)&0xe0)
#define C_IMM 0x00
#define C_ABS 0x20
#define C_IND 0x40
#define C_MEM 0x60
#define C_LEN 0x80
#define C_MSH 0xa0
#define C_OP(c) ((c)&0xf0)
#define C_SRC(c) ((c)&0x08)
#define C_X 0x08
#define C_RVAL(c) ((c)&0x18)
#define C_RET_A 0x10
#define C_RET_X 0x08
#define C_MISCOP(c) ((c)&0xf8)
#define C_TXA 0x80

struct cbpf_vm {
  struct __sk_buff *skb;
  const struct shoal_ebpf_config *cfg;
  __u32 len; /* skb->len */
  __u32 pc;
  __u32 A;
  __u32 X;
  __u32 result; /* the filter's return value: 0 rejects, else bytes to keep */
  __u32 mem[16];
};

/* A packet load of 1, 2 or 4 bytes at `off`, big-endian as classic BPF wants it. -1 when it
 * falls outside the packet (the filter then rejects the packet, as the kernel's does). */
static __always_inline int cbpf_load(struct cbpf_vm *vm, __u32 off, __u32 size, __u32 *out) {
  __u8 b[4] = {0, 0, 0, 0};
  if (off >= vm->len || size > vm->len - off) return -1;
  if (size == 4) {
    if (bpf_skb_load_bytes(vm->skb, off, b, 4) != 0) return -1;
    *out = ((__u32)b[0] << 24) | ((__u32)b[1] << 16) | ((__u32)b[2] << 8) | b[3];
  } else if (size == 2) {
    if (bpf_skb_load_bytes(vm->skb, off, b, 2) != 0) return -1;
    *out = ((__u32)b[0] << 8) | b[1];
  } else {
    if (bpf_skb_load_bytes(vm->skb, off, b, 1) != 0) return -1;
    *out = b[0];
  }
  return 0;
}

static __always_inline __u32 size_of(__u16 code) {
  switch (C_SIZE(code)) {
    case C_W: return 4;
    case C_H: return 2;
    default: return 1;
  }
}

/* One instruction; 1 stops the loop (vm->result holds the verdict), 0 goes on. Classic BPF
 * jumps only forward, so a program of n instructions ends within n steps. */
static long cbpf_step(__u32 index, void *ctx) {
  struct cbpf_vm *vm = ctx;
  const struct shoal_ebpf_config *cfg = vm->cfg;
  struct shoal_cbpf_insn in;
  __u32 pc = vm->pc, src, v;

  if (pc >= cfg->filter_len || pc >= SHOAL_CBPF_MAX) goto reject;
  in = cfg->filter[pc & (SHOAL_CBPF_MAX - 1)];
  vm->pc = pc + 1;

  switch (C_CLASS(in.code)) {
    case C_LD:
      switch (C_MODE(in.code)) {
        case C_IMM: vm->A = in.k; return 0;
        case C_LEN: vm->A = vm->len; return 0;
        case C_MEM: vm->A = vm->mem[in.k & 15]; return 0;
        case C_ABS:
          if (cbpf_load(vm, in.k, size_of(in.code), &v) != 0) goto reject;
          vm->A = v;
          return 0;
        case C_IND:
          if (cbpf_load(vm, vm->X + in.k, size_of(in.code), &v) != 0) goto reject;
          vm->A = v;
          return 0;
      }
      goto reject;
    case C_LDX:
      switch (C_MODE(in.code)) {
        case C_IMM: vm->X = in.k; return 0;
        case C_LEN: vm->X = vm->len; return 0;
        case C_MEM: vm->X = vm->mem[in.k & 15]; return 0;
        case C_MSH:
          if (cbpf_load(vm, in.k, 1, &v) != 0) goto reject;
          vm->X = (v & 0xf) << 2;
          return 0;
      }
      goto reject;
    case C_ST: vm->mem[in.k & 15] = vm->A; return 0;
    case C_STX: vm->mem[in.k & 15] = vm->X; return 0;
    case C_ALU:
      src = C_SRC(in.code) == C_X ? vm->X : in.k;
      switch (C_OP(in.code)) {
        case 0x00: vm->A += src; return 0;
        case 0x10: vm->A -= src; return 0;
        case 0x20: vm->A *= src; return 0;
        case 0x30:
          if (src == 0) goto reject;
          vm->A /= src;
          return 0;
        case 0x40: vm->A |= src; return 0;
        case 0x50: vm->A &= src; return 0;
        case 0x60: vm->A = src >= 32 ? 0 : vm->A << (src & 31); return 0;
        case 0x70: vm->A = src >= 32 ? 0 : vm->A >> (src & 31); return 0;
        case 0x80: vm->A = -vm->A; return 0;
        case 0x90:
          if (src == 0) goto reject;
          vm->A %= src;
          return 0;
        case 0xa0: vm->A ^= src; return 0;
      }
      goto reject;
    case C_JMP: {
      int taken;
      src = C_SRC(in.code) == C_X ? vm->X : in.k;
      switch (C_OP(in.code)) {
        case 0x00: vm->pc = pc + 1 + in.k; return 0; /* ja */
        case 0x10: taken = vm->A == src; break;
        case 0x20: taken = vm->A > src; break;
        case 0x30: taken = vm->A >= src; break;
        case 0x40: taken = (vm->A & src) != 0; break;
        default: goto reject;
      }
      vm->pc = pc + 1 + (taken ? in.jt : in.jf);
      return 0;
    }
    case C_RET:
      vm->result = C_RVAL(in.code) == C_RET_A ? vm->A : in.k;
      return 1;
    case C_MISC:
      if (C_MISCOP(in.code) == C_TXA) vm->A = vm->X;
      else vm->X = vm->A; /* tax */
      return 0;
  }
reject:
  vm->result = 0;
  return 1;
}

/* ---- the programs ------------------------------------------------------------------------- */

/* Reserves a record whose payload holds `cap` bytes, in the smallest of a few size classes
 * (a reservation's size must be a constant), and copies the packet into it. Returns 0 when
 * submitted, 1 when the ring was full, 2 when the copy failed. */
#define TRY_CLASS(N)                                                                   \
  if (cap <= (N)) {                                                                    \
    rec = bpf_ringbuf_reserve(&shoal_events, sizeof(struct shoal_ebpf_record) + (N), 0); \
    if (rec == 0) return 1;                                                            \
    fill(rec, skb, cap, direction);                                                    \
    if (bpf_skb_load_bytes(skb, 0, rec + 1, bounded(cap, (N))) != 0) {                 \
      bpf_ringbuf_discard(rec, 0);                                                     \
      return 2;                                                                        \
    }                                                                                  \
    bpf_ringbuf_submit(rec, wakeup_flag(wakeup_bytes));                                \
    return 0;                                                                          \
  }

/* `v` within [1, hi] in a way the verifier can see (clang would otherwise reuse an earlier
 * comparison on another register and the bound would be lost). */
static __always_inline __u64 bounded(__u64 v, __u64 hi) {
  asm volatile("" : "+r"(v));
  if (v < 1) v = 1;
  asm volatile("" : "+r"(v));
  if (v > hi) v = hi;
  return v;
}

static __always_inline void fill(struct shoal_ebpf_record *rec, struct __sk_buff *skb, __u64 cap,
                                 __u8 direction) {
  rec->mono_ns = bpf_ktime_get_ns();
  rec->wire_len = skb->len;
  rec->cap_len = cap;
  rec->ifindex = skb->ifindex;
  rec->vlan_present = skb->vlan_present ? 1 : 0;
  rec->vlan_tci = (__u16)skb->vlan_tci;
  rec->vlan_proto = (__u16)skb->vlan_proto;
  rec->direction = direction;
  rec->reserved = 0;
  rec->reserved2 = 0;
}

/* Wake the reader when enough waits (or always, when the loader asked for 0). */
static __always_inline __u64 wakeup_flag(__u64 wakeup_bytes) {
  if (wakeup_bytes == 0) return 0;
  return bpf_ringbuf_query(&shoal_events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP
                                                                              : BPF_RB_NO_WAKEUP;
}

static __noinline int copy_out(struct __sk_buff *skb, __u64 cap, __u8 direction, __u64 wakeup_bytes) {
  struct shoal_ebpf_record *rec;
  if (cap == 0) return 2;
  TRY_CLASS(128)
  TRY_CLASS(256)
  TRY_CLASS(512)
  TRY_CLASS(1024)
  TRY_CLASS(2048)
  TRY_CLASS(4096)
  TRY_CLASS(9216)
  TRY_CLASS(16384)
  TRY_CLASS(32768)
  TRY_CLASS(65536)
  TRY_CLASS(131072)
  TRY_CLASS(262144)
  return 2;
}

static __always_inline int capture(struct __sk_buff *skb, __u8 direction) {
  __u32 zero = 0, cap;
  const struct shoal_ebpf_config *cfg = bpf_map_lookup_elem(&shoal_config, &zero);
  struct cbpf_vm vm = {};
  int rc;

  count(SHOAL_CNT_SEEN);
  if (cfg == 0) return TC_ACT_UNSPEC;
  vm.len = skb->len;
  vm.result = 0xffffffff;
  if (cfg->filter_len > 0) {
    vm.skb = skb;
    vm.cfg = cfg;
    bpf_loop(SHOAL_CBPF_MAX, cbpf_step, &vm, 0);
    if (vm.result == 0) return TC_ACT_UNSPEC;
  }
  count(SHOAL_CNT_RECEIVED);

  cap = vm.len;
  if (cap > vm.result) cap = vm.result;
  if (cap > cfg->snaplen) cap = cfg->snaplen;
  rc = copy_out(skb, cap, direction, cfg->wakeup_bytes);
  if (rc == 1) count(SHOAL_CNT_DROPPED);
  else if (rc == 2) count(SHOAL_CNT_ERRORS);
  return TC_ACT_UNSPEC;
}

SEC("tc")
int shoal_ingress(struct __sk_buff *skb) { return capture(skb, SHOAL_DIR_INGRESS); }

SEC("tc")
int shoal_egress(struct __sk_buff *skb) { return capture(skb, SHOAL_DIR_EGRESS); }
