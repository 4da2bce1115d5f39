// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Shoal's TLS tracer: the plaintext a process hands to OpenSSL (SSL_write, SSL_write_ex) and
 * gets from it (SSL_read, SSL_read_ex), read by uprobes at the functions' entry and return,
 * with the TCP connection it travels on, into a BPF ring buffer. The loader is ../tls_*.c; the
 * record is shoal_tls.h's.
 *
 * Built by ../build.mjs with `clang -O2 -g -target bpf` and CO-RE: the kernel structures are
 * declared by hand in tls_kernel_types.h and relocated by libbpf against the running kernel's
 * BTF. Kernel needs: uprobes through the perf PMU, syscall tracepoints (tracefs mounted: the
 * loader mounts it), BPF ring buffers (5.8), bpf_loop (5.17), BTF. No kprobes, no fentry.
 *
 * Which process: only those whose network namespace is in tls_netns (the targeted pods'), never
 * the loader itself. The uprobes are attached to library files (every process mapping the file
 * gets them, including those started later), so the namespace check runs first in each program.
 *
 * Which connection: the SSL object is the connection inside a process, and the socket under
 * it is found by the syscalls the thread makes:
 *   - with a socket BIO (curl, openssl, nginx...) the call itself reads or writes the socket:
 *     the syscall tracepoints below see the fd while the call is active (tls_calls);
 *   - a call served from OpenSSL's buffers makes no syscall: the SSL's last socket is used
 *     (tls_conns, kept per SSL);
 *   - with a memory BIO (Node.js: its TLSWrap feeds OpenSSL from libuv) the socket I/O happens
 *     outside the call, on the same thread: a read is bound to the thread's last socket read
 *     before it (tls_last_read), a write to the thread's next socket write after it, which
 *     sends a BIND record (tls_unbound).
 * The socket becomes addresses in the kernel (task -> fd table -> file -> socket -> sock):
 * reading /proc/PID/fd and /proc/net/tcp from user space instead would lose every process that
 * exits before the reader gets there (curl does, milliseconds after its last read).
 *
 * Large calls: a read or write is copied in records of SHOAL_TLS_PIECE bytes, each with its
 * offset in the SSL's byte stream per direction, so user space re-joins them and sees exactly
 * what was lost (a full ring) as a hole.
 */
#include "tls_kernel_types.h"

#include <linux/bpf.h>

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "shoal_tls.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define SOCK_STREAM 1
#define S_IFMT 0170000
#define S_IFSOCK 0140000

/* ---- maps ---------------------------------------------------------------------------------- */

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 16 << 20); /* the loader sets the size chosen by the user */
} tls_events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct shoal_tls_config);
} tls_config SEC(".maps");

/* The traced network namespaces (inode numbers), written by the loader. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);
  __type(key, __u32);
  __type(value, __u8);
} tls_netns SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, SHOAL_TLS_CNT_SLOTS);
  __type(key, __u32);
  __type(value, __u64);
} tls_counters SEC(".maps");

/* A read or write in progress, per thread: from the entry probe to the return probe. LRU: a
 * thread killed inside a call leaves its entry to be evicted. */
struct call {
  __u64 ssl;
  __u64 buf;
  __u64 sizep; /* SSL_read_ex/SSL_write_ex: where the count goes; 0 for SSL_read/SSL_write */
  struct shoal_tls_tuple tuple;
  __s32 fd;
  __u8 direction;
  __u8 has_tuple;
};

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 16384);
  __type(key, __u64); /* pid_tgid */
  __type(value, struct call);
} tls_calls SEC(".maps");

/* What is known of an SSL that moved bytes: its socket, and its byte count per direction. */
struct conn_key {
  __u64 ssl;
  __u32 tgid;
  __u32 reserved;
};

struct conn {
  struct shoal_tls_tuple tuple;
  __u64 offset[2]; /* bytes so far, per direction (SHOAL_TLS_READ, SHOAL_TLS_WRITE) */
  __s32 fd;
  __u8 has_tuple;
};

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 65536);
  __type(key, struct conn_key);
  __type(value, struct conn);
} tls_conns SEC(".maps");

/* Memory BIOs: the thread's last socket read, and its last SSL write that found no socket. */
struct socket_seen {
  struct shoal_tls_tuple tuple;
  __s32 fd;
};

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 16384);
  __type(key, __u64); /* pid_tgid */
  __type(value, struct socket_seen);
} tls_last_read SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 16384);
  __type(key, __u64); /* pid_tgid */
  __type(value, __u64); /* the SSL */
} tls_unbound SEC(".maps");

