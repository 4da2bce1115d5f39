/*
 * Types shared by every file of the live-capture addon: options, errors, statistics.
 *
 * Nothing here knows about N-API; only addon.c does. The backends (af_packet.c,
 * pcap_backend.c) run on the capture thread and see the world through these types and
 * through capture.h.
 */
#ifndef SHOAL_H
#define SHOAL_H

#include <stddef.h>
#include <stdint.h>

/* Why something failed. addon.c turns the kind into the JS error's `code` property
 * (shoal_error_kind_name) and the TypeScript wrapper maps it onto a ShoalError. */
typedef enum {
  SHOAL_E_NONE = 0,
  SHOAL_E_OPTIONS,    /* a value the kernel or libpcap refuses (ring geometry, fanout...) */
  SHOAL_E_INTERFACE,  /* no such interface in the namespace used, or it is down / went away */
  SHOAL_E_FILTER,     /* the capture filter does not compile */
  SHOAL_E_PERMISSION, /* missing CAP_NET_RAW / CAP_NET_ADMIN / CAP_SYS_ADMIN */
  SHOAL_E_NETNS,      /* the namespace path cannot be opened or entered */
  SHOAL_E_BACKEND,    /* this backend cannot run on this kernel */
  SHOAL_E_SYSTEM,     /* any other failing system or library call */
} shoal_err_kind;

typedef struct {
  shoal_err_kind kind;
  char message[512];
} shoal_error;

/* Sets kind and a printf-style message (truncated to fit). */
void shoal_error_set(shoal_error *err, shoal_err_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same, appending ": strerror(errnum)"; the kind is picked from errnum (EPERM -> permission,
 * ENODEV/ENXIO -> interface) unless `kind` is not SHOAL_E_SYSTEM. */
void shoal_error_errno(shoal_error *err, shoal_err_kind kind, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "options", "interface", ... : the string the JS side receives as error.code. */
const char *shoal_error_kind_name(shoal_err_kind kind);

typedef enum {
  SHOAL_BACKEND_AF_PACKET = 0,
  SHOAL_BACKEND_LIBPCAP = 1,
  SHOAL_BACKEND_EBPF = 2,
  SHOAL_BACKEND_TLS = 3, /* not packets: the TLS tracer's plaintext records (tls_backend.c) */
} shoal_backend;

/* Everything one capture needs, already validated by the TypeScript wrapper (the C side
 * checks again only what it must not trust). Strings are owned (malloc'd). */
typedef struct {
  shoal_backend backend;
  char *interface; /* a name, or "any" for every interface (ifindex 0); NULL for tls */
  char *filter;    /* pcap filter expression, NULL for none */
  char *netns;     /* /proc/PID/ns/net or /var/run/netns/NAME, NULL for the process's own */
  int promiscuous;
  int ignore_outgoing;
  uint32_t snaplen;

  int fanout;            /* 1 to join a PACKET_FANOUT group (af_packet only) */
  uint16_t fanout_group; /* group id, shared by every socket of the group */
  uint16_t fanout_type;  /* PACKET_FANOUT_* mode | PACKET_FANOUT_FLAG_* */

  uint32_t block_bytes;      /* TPACKET_V3 ring: bytes per block (page multiple) */
  uint32_t block_count;      /* blocks in the ring */
  uint32_t block_timeout_ms; /* the kernel retires a non-empty block after this long */

  uint32_t batch_bytes;   /* flush a batch before it grows past this */
  uint32_t batch_packets; /* ... or holds this many packets */
  uint32_t max_in_flight; /* batches handed to JS and not yet taken; the reader waits beyond */
  uint32_t spool_bytes;   /* batches beyond max_in_flight wait in the capture's spool up to this */

  uint32_t pcap_buffer_bytes; /* libpcap: pcap_set_buffer_size */
  uint32_t pcap_timeout_ms;   /* libpcap: pcap_set_timeout */
  int pcap_immediate;         /* libpcap: pcap_set_immediate_mode */

  char *bpf_object;         /* ebpf, tls: the compiled programs (shoal_capture.bpf.o, shoal_tls.bpf.o) */
  uint32_t ebpf_ring_bytes; /* ebpf, tls: BPF ring buffer size (a power of two, page multiple) */
  uint32_t ebpf_timeout_ms; /* ebpf, tls: the reader polls the ring at least this often */
} shoal_options;

void shoal_options_free(shoal_options *opts);

/* Counters. The kernel's come from PACKET_STATISTICS (af_packet), pcap_stats (libpcap) or
 * the eBPF programs' per-CPU counters map (ebpf: dropped = ring buffer full);
 * `received` counts every packet that passed the filter, the dropped ones included. */
typedef struct {
  uint64_t received;
  uint64_t dropped;      /* no room in the ring / buffer */
  uint64_t if_dropped;   /* libpcap's ps_ifdrop (interface drops); 0 for af_packet */
  uint64_t freezes;      /* TPACKET_V3 tp_freeze_q_cnt: times the ring was full */
  uint64_t batches;      /* batches handed towards JS: in flight, spooled or delivered */
  uint64_t packets;      /* packets in those batches */
  uint64_t bytes;        /* bytes of those batches */
  uint64_t unsent;       /* packets read and thrown away, never emitted (capture_unsent): the
                          * batch being filled when the capture stopped and the packets that
                          * found it stopping, a batch that found no memory to leave in, and
                          * what a backend drained from the kernel at stop */
} shoal_stats;

#endif
