/*
 * The few kernel types the TLS tracer's programs read, declared by hand for CO-RE (BPF
 * CO-RE, "compile once, run everywhere": libbpf relocates every field access against the
 * running kernel's BTF, /sys/kernel/btf/vmlinux, when it loads the object).
 *
 * Why not a vmlinux.h dumped by bpftool: that would describe the build machine's kernel (an
 * image is built on one machine and runs on many), needs bpftool and BTF at build time, and is
 * 130,000 lines for the dozen fields below. With preserve_access_index, only the field names
 * and their types must match the kernel; offsets and the other fields do not matter. The
 * fields used have had these names since Linux 5.6 (sk_protocol and sk_type became plain u16
 * then), well below what the tracer needs anyway (BPF ring buffers, 5.8; bpf_loop, 5.17).
 */
#ifndef SHOAL_TLS_KERNEL_TYPES_H
#define SHOAL_TLS_KERNEL_TYPES_H

#include <linux/types.h>

/* bpf_tracing.h then reads pt_regs with the kernel's field names (di, si, ax...). */
#define __VMLINUX_H__

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

#if defined(__TARGET_ARCH_x86)
/* arch/x86/include/asm/ptrace.h: what a uprobe's context points to. */
struct pt_regs {
  unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip;
};
#elif defined(__TARGET_ARCH_arm64)
/* arch/arm64/include/uapi/asm/ptrace.h (bpf_tracing.h reads user_pt_regs on arm64). */
struct user_pt_regs {
  __u64 regs[31];
  __u64 sp, pc, pstate;
};
struct pt_regs {
  struct user_pt_regs user_regs;
};
#else
#error "the TLS tracer's programs know the registers of x86_64 and arm64 only"
#endif

struct ns_common {
  unsigned int inum;
};

struct net {
  struct ns_common ns;
};

struct nsproxy {
  struct net *net_ns;
};

struct inode {
  unsigned short i_mode;
};

struct file {
  void *private_data;
  struct inode *f_inode;
};

struct fdtable {
  unsigned int max_fds;
  struct file **fd;
};

struct files_struct {
  struct fdtable *fdt;
};

struct task_struct {
  struct files_struct *files;
  struct nsproxy *nsproxy;
};

struct in6_addr {
  union {
    __u8 u6_addr8[16];
  } in6_u;
};

struct sock_common {
  __be32 skc_daddr;
  __be32 skc_rcv_saddr;
  __be16 skc_dport;
  __u16 skc_num;
  unsigned short skc_family;
  struct in6_addr skc_v6_daddr;
  struct in6_addr skc_v6_rcv_saddr;
};

struct sock {
  struct sock_common __sk_common;
  __u16 sk_protocol;
  __u16 sk_type;
};

struct socket {
  struct sock *sk;
};

#pragma clang attribute pop

#endif
