/*
 * eBPF backend (see ebpf_backend.h and bpf/capture.bpf.c).
 *
 * Opening, on the capture thread (inside the capture's network namespace, so that the
 * interface name, the netlink sockets libbpf opens and the tc hook all belong there):
 *   1. the interface: index, link type (Ethernet or loopback only), up; with "any" (only
 *      inside a namespace given by path: a pod's, whose interfaces live as long as it does)
 *      every interface of the namespace that is up and Ethernet or loopback;
 *   2. the capture filter: compiled by libpcap to classic BPF for Ethernet (as for the
 *      af_packet backend) and checked against what the in-kernel interpreter supports;
 *   3. the object: bpf_object__open_file, ring buffer sized, bpf_object__load (the verifier),
 *      then the configuration map (snaplen, filter) is written;
 *   4. stale filters: Shoal filters on each interface whose owner is gone (a killed process)
 *      are detached (see "Ownership" below);
 *   5. on each interface, the clsact qdisc (bpf_tc_hook_create; made here or already there),
 *      then the ingress program and, unless outgoing packets are ignored or the interface is
 *      loopback, the egress program (bpf_tc_attach, priority SHOAL_TC_PRIORITY, a random
 *      handle);
 *   6. promiscuous mode, when asked and one interface was named, through a packet socket's
 *      PACKET_MR_PROMISC membership (counted by the kernel and dropped when the socket closes,
 *      even on a crash).
 *
 * Reading: the ring buffer's epoll fd and the capture's wake eventfd are polled together, with
 * a timeout (ebpf.timeoutMs): the programs wake the reader only once a sixteenth of the ring
 * is used, so that batches grow under load; the timeout delivers a quiet link's packets.
 * ring_buffer__consume() hands each record to on_record(), which appends it to the batch.
 * Records carry CLOCK_MONOTONIC times, turned into wall-clock times with an offset sampled
 * every second.
 *
 * Closing: the capture thread detaches its filters (and removes the clsact qdisc when it made
 * it and nothing else is attached any more) before it ends, still inside the namespace, waits
 * for programs still running, and counts what the ring still holds as discarded; the main
 * thread then frees the object and the ring. The addon's env cleanup hook closes open
 * captures when Node exits, so a normal exit detaches too.
 *
 * Ownership: tc filters attached over netlink outlive the process that attached them. Each
 * capture binds an abstract unix socket named after its interface and filter handle
 * ("shoal-tc-IFINDEX-HANDLE"); abstract names belong to the network namespace and vanish with
 * the process. A Shoal filter (program name "shoal_...") whose name can be bound again has no
 * owner left, and the next capture on that interface removes it.
 *
 * Files: this one holds the backend's entry points and steps 1 and 6; the object (steps 2
 * and 3) is ebpf_object.c, the tc filters (step 5) ebpf_tc.c, ownership and stale filters
 * (step 4) ebpf_stale.c, reading ebpf_read.c (records into frames) and ebpf_ring.c (the ring,
 * shared with the TLS tracer). ebpf_state.h is the state they share.
 */
#include "ebpf_backend.h"

#ifdef SHOAL_HAVE_EBPF

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf.h"
#include "bpf/shoal_ebpf.h"
#include "ebpf_log.h"
#include "ebpf_object.h"
#include "ebpf_read.h"
#include "ebpf_state.h"
#include "ebpf_tc.h"
#include "iface.h"

/* ---- interfaces --------------------------------------------------------------------------- */

/* Index, link type and flags of `name`, through `fd` (any socket). */
static int read_interface(int fd, const char *name, ebpf_link *l, int *arptype, short *flags,
                          shoal_error *err) {
  struct ifreq ifr;
  if (iface_index_and_type(fd, name, &ifr, &l->ifindex, arptype, err) != 0) return -1;
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "cannot read the flags of \"%s\"", name);
    return -1;
  }
  *flags = ifr.ifr_flags;
  l->loopback = *arptype == ARPHRD_LOOPBACK;
  l->owner_fd = -1;
  snprintf(l->ifname, sizeof l->ifname, "%s", name);
  return 0;
}

/* The one interface named: Ethernet or loopback (what the programs' records are), and up. */
static int lookup_interface(int fd, const char *name, ebpf_state *st, shoal_error *err) {
  ebpf_link *l = &st->links[0];
  int arptype;
  short flags;
  if (iface_check_name(name, err) != 0 || read_interface(fd, name, l, &arptype, &flags, err) != 0)
    return -1;
  if (arptype != ARPHRD_ETHER && arptype != ARPHRD_LOOPBACK) {
    shoal_error_set(err, SHOAL_E_BACKEND,
                    "the eBPF backend delivers Ethernet frames and \"%s\" is not an Ethernet or "
                    "loopback interface (ARPHRD type %d); use af_packet or libpcap",
                    name, arptype);
    return -1;
  }
  if (!(flags & IFF_UP)) {
    shoal_error_set(err, SHOAL_E_INTERFACE, "interface \"%s\" is down (`ip link set %s up`)", name,
                    name);
    return -1;
  }
  st->nlinks = 1;
  return 0;
}

