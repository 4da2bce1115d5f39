/*
 * libpcap backend (see pcap_backend.h). libpcap does its own ring handling on Linux; we give
 * it the options, read with pcap_dispatch() and copy each packet into the batch.
 *
 * Threads: the handle is used by the capture thread only (pcap_t is not thread-safe).
 * Statistics are sampled by that thread (after reads, and at least every 100 ms while the link
 * is quiet), so stats() never touches the handle from the main thread while the capture runs;
 * they may lag by that much.
 */
#include "pcap_backend.h"

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iface.h"

typedef struct {
  pcap_t *p;
  shoal_capture *cap;
  uint32_t linktype;
  uint32_t ifindex;
  int nano; /* timestamps in nanoseconds (else microseconds) */
  int stop; /* set by the packet callback when a flush says the capture is stopping */
  const char *ifname;

  pthread_mutex_t stats_mu;
  shoal_stats sample;
  struct timespec sampled_at;
} pcap_state;

/* pcap_datalink() gives a DLT_*; the records carry LINKTYPE_* (the same numbers except for a
 * few historical DLTs; raw IP is the one Linux can give here). */
static uint32_t linktype_of(int dlt) {
  switch (dlt) {
    case DLT_RAW: return 101; /* LINKTYPE_RAW */
    default: return (uint32_t)dlt;
  }
}

static shoal_err_kind kind_of_activate_error(int rc) {
  switch (rc) {
    case PCAP_ERROR_NO_SUCH_DEVICE: return SHOAL_E_INTERFACE;
    case PCAP_ERROR_IFACE_NOT_UP: return SHOAL_E_INTERFACE;
    case PCAP_ERROR_PERM_DENIED: return SHOAL_E_PERMISSION;
    case PCAP_ERROR_PROMISC_PERM_DENIED: return SHOAL_E_PERMISSION;
    default: return SHOAL_E_SYSTEM;
  }
}

static void sample_stats(pcap_state *st) {
  struct pcap_stat ps;
  memset(&ps, 0, sizeof ps);
  if (pcap_stats(st->p, &ps) != 0) return;
  pthread_mutex_lock(&st->stats_mu);
  /* On Linux ps_recv counts what passed the filter, the dropped packets included. */
  st->sample.received = ps.ps_recv;
  st->sample.dropped = ps.ps_drop;
  st->sample.if_dropped = ps.ps_ifdrop;
  clock_gettime(CLOCK_MONOTONIC, &st->sampled_at);
  pthread_mutex_unlock(&st->stats_mu);
}

static void pc_close(void *state);

static void *pc_open(const shoal_options *opts, shoal_capture *cap, shoal_error *err) {
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_state *st;
  int rc;
  int any = strcmp(opts->interface, "any") == 0;

  errbuf[0] = '\0';
  if (opts->fanout) {
    shoal_error_set(err, SHOAL_E_OPTIONS, "fanout needs the af_packet backend (libpcap has no fanout)");
    return NULL;
  }
  st = calloc(1, sizeof *st);
  if (st == NULL) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&st->stats_mu, NULL);
  st->cap = cap;
  st->ifname = opts->interface;
  st->p = pcap_create(opts->interface, errbuf);
  if (st->p == NULL) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "pcap_create(\"%s\"): %s", opts->interface, errbuf);
    goto fail;
  }
  pcap_set_snaplen(st->p, (int)opts->snaplen);
  if (!any) pcap_set_promisc(st->p, opts->promiscuous ? 1 : 0); /* `any` cannot be promiscuous */
  pcap_set_timeout(st->p, (int)opts->pcap_timeout_ms);
  pcap_set_immediate_mode(st->p, opts->pcap_immediate ? 1 : 0);
  if (opts->pcap_buffer_bytes > 0) pcap_set_buffer_size(st->p, (int)opts->pcap_buffer_bytes);
  st->nano = pcap_set_tstamp_precision(st->p, PCAP_TSTAMP_PRECISION_NANO) == 0;

  rc = pcap_activate(st->p);
  if (rc < 0) {
    const char *detail = pcap_geterr(st->p);
    shoal_err_kind kind = kind_of_activate_error(rc);
    if (rc == PCAP_ERROR_NO_SUCH_DEVICE) {
      shoal_error_set(err, kind,
                      "no interface named \"%s\" in this network namespace (`ip link` lists them): %s",
                      opts->interface, detail[0] ? detail : pcap_statustostr(rc));
    } else if (rc == PCAP_ERROR_IFACE_NOT_UP) {
      shoal_error_set(err, kind, "interface \"%s\" is down (`ip link set %s up`)", opts->interface,
                      opts->interface);
    } else {
      shoal_error_set(err, kind, "libpcap cannot open \"%s\": %s%s", opts->interface,
                      detail[0] ? detail : pcap_statustostr(rc),
                      kind == SHOAL_E_PERMISSION ? " (live capture needs root, or CAP_NET_RAW and CAP_NET_ADMIN)" : "");
    }
    goto fail;
  }
  /* `any` defaults to Linux SLL; SLL2 also carries the interface index, like af_packet's. */
  if (any) pcap_set_datalink(st->p, DLT_LINUX_SLL2);
  st->linktype = linktype_of(pcap_datalink(st->p));
  st->nano = pcap_get_tstamp_precision(st->p) == PCAP_TSTAMP_PRECISION_NANO;
  st->ifindex = any ? 0 : if_nametoindex(opts->interface);
  /* libpcap drops loopback's leaving copies in user space, after the kernel copied and counted
   * them; its socket (pcap_fileno, a packet socket on Linux) can have the kernel skip them. */
  if (!any && !opts->ignore_outgoing) {
    struct ifreq ifr;
    shoal_error ignored;
    int index, arptype;
    if (iface_index_and_type(pcap_fileno(st->p), opts->interface, &ifr, &index, &arptype, &ignored) == 0 &&
        arptype == ARPHRD_LOOPBACK) {
      iface_skip_loopback_echo(pcap_fileno(st->p));
    }
  }

  if (opts->filter != NULL && opts->filter[0] != '\0') {
    struct bpf_program program;
    if (pcap_compile(st->p, &program, opts->filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
      shoal_error_set(err, SHOAL_E_FILTER, "bad capture filter \"%s\": %s", opts->filter,
                      pcap_geterr(st->p));
      goto fail;
    }
    rc = pcap_setfilter(st->p, &program);
    pcap_freecode(&program);
    if (rc != 0) {
      shoal_error_set(err, SHOAL_E_FILTER, "cannot attach capture filter \"%s\": %s", opts->filter,
                      pcap_geterr(st->p));
      goto fail;
    }
  }
  if (opts->ignore_outgoing && pcap_setdirection(st->p, PCAP_D_IN) != 0) {
    shoal_error_set(err, SHOAL_E_BACKEND, "libpcap cannot ignore outgoing packets: %s",
                    pcap_geterr(st->p));
    goto fail;
  }
  if (pcap_setnonblock(st->p, 1, errbuf) != 0) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "libpcap cannot read \"%s\" without blocking: %s",
                    opts->interface, errbuf);
    goto fail;
  }
  sample_stats(st);
  return st;