/* A record is staged here (header and plaintext) and copied into the ring with its exact size:
 * a ring reservation's size must be a constant, and a piece may be any size up to
 * SHOAL_TLS_PIECE. */
struct staged {
  struct shoal_tls_record rec;
  __u8 data[SHOAL_TLS_PIECE];
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct staged);
} tls_staging SEC(".maps");

/* ---- helpers ------------------------------------------------------------------------------- */

static __always_inline void count(__u32 slot, __u64 n) {
  __u64 *v = bpf_map_lookup_elem(&tls_counters, &slot);
  if (v != 0) *v += n; /* per CPU: no atomics needed */
}

/* `v` within [1, hi] in a way the verifier can see (as in capture.bpf.c). */
static __always_inline __u64 bounded(__u64 v, __u64 hi) {
  asm volatile("" : "+r"(v));
  if (v < 1) v = 1;
  asm volatile("" : "+r"(v));
  if (v > hi) v = hi;
  return v;
}

/* The network namespace of the current process when it is traced, else 0. */
static __always_inline __u32 traced(void) {
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  __u32 zero = 0, inum;
  const struct shoal_tls_config *cfg = bpf_map_lookup_elem(&tls_config, &zero);
  if (cfg == 0 || cfg->self_tgid == (__u32)(bpf_get_current_pid_tgid() >> 32)) return 0;
  inum = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
  if (inum == 0 || bpf_map_lookup_elem(&tls_netns, &inum) == 0) return 0;
  return inum;
}

static __always_inline __u64 wakeup_flag(void) {
  __u32 zero = 0;
  const struct shoal_tls_config *cfg = bpf_map_lookup_elem(&tls_config, &zero);
  if (cfg == 0 || cfg->wakeup_bytes == 0) return 0;
  return bpf_ringbuf_query(&tls_events, BPF_RB_AVAIL_DATA) >= cfg->wakeup_bytes ? BPF_RB_FORCE_WAKEUP
                                                                                 : BPF_RB_NO_WAKEUP;
}

/* The TCP connection behind file descriptor `fd` of the current process: 0 and `t` filled, or
 * -1 when it is not an IPv4/IPv6 TCP socket. */