/* "any" inside a namespace: every Ethernet or loopback interface that is up now. A pod's
 * interfaces are made before its processes start and live as long as it does; the fallback
 * tunnel devices the kernel puts in every namespace (tunl0, gretap0...) are down or not
 * Ethernet and are left alone. An interface added later is not seen (af_packet's "any" would
 * see it). */
static int lookup_every_interface(int fd, ebpf_state *st, shoal_error *err) {
  struct if_nameindex *all = if_nameindex(), *it;
  int rc = 0;
  if (all == NULL) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "cannot list the interfaces of the namespace");
    return -1;
  }
  for (it = all; it->if_index != 0 && rc == 0; it++) {
    ebpf_link l;
    int arptype;
    short flags;
    memset(&l, 0, sizeof l);
    if (read_interface(fd, it->if_name, &l, &arptype, &flags, err) != 0) {
      if (err->kind == SHOAL_E_INTERFACE) continue; /* removed since the listing */
      rc = -1;
    } else if ((arptype == ARPHRD_ETHER || arptype == ARPHRD_LOOPBACK) && (flags & IFF_UP)) {
      if (st->nlinks == EBPF_MAX_LINKS) {
        shoal_error_set(err, SHOAL_E_BACKEND,
                        "the eBPF backend attaches to at most %d interfaces and this namespace has "
                        "more up; use af_packet or libpcap for \"any\" here",
                        EBPF_MAX_LINKS);
        rc = -1;
      } else {
        st->links[st->nlinks++] = l;
      }
    }
  }
  if_freenameindex(all);
  if (rc == 0 && st->nlinks == 0) {
    shoal_error_set(err, SHOAL_E_INTERFACE,
                    "no Ethernet or loopback interface is up in this network namespace");
    rc = -1;
  }
  return rc;
}

/* The capture's interfaces: the one named, or with "any" (inside a namespace only) all of them. */
static int lookup_interfaces(const shoal_options *opts, ebpf_state *st, shoal_error *err) {
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;
  if (fd < 0) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "socket");
    return -1;
  }
  rc = st->every ? lookup_every_interface(fd, st, err) : lookup_interface(fd, opts->interface, st, err);
  close(fd);
  return rc;
}

/* ---- open --------------------------------------------------------------------------------- */

static void eb_close(void *state);

static int hold_promiscuous(ebpf_state *st, const ebpf_link *l, shoal_error *err) {
  /* Protocol 0 and never bound: this socket receives nothing, it only holds the membership. */
  st->promisc_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (st->promisc_fd < 0) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno,
                      "cannot open a packet socket to put \"%s\" in promiscuous mode", l->ifname);
    return -1;
  }
  return iface_add_promiscuous(st->promisc_fd, l->ifindex, l->ifname, err);
}

static void *eb_open(const shoal_options *opts, shoal_capture *cap, shoal_error *err) {
  ebpf_state *st;
  struct stat ns;
  if (strcmp(opts->interface, "any") == 0 && opts->netns == NULL) {
    shoal_error_set(err, SHOAL_E_BACKEND, EBPF_ANY_OUTSIDE_NETNS);
    return NULL;
  }
  if (opts->fanout) {
    shoal_error_set(err, SHOAL_E_OPTIONS, "fanout needs the af_packet backend (eBPF has no fanout)");
    return NULL;
  }
  if (opts->filter != NULL && bpf_filter_mentions_vlan(opts->filter)) {
    shoal_error_set(err, SHOAL_E_FILTER,
                    "bad capture filter \"%s\": \"vlan\" needs the libpcap backend (the kernel takes "
                    "VLAN tags out of the packet before a tc program sees it)",
                    opts->filter);
    return NULL;
  }
  st = calloc(1, sizeof *st);
  if (st == NULL) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "out of memory");
    return NULL;
  }
  st->reader.cap = cap;
  st->reader.timeout_ms = (int)opts->ebpf_timeout_ms;
  ebpf_read_init(st);
  st->every = strcmp(opts->interface, "any") == 0;
  st->promisc_fd = -1;
  st->counters_fd = -1;
  st->ncpus = libbpf_num_possible_cpus();
  ebpf_log_reset();
  if (st->ncpus <= 0) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "cannot count the possible CPUs");
    goto fail;
  }
  if (lookup_interfaces(opts, st, err) != 0) goto fail;
  if (stat("/proc/thread-self/ns/net", &ns) != 0) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "cannot identify the network namespace");
    goto fail;
  }
  st->ns_dev = (uint64_t)ns.st_dev;
  st->ns_ino = (uint64_t)ns.st_ino;
  if (ebpf_load_object(st, opts, err) != 0) goto fail;
  if (ebpf_attach(st, opts, err) != 0) goto fail;
  /* As for af_packet, "any" is never made promiscuous: a pod's interfaces carry its traffic. */
  if (opts->promiscuous && !st->every && !st->links[0].loopback &&
      hold_promiscuous(st, &st->links[0], err) != 0) {
    ebpf_teardown(st);
    goto fail;
  }
  return st;