fail:
  pc_close(st);
  return NULL;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes) {
  pcap_state *st = (pcap_state *)user;
  shoal_batch *b = capture_batch(st->cap);
  uint32_t caplen = h->caplen;
  uint8_t *out;
  /* Stopping: libpcap has taken the rest of this dispatch out of the kernel's ring already. */
  if (st->stop) {
    capture_unsent(st->cap, 1);
    return;
  }
  if (caplen > batch_max_record(b)) caplen = (uint32_t)batch_max_record(b);
  if (!batch_fits(b, caplen) && capture_flush(st->cap) != 0) {
    st->stop = 1;
    capture_unsent(st->cap, 1);
    pcap_breakloop(st->p);
    return;
  }
  out = batch_append(b, caplen, h->len, (uint32_t)h->ts.tv_sec,
                     (uint32_t)(st->nano ? h->ts.tv_usec : h->ts.tv_usec * 1000), st->ifindex,
                     st->linktype);
  memcpy(out, bytes, caplen);
}

/* Samples libpcap's counters at most every STATS_EVERY_MS (pcap_stats reads the socket's
 * PACKET_STATISTICS, which resets them: libpcap accumulates). */
#define STATS_EVERY_MS 50

static void maybe_sample(pcap_state *st) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if ((now.tv_sec - st->sampled_at.tv_sec) * 1000 + (now.tv_nsec - st->sampled_at.tv_nsec) / 1000000 >=
      STATS_EVERY_MS) {
    sample_stats(st);
  }
}

/* Non-blocking reads (pcap_setnonblock(3PCAP)) with our own poll on pcap_get_selectable_fd
 * and the capture's wake fd: stopping needs no pcap_breakloop from another thread, and the
 * counters are refreshed while the link is quiet. */
static int pc_run(void *state, shoal_capture *cap, shoal_error *err) {
  pcap_state *st = state;
  struct pollfd fds[2];
  fds[0].fd = pcap_get_selectable_fd(st->p);
  fds[0].events = POLLIN;
  fds[1].fd = capture_wake_fd(cap);
  fds[1].events = POLLIN;

  while (!capture_stopping(cap) && !st->stop) {
    int timeout;
    int n = pcap_dispatch(st->p, -1, on_packet, (u_char *)st);
    if (n == PCAP_ERROR) {
      const char *detail = pcap_geterr(st->p);
      /* libpcap reports a vanished or downed interface as an error from the read. */
      shoal_err_kind kind = strstr(detail, "interface") || strstr(detail, "went down")
                                ? SHOAL_E_INTERFACE
                                : SHOAL_E_SYSTEM;
      shoal_error_set(err, kind, "libpcap stopped reading \"%s\": %s; capture stopped", st->ifname,
                      detail);
      sample_stats(st);
      return -1;
    }
    maybe_sample(st);
    if (n != 0) continue; /* drain what is ready before sleeping */
    timeout = capture_caught_up(cap);
    if (timeout < 0) break;
    if (timeout > STATS_EVERY_MS * 2) timeout = STATS_EVERY_MS * 2;
    if (poll(fds, 2, timeout) < 0 && errno != EINTR) {
      shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "poll on the libpcap handle");
      return -1;
    }
  }
  sample_stats(st); /* the final figures, read on the thread that owns the handle */
  return 0;
}

static void pc_stats(void *state, shoal_stats *out) {
  pcap_state *st = state;
  pthread_mutex_lock(&st->stats_mu);
  out->received = st->sample.received;
  out->dropped = st->sample.dropped;
  out->if_dropped = st->sample.if_dropped;
  out->freezes = 0;
  pthread_mutex_unlock(&st->stats_mu);
}

static void pc_close(void *state) {
  pcap_state *st = state;
  if (st == NULL) return;
  if (st->p != NULL) pcap_close(st->p);
  pthread_mutex_destroy(&st->stats_mu);
  free(st);
}

const shoal_backend_ops shoal_pcap_backend = {
    .name = "libpcap",
    .open = pc_open,
    .run = pc_run,
    .wake = NULL, /* the capture's eventfd is in the poll set */
    .stats = pc_stats,
    .close = pc_close,
};
