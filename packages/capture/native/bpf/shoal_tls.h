/*
 * What the TLS tracer's programs (tls.bpf.c) and their loader (../tls_*.c) share: the
 * ring-buffer record, the configuration map's value and the counters' slots.
 *
 * Only <linux/types.h> types: this header is compiled both by `clang -target bpf` and by the
 * host compiler. Change both sides together (the loader checks the sizes against these), and
 * src/live/tls-records.ts, which reads the record in JS (test/tls-layout.test.ts checks them).
 */
#ifndef SHOAL_TLS_H
#define SHOAL_TLS_H

#include <linux/types.h>

#define SHOAL_TLS_MAP_EVENTS "tls_events"
#define SHOAL_TLS_MAP_CONFIG "tls_config"
#define SHOAL_TLS_MAP_NETNS "tls_netns"
#define SHOAL_TLS_MAP_COUNTERS "tls_counters"

/* The uprobe programs, attached by the loader to each OpenSSL it is given (tls_attach.c); the
 * tracepoint programs attach themselves (their section names say where). */
#define SHOAL_TLS_PROG_READ "tls_read"           /* SSL_read entry */
#define SHOAL_TLS_PROG_WRITE "tls_write"         /* SSL_write entry */
#define SHOAL_TLS_PROG_READ_EX "tls_read_ex"     /* SSL_read_ex entry */
#define SHOAL_TLS_PROG_WRITE_EX "tls_write_ex"   /* SSL_write_ex entry */
#define SHOAL_TLS_PROG_RETURN "tls_return"       /* the return of all four */
#define SHOAL_TLS_PROG_FREE "tls_free"           /* SSL_free entry */

/* Plaintext bytes one ring-buffer record carries at most: a larger read or write is split into
 * records of this size (the per-CPU scratch buffer that stages a record must stay below the
 * kernel's 32 KiB per-CPU value limit). */
#define SHOAL_TLS_PIECE 16384
/* The most records one call is split into (64 MiB): bpf_loop's bound. A larger call's rest is
 * counted as lost, and user space sees the hole in the stream's offsets. */
#define SHOAL_TLS_MAX_PIECES 4096

/* Record kinds. */
#define SHOAL_TLS_DATA 1  /* plaintext of one SSL_read/SSL_write (or a piece of it) */
#define SHOAL_TLS_BIND 2  /* an SSL whose writes had no socket yet is bound to one (memory BIOs) */
#define SHOAL_TLS_CLOSE 3 /* SSL_free: the connection's streams end */
#define SHOAL_TLS_EXEC 4  /* a process in a traced network namespace called execve */
#define SHOAL_TLS_EXIT 5  /* a process in a traced network namespace ended */

/* Direction, as the traced process sees it. */
#define SHOAL_TLS_READ 0  /* received: SSL_read, SSL_read_ex */
#define SHOAL_TLS_WRITE 1 /* sent: SSL_write, SSL_write_ex */

/* How a record's connection addresses were found. */
#define SHOAL_TLS_TUPLE_NONE 0      /* not yet: a BIND record will say (a write on a memory BIO) */
#define SHOAL_TLS_TUPLE_CALL 1      /* a socket read or write inside the call (socket BIO) */
#define SHOAL_TLS_TUPLE_CACHED 2    /* an earlier call on the same SSL */
#define SHOAL_TLS_TUPLE_LAST_READ 3 /* the thread's last socket read before the call (Node) */

/* A TCP connection as the process sees it. Addresses in network order (IPv4 in the first 4
 * bytes), ports in host order. */
struct shoal_tls_tuple {
  __u8 local_addr[16];
  __u8 remote_addr[16];
  __u16 local_port;
  __u16 remote_port;
  __u16 family; /* AF_INET, AF_INET6, or 0 when unknown */
  __u16 reserved;
};

/* One ring-buffer record: this header, then `len` bytes of plaintext (DATA only). */
struct shoal_tls_record {
  __u64 mono_ns;       /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
  __u64 ssl;           /* the SSL object: the connection, within its process */
  __u64 stream_offset; /* bytes of this direction on this SSL before this record's first byte */
  __u32 tgid;          /* process id (the kernel's, as the worker's /proc shows it) */
  __u32 tid;
  __u32 netns;         /* inode number of the process's network namespace */
  __u32 call_len;      /* bytes the call moved (DATA); a piece's `len` is part of it */
  __u32 len;           /* plaintext bytes that follow */
  __s32 fd;            /* the socket, or -1 when unknown */
  __u8 kind;           /* SHOAL_TLS_DATA ... */
  __u8 direction;      /* SHOAL_TLS_READ or SHOAL_TLS_WRITE */
  __u8 tuple_source;   /* SHOAL_TLS_TUPLE_* */
  __u8 reserved;
  __u32 reserved2;
  struct shoal_tls_tuple tuple;
  char comm[16];       /* the thread's name */
};

#define SHOAL_TLS_RECORD_BYTES 112

/* The link type of the batch records that carry these records (LINKTYPE_USER0, private use):
 * the capture's batches carry them instead of packets. */
#define SHOAL_TLS_LINKTYPE 147

struct shoal_tls_config {
  /* Wake the reader only once this many bytes wait in the ring (as the capture backend). */
  __u64 wakeup_bytes;
  /* The loader's own process: never traced, even when its namespace is. */
  __u32 self_tgid;
  __u32 reserved;
};

/* Slots of the per-CPU counters array. */
enum {
  SHOAL_TLS_CNT_CALLS = 0,        /* reads and writes of traced processes that moved bytes */
  SHOAL_TLS_CNT_RECORDS = 1,      /* records written to the ring */
  SHOAL_TLS_CNT_BYTES = 2,        /* plaintext bytes written to the ring */
  SHOAL_TLS_CNT_LOST_RECORDS = 3, /* records lost: the ring was full */
  SHOAL_TLS_CNT_LOST_BYTES = 4,   /* plaintext bytes lost (full ring, unreadable buffer, cap) */
  SHOAL_TLS_CNT_SLOTS = 5,
};

#endif