fail:
  eb_close(st);
  return NULL;
}

/* ---- stats, close, probe ------------------------------------------------------------------ */

static void eb_stats(void *state, shoal_stats *out) {
  ebpf_state *st = state;
  uint64_t *values;
  uint32_t slot;
  uint64_t sums[SHOAL_CNT_SLOTS] = {0};
  int cpu;
  if (st->counters_fd < 0) return;
  values = calloc((size_t)st->ncpus, sizeof *values);
  if (values == NULL) return;
  for (slot = 0; slot < SHOAL_CNT_SLOTS; slot++) {
    if (bpf_map_lookup_elem(st->counters_fd, &slot, values) != 0) continue;
    for (cpu = 0; cpu < st->ncpus; cpu++) sums[slot] += values[cpu];
  }
  free(values);
  out->received = sums[SHOAL_CNT_RECEIVED];
  out->dropped = sums[SHOAL_CNT_DROPPED];
  out->if_dropped = 0;
  out->freezes = 0;
}

static void eb_close(void *state) {
  ebpf_state *st = state;
  int i;
  if (st == NULL) return;
  if (st->reader.rb != NULL) ring_buffer__free(st->reader.rb);
  if (st->obj != NULL) bpf_object__close(st->obj);
  if (st->promisc_fd >= 0) close(st->promisc_fd);
  for (i = 0; i < st->nlinks; i++)
    if (st->links[i].owner_fd >= 0) close(st->links[i].owner_fd);
  free(st);
}

int ebpf_compiled(void) { return 1; }

shoal_err_kind ebpf_probe(shoal_error *err) {
  /* mov r0, 0 (TC_ACT_OK); exit */
  const struct bpf_insn insns[] = {
      {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
      {.code = BPF_JMP | BPF_EXIT},
  };
  int fd;
  ebpf_log_reset();
  /* libbpf's own probes say "not supported" for "not permitted" too: load one by hand. */
  fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, NULL, "GPL", insns, 2, NULL);
  if (fd < 0) {
    int e = errno;
    if (e == EPERM || e == EACCES) {
      shoal_error_set(err, SHOAL_E_PERMISSION,
                      "this process may not load eBPF programs (needs root, or CAP_BPF and "
                      "CAP_NET_ADMIN)");
    } else {
      shoal_error_errno(err, SHOAL_E_BACKEND, e, "this kernel cannot load tc (sched_cls) eBPF programs");
    }
    return err->kind;
  }
  close(fd);
  fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, 4096, NULL);
  if (fd < 0) {
    shoal_error_errno(err, SHOAL_E_BACKEND, errno, "this kernel has no BPF ring buffer (needs Linux 5.8)");
    return err->kind;
  }
  close(fd);
  if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_SCHED_CLS, BPF_FUNC_loop, NULL) != 1) {
    shoal_error_set(err, SHOAL_E_BACKEND, "this kernel has no bpf_loop helper (needs Linux 5.17)");
    return err->kind;
  }
  return SHOAL_E_NONE;
}

#else /* !SHOAL_HAVE_EBPF */

static void *eb_open(const shoal_options *opts, shoal_capture *cap, shoal_error *err) {
  (void)opts;
  (void)cap;
  shoal_error_set(err, SHOAL_E_BACKEND, EBPF_NOT_BUILT);
  return NULL;
}
static int eb_run(void *state, shoal_capture *cap, shoal_error *err) {
  (void)state;
  (void)cap;
  (void)err;
  return 0;
}
static void eb_stats(void *state, shoal_stats *out) {
  (void)state;
  (void)out;
}
static void eb_close(void *state) { (void)state; }

int ebpf_compiled(void) { return 0; }

shoal_err_kind ebpf_probe(shoal_error *err) {
  shoal_error_set(err, SHOAL_E_BACKEND, EBPF_NOT_BUILT);
  return err->kind;
}

#endif

const shoal_backend_ops shoal_ebpf_backend = {
    .name = "ebpf",
    .open = eb_open,
    .run = eb_run,
    .wake = NULL, /* the capture's eventfd is in the poll set */
    .stats = eb_stats,
    .close = eb_close,
    .close_at_exit = 1,
};