static __noinline int socket_tuple(__s32 fd, struct shoal_tls_tuple *t) {
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
  struct file **fds;
  struct file *file = 0;
  struct socket *sock;
  struct sock *sk;
  unsigned short mode, family;

  if (fd < 0 || fdt == 0 || (__u32)fd >= BPF_CORE_READ(fdt, max_fds)) return -1;
  fds = BPF_CORE_READ(fdt, fd);
  if (bpf_probe_read_kernel(&file, sizeof file, &fds[fd]) != 0 || file == 0) return -1;
  mode = BPF_CORE_READ(file, f_inode, i_mode);
  if ((mode & S_IFMT) != S_IFSOCK) return -1;
  sock = BPF_CORE_READ(file, private_data);
  sk = BPF_CORE_READ(sock, sk);
  if (sk == 0 || BPF_CORE_READ(sk, sk_type) != SOCK_STREAM || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
    return -1;
  family = BPF_CORE_READ(sk, __sk_common.skc_family);
  __builtin_memset(t, 0, sizeof *t);
  if (family == AF_INET) {
    __be32 local = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
    __be32 remote = BPF_CORE_READ(sk, __sk_common.skc_daddr);
    __builtin_memcpy(t->local_addr, &local, 4);
    __builtin_memcpy(t->remote_addr, &remote, 4);
  } else if (family == AF_INET6) {
    BPF_CORE_READ_INTO(t->local_addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
    BPF_CORE_READ_INTO(t->remote_addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
  } else {
    return -1;
  }
  t->local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
  t->remote_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
  t->family = family;
  return 0;
}

static __always_inline void header(struct shoal_tls_record *rec, __u8 kind, __u32 netns) {
  __u64 id = bpf_get_current_pid_tgid();
  __builtin_memset(rec, 0, sizeof *rec);
  rec->mono_ns = bpf_ktime_get_ns();
  rec->tgid = id >> 32;
  rec->tid = (__u32)id;
  rec->netns = netns;
  rec->kind = kind;
  rec->fd = -1;
  bpf_get_current_comm(rec->comm, sizeof rec->comm);
}

/* A record without plaintext (BIND, CLOSE, EXEC, EXIT), delivered at once: the reader acts on
 * them (a process to look at, a stream to end). */
static __always_inline void control(struct shoal_tls_record *rec) {
  if (bpf_ringbuf_output(&tls_events, rec, sizeof *rec, BPF_RB_FORCE_WAKEUP) != 0) count(SHOAL_TLS_CNT_LOST_RECORDS, 1);
  else count(SHOAL_TLS_CNT_RECORDS, 1);
}

/* ---- the calls ----------------------------------------------------------------------------- */

static __always_inline int enter(struct pt_regs *ctx, __u8 direction, int ex) {
  __u64 id = bpf_get_current_pid_tgid();
  struct call c;
  if (traced() == 0) return 0;
  __builtin_memset(&c, 0, sizeof c);
  c.ssl = PT_REGS_PARM1(ctx);
  c.buf = PT_REGS_PARM2(ctx);
  c.sizep = ex ? PT_REGS_PARM4(ctx) : 0;
  c.direction = direction;
  c.fd = -1;
  bpf_map_update_elem(&tls_calls, &id, &c, BPF_ANY);
  return 0;
}

/* int SSL_read(SSL *ssl, void *buf, int num) */
SEC("uprobe")
int tls_read(struct pt_regs *ctx) { return enter(ctx, SHOAL_TLS_READ, 0); }

/* int SSL_write(SSL *ssl, const void *buf, int num) */
SEC("uprobe")
int tls_write(struct pt_regs *ctx) { return enter(ctx, SHOAL_TLS_WRITE, 0); }

/* int SSL_read_ex(SSL *ssl, void *buf, size_t num, size_t *readbytes) */
SEC("uprobe")
int tls_read_ex(struct pt_regs *ctx) { return enter(ctx, SHOAL_TLS_READ, 1); }

/* int SSL_write_ex(SSL *s, const void *buf, size_t num, size_t *written) */
SEC("uprobe")
int tls_write_ex(struct pt_regs *ctx) { return enter(ctx, SHOAL_TLS_WRITE, 1); }

/* What the piece loop needs: the record header every piece starts from, and the buffer. */
struct pieces {
  struct shoal_tls_record hdr;
  __u64 buf;
  __u64 len;
  __u64 wakeup;
};

static long emit_piece(__u32 index, void *arg) {
  struct pieces *p = arg;
  __u32 zero = 0;
  struct staged *s = bpf_map_lookup_elem(&tls_staging, &zero);
  __u64 off = (__u64)index * SHOAL_TLS_PIECE, len;
  if (s == 0 || off >= p->len) return 1;
  len = bounded(p->len - off, SHOAL_TLS_PIECE);
  s->rec = p->hdr;
  s->rec.stream_offset = p->hdr.stream_offset + off;
  s->rec.len = (__u32)len;
  if (bpf_probe_read_user(s->data, len, (const void *)(p->buf + off)) != 0) {
    count(SHOAL_TLS_CNT_LOST_BYTES, len);
    return 0;
  }
  if (bpf_ringbuf_output(&tls_events, s, sizeof s->rec + len, p->wakeup) != 0) {
    count(SHOAL_TLS_CNT_LOST_RECORDS, 1);
    count(SHOAL_TLS_CNT_LOST_BYTES, len);
    return 0;
  }
  count(SHOAL_TLS_CNT_RECORDS, 1);
  count(SHOAL_TLS_CNT_BYTES, len);
  return 0;
}

static __always_inline int same_connection(const struct shoal_tls_tuple *a, const struct shoal_tls_tuple *b) {
  __u64 a0, a1, b0, b1; /* BPF has no memcmp */
  __builtin_memcpy(&a0, a->remote_addr, 8);
  __builtin_memcpy(&a1, a->remote_addr + 8, 8);
  __builtin_memcpy(&b0, b->remote_addr, 8);
  __builtin_memcpy(&b1, b->remote_addr + 8, 8);
  return a->local_port == b->local_port && a->remote_port == b->remote_port && a->family == b->family &&
         a0 == b0 && a1 == b1;
}

/* The connection of a call that moved bytes, and where its bytes go in the SSL's stream. */
static __always_inline struct conn *bind_call(const struct call *c, struct pieces *p, __u64 id) {
  struct conn_key key = {.ssl = c->ssl, .tgid = id >> 32};
  struct conn fresh, *cn = bpf_map_lookup_elem(&tls_conns, &key);
  struct socket_seen *seen;
  if (cn == 0) {
    __builtin_memset(&fresh, 0, sizeof fresh);
    fresh.fd = -1;
    bpf_map_update_elem(&tls_conns, &key, &fresh, BPF_NOEXIST);
    cn = bpf_map_lookup_elem(&tls_conns, &key);
    if (cn == 0) return 0;
  }
  if (c->has_tuple) {
    /* The SSL's address now serves another connection (freed and reused unseen): start over. */
    if (cn->has_tuple && (cn->fd != c->fd || !same_connection(&cn->tuple, &c->tuple))) {
      cn->offset[0] = 0;
      cn->offset[1] = 0;
    }
    cn->tuple = c->tuple;
    cn->fd = c->fd;
    cn->has_tuple = 1;
    p->hdr.tuple_source = SHOAL_TLS_TUPLE_CALL;
  } else if (cn->has_tuple) {
    p->hdr.tuple_source = SHOAL_TLS_TUPLE_CACHED;
  } else if (c->direction == SHOAL_TLS_READ && (seen = bpf_map_lookup_elem(&tls_last_read, &id)) != 0) {
    cn->tuple = seen->tuple;
    cn->fd = seen->fd;
    cn->has_tuple = 1;
    p->hdr.tuple_source = SHOAL_TLS_TUPLE_LAST_READ;
  } else {
    p->hdr.tuple_source = SHOAL_TLS_TUPLE_NONE;
    if (c->direction == SHOAL_TLS_WRITE) bpf_map_update_elem(&tls_unbound, &id, &c->ssl, BPF_ANY);
  }
  if (cn->has_tuple) {
    p->hdr.tuple = cn->tuple;
    p->hdr.fd = cn->fd;
  }
  return cn;
}

/* The return of SSL_read, SSL_write, SSL_read_ex and SSL_write_ex. */
SEC("uretprobe")
int tls_return(struct pt_regs *ctx) {
  __u64 id = bpf_get_current_pid_tgid(), moved = 0, pieces;
  struct call *active = bpf_map_lookup_elem(&tls_calls, &id), c;
  struct pieces p;
  struct conn *cn;
  long rc;

  if (active == 0) return 0;
  c = *active;
  bpf_map_delete_elem(&tls_calls, &id);
  rc = PT_REGS_RC(ctx);
  if (c.sizep != 0) { /* the _ex functions return 1 and store the count */
    if ((int)rc != 1 || bpf_probe_read_user(&moved, sizeof moved, (const void *)c.sizep) != 0) return 0;
  } else {
    if ((int)rc <= 0) return 0;
    moved = (__u64)(int)rc;
  }
  if (moved == 0) return 0;
  count(SHOAL_TLS_CNT_CALLS, 1);

  __builtin_memset(&p, 0, sizeof p);
  header(&p.hdr, SHOAL_TLS_DATA, traced());
  p.hdr.ssl = c.ssl;
  p.hdr.direction = c.direction;
  p.hdr.call_len = moved > 0xffffffffu ? 0xffffffffu : (__u32)moved;
  cn = bind_call(&c, &p, id);
  if (cn == 0) {
    count(SHOAL_TLS_CNT_LOST_BYTES, moved);
    return 0;
  }
  p.hdr.stream_offset = cn->offset[c.direction & 1];
  cn->offset[c.direction & 1] += moved;
  p.buf = c.buf;
  p.len = moved;
  p.wakeup = wakeup_flag();
  pieces = (moved + SHOAL_TLS_PIECE - 1) / SHOAL_TLS_PIECE;
  if (pieces > SHOAL_TLS_MAX_PIECES) {
    count(SHOAL_TLS_CNT_LOST_BYTES, moved - (__u64)SHOAL_TLS_MAX_PIECES * SHOAL_TLS_PIECE);
    pieces = SHOAL_TLS_MAX_PIECES;
  }
  bpf_loop((__u32)pieces, emit_piece, &p, 0);
  return 0;
}

/* void SSL_free(SSL *ssl): the connection's streams end. */
SEC("uprobe")
int tls_free(struct pt_regs *ctx) {
  __u64 id = bpf_get_current_pid_tgid();
  struct conn_key key = {.ssl = PT_REGS_PARM1(ctx), .tgid = id >> 32};
  struct conn *cn = bpf_map_lookup_elem(&tls_conns, &key);
  struct shoal_tls_record rec;
  if (cn == 0) return 0; /* moved no bytes, or not traced */
  header(&rec, SHOAL_TLS_CLOSE, traced());
  rec.ssl = key.ssl;
  rec.fd = cn->fd;
  rec.tuple = cn->tuple;
  rec.stream_offset = cn->offset[SHOAL_TLS_READ];
  rec.call_len = 0;
  bpf_map_delete_elem(&tls_conns, &key);
  control(&rec);
  return 0;
}

/* ---- sockets: which connection a call's bytes travel on ------------------------------------ */

static __always_inline int socket_io(__s32 fd, __u8 direction) {
  __u64 id = bpf_get_current_pid_tgid();
  struct call *c = bpf_map_lookup_elem(&tls_calls, &id);
  struct shoal_tls_record rec;
  struct socket_seen seen;
  struct conn_key key;
  struct conn *cn;
  __u64 *ssl;
  __u32 netns;

  if (c != 0) { /* inside SSL_read/SSL_write of a traced process: its own socket */
    if (!c->has_tuple && socket_tuple(fd, &c->tuple) == 0) {
      c->has_tuple = 1;
      c->fd = fd;
    }
    return 0;
  }
  netns = traced();
  if (netns == 0) return 0;
  if (direction == SHOAL_TLS_READ) {
    if (socket_tuple(fd, &seen.tuple) != 0) return 0;
    seen.fd = fd;
    bpf_map_update_elem(&tls_last_read, &id, &seen, BPF_ANY);
    return 0;
  }
  ssl = bpf_map_lookup_elem(&tls_unbound, &id);
  if (ssl == 0) return 0;
  key.ssl = *ssl;
  key.tgid = id >> 32;
  key.reserved = 0;
  bpf_map_delete_elem(&tls_unbound, &id);
  header(&rec, SHOAL_TLS_BIND, netns);
  if (socket_tuple(fd, &rec.tuple) != 0) return 0;
  rec.ssl = key.ssl;
  rec.fd = fd;
  rec.direction = SHOAL_TLS_WRITE;
  cn = bpf_map_lookup_elem(&tls_conns, &key);
  if (cn != 0 && !cn->has_tuple) {
    cn->tuple = rec.tuple;
    cn->fd = fd;
    cn->has_tuple = 1;
  }
  control(&rec);
  return 0;
}

/* The syscall tracepoints' record (tracefs events/syscalls/sys_enter_* /format): the common
 * header, the syscall number, then the arguments, the fd first. */
struct sys_enter {
  __u64 common;
  __s32 nr;
  __u32 pad;
  __u64 args[6];
};

SEC("tracepoint/syscalls/sys_enter_read")
int tls_sys_read(struct sys_enter *ctx) { return socket_io((__s32)ctx->args[0], SHOAL_TLS_READ); }

SEC("tracepoint/syscalls/sys_enter_readv")
int tls_sys_readv(struct sys_enter *ctx) { return socket_io((__s32)ctx->args[0], SHOAL_TLS_READ); }

SEC("tracepoint/syscalls/sys_enter_recvfrom")
int tls_sys_recvfrom(struct sys_enter *ctx) { return socket_io((__s32)ctx->args[0], SHOAL_TLS_READ); }

SEC("tracepoint/syscalls/sys_enter_recvmsg")
int tls_sys_recvmsg(struct sys_enter *ctx) { return socket_io((__s32)ctx->args[0], SHOAL_TLS_READ); }

SEC("tracepoint/syscalls/sys_enter_write")
int tls_sys_write(struct sys_enter *ctx) { return socket_io((__s32)ctx->args[0], SHOAL_TLS_WRITE); }

SEC("tracepoint/syscalls/sys_enter_writev")
int tls_sys_writev(struct sys_enter *ctx) { return socket_io((__s32)ctx->args[0], SHOAL_TLS_WRITE); }

SEC("tracepoint/syscalls/sys_enter_sendto")
int tls_sys_sendto(struct sys_enter *ctx) { return socket_io((__s32)ctx->args[0], SHOAL_TLS_WRITE); }

SEC("tracepoint/syscalls/sys_enter_sendmsg")
int tls_sys_sendmsg(struct sys_enter *ctx) { return socket_io((__s32)ctx->args[0], SHOAL_TLS_WRITE); }

/* ---- processes: which to look at ------------------------------------------------------------ */

/* A traced process ran a new program: the loader looks at what it maps. */
SEC("tracepoint/sched/sched_process_exec")
int tls_exec(void *ctx) {
  struct shoal_tls_record rec;
  __u32 netns = traced();
  if (netns == 0) return 0;
  header(&rec, SHOAL_TLS_EXEC, netns);
  control(&rec);
  return 0;
}

/* A traced process ended (its last thread: the thread group leader's exit). */
SEC("tracepoint/sched/sched_process_exit")
int tls_exit(void *ctx) {
  __u64 id = bpf_get_current_pid_tgid();
  struct shoal_tls_record rec;
  __u32 netns;
  if ((__u32)id != (__u32)(id >> 32)) return 0;
  netns = traced();
  if (netns == 0) return 0;
  header(&rec, SHOAL_TLS_EXIT, netns);
  control(&rec);
  return 0;
}
