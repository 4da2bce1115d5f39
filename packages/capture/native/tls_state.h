/*
 * The TLS tracer's state, shared by tls_backend.c (open, run, close) and tls_attach.c (the
 * uprobes). Compiled only with SHOAL_HAVE_EBPF.
 */
#ifndef SHOAL_TLS_STATE_H
#define SHOAL_TLS_STATE_H

#include <limits.h>
#include <pthread.h>
#include <stdint.h>

#include "bpf/shoal_tls.h"
#include "ebpf_ring.h"

struct bpf_object;
struct bpf_link;

/* The tracepoints (syscalls and process events) of bpf/tls.bpf.c. */
#define TLS_MAX_TRACEPOINTS 16
/* OpenSSL files one tracer attaches to at most (libssl copies and binaries like node): the
 * addon's side of the cap the tracer package sets (and reports when reached). */
#define TLS_MAX_ATTACHMENTS 1024
/* SSL_read, SSL_write, SSL_read_ex, SSL_write_ex: entry and return; SSL_free: entry. */
#define TLS_LINKS_PER_FILE 9

typedef struct {
  int id; /* 0: free slot */
  struct bpf_link *links[TLS_LINKS_PER_FILE];
  int nlinks;
} tls_attachment;

typedef struct {
  ebpf_reader reader; /* first: the reader's callbacks get the state back from it */
  struct bpf_object *obj;
  int counters_fd, netns_fd;
  int ncpus;
  struct bpf_link *tracepoints[TLS_MAX_TRACEPOINTS];
  int ntracepoints;

  pthread_mutex_t mu; /* the attachments: made on the main thread, taken off at teardown */
  int torn_down;
  int next_id;
  tls_attachment attachments[TLS_MAX_ATTACHMENTS];
} tls_state;

/* The programs' per-CPU counters (SHOAL_TLS_CNT_*), summed; zeros when they cannot be read. */
void tls_counters(tls_state *st, uint64_t sums[SHOAL_TLS_CNT_SLOTS]);

#endif
