/*
 * AF_PACKET + TPACKET_V3 ring (Documentation/networking/packet_mmap.rst, packet(7)).
 *
 * Opening, in the order the kernel wants it:
 *   1. socket(AF_PACKET, SOCK_RAW or SOCK_DGRAM, protocol 0): protocol 0 receives nothing
 *      until bind(), so no packet slips in before the filter is attached.
 *   2. PACKET_VERSION = TPACKET_V3; PACKET_IGNORE_OUTGOING (kernel >= 4.20) if asked.
 *   3. SO_ATTACH_FILTER with the compiled filter (or "ret #snaplen").
 *   4. PACKET_RX_RING with struct tpacket_req3, then mmap() the ring.
 *   5. bind() to ETH_P_ALL and the interface index (0 = every interface).
 *   6. PACKET_ADD_MEMBERSHIP / PACKET_MR_PROMISC (dropped by the kernel when the socket
 *      closes), PACKET_FANOUT (must follow bind).
 *
 * Link types: an Ethernet or loopback interface is read with SOCK_RAW and delivered as
 * LINKTYPE_ETHERNET; `any` and every other interface type are read with SOCK_DGRAM (packets
 * start at the network header) and delivered with a LINKTYPE_LINUX_SLL2 header built from the
 * ring's sockaddr_ll, as libpcap does for `any` (frame.c).
 *
 * Reading: blocks are handed between kernel and user by block_status (TP_STATUS_KERNEL /
 * TP_STATUS_USER); a block is retired to user space when full or after
 * tp_retire_blk_tov ms, so a quiet link still delivers within the block timeout.
 */
#include "af_packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pcap/dlt.h>

#include "bpf.h"
#include "frame.h"
#include "iface.h"

typedef struct {
  int fd;
  uint8_t *ring;
  size_t ring_bytes;
  uint32_t block_bytes;
  uint32_t block_count;
  int cooked; /* SOCK_DGRAM: we build an SLL2 header per packet */
  uint32_t snaplen;
  const char *ifname;

  pthread_mutex_t stats_mu; /* PACKET_STATISTICS reads and resets: accumulate under a lock */
  shoal_stats totals;
} af_state;

/* Interface index and ARPHRD_* type, looked up in the thread's (maybe entered) namespace. */
static int lookup_interface(const char *name, int *ifindex, int *arptype, shoal_error *err) {
  struct ifreq ifr;
  int fd, rc;
  if (strcmp(name, "any") == 0) {
    *ifindex = 0;
    *arptype = -1;
    return 0;
  }
  if (iface_check_name(name, err) != 0) return -1;
  fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    int e = errno;
    shoal_error_errno(err, e == EAFNOSUPPORT ? SHOAL_E_BACKEND : SHOAL_E_SYSTEM, e,
                      "cannot create an AF_PACKET socket");
    return -1;
  }
  rc = iface_index_and_type(fd, name, &ifr, ifindex, arptype, err);
  close(fd);
  return rc;
}

static int set_int_option(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof value);
}

static int attach_filter(af_state *st, const shoal_options *opts, shoal_error *err) {
  struct sock_fprog prog;
  int rc;
  /* The kernel moves an 802.1Q tag out of the packet data before a socket filter runs, and a
   * filter compiled on a pcap_open_dead handle looks for the tag in the data: "vlan" would
   * never match. libpcap's live handles compile it with the kernel's VLAN extensions. */
  if (opts->filter != NULL && bpf_filter_mentions_vlan(opts->filter)) {
    shoal_error_set(err, SHOAL_E_FILTER,
                    "bad capture filter \"%s\": \"vlan\" needs the libpcap backend (the kernel takes "
                    "VLAN tags out of the packet before an AF_PACKET filter sees it)",
                    opts->filter);
    return -1;
  }
  /* A SOCK_DGRAM socket's filter sees packets from the network header on: compile for raw IP. */
  int dlt = st->cooked ? DLT_RAW : DLT_EN10MB;
  if (opts->filter != NULL && opts->filter[0] != '\0') {
    if (bpf_compile(opts->filter, dlt, opts->snaplen, &prog, err) != 0) return -1;
  } else if (bpf_snaplen_only(opts->snaplen, &prog, err) != 0) {
    return -1;
  }
  rc = setsockopt(st->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
  bpf_program_free(&prog);
  if (rc != 0) {
    int e = errno;
    shoal_error_errno(err, SHOAL_E_FILTER, e, "the kernel refused the compiled filter \"%s\"",
                      opts->filter ? opts->filter : "");
    return -1;
  }
  return 0;
}

static int setup_ring(af_state *st, const shoal_options *opts, shoal_error *err) {
  struct tpacket_req3 req;
  /* In V3 frames are variable-sized inside a block; tp_frame_size only has to divide the
   * block and hold a header (packet_mmap.rst). */
  uint32_t frame = TPACKET_ALIGN(TPACKET3_HDRLEN);
  memset(&req, 0, sizeof req);
  req.tp_block_size = opts->block_bytes;
  req.tp_block_nr = opts->block_count;
  req.tp_frame_size = frame;
  req.tp_frame_nr = (opts->block_bytes / frame) * opts->block_count;
  req.tp_retire_blk_tov = opts->block_timeout_ms;
  req.tp_feature_req_word = 0;
  if (setsockopt(st->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0) {
    int e = errno;
    shoal_error_errno(err, e == ENOMEM ? SHOAL_E_OPTIONS : (e == EINVAL ? SHOAL_E_OPTIONS : SHOAL_E_SYSTEM), e,
                      "the kernel refused a TPACKET_V3 ring of %u blocks of %u bytes (block bytes "
                      "must be a multiple of the page size)",
                      opts->block_count, opts->block_bytes);
    return -1;
  }
  st->block_bytes = opts->block_bytes;
  st->block_count = opts->block_count;
  st->ring_bytes = (size_t)opts->block_bytes * opts->block_count;
  st->ring = mmap(NULL, st->ring_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, st->fd, 0);
  if (st->ring == MAP_FAILED) {
    int e = errno;
    st->ring = NULL;
    shoal_error_errno(err, SHOAL_E_SYSTEM, e, "cannot map the %zu-byte packet ring", st->ring_bytes);
    return -1;
  }
  return 0;
}

static int bind_interface(af_state *st, int ifindex, const char *name, shoal_error *err) {
  struct sockaddr_ll sll;
  int sock_err = 0;
  socklen_t len = sizeof sock_err;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = ifindex;
  if (bind(st->fd, (struct sockaddr *)&sll, sizeof sll) != 0) {
    int e = errno;
    shoal_error_errno(err, SHOAL_E_SYSTEM, e, "cannot bind the packet socket to \"%s\"", name);
    return -1;
  }
  /* Binding to a down interface succeeds but leaves ENETDOWN pending on the socket. */
  if (getsockopt(st->fd, SOL_SOCKET, SO_ERROR, &sock_err, &len) == 0 && sock_err != 0) {
    if (sock_err == ENETDOWN) {
      shoal_error_set(err, SHOAL_E_INTERFACE, "interface \"%s\" is down (`ip link set %s up`)",
                      name, name);
    } else {
      shoal_error_errno(err, SHOAL_E_SYSTEM, sock_err, "binding to \"%s\"", name);
    }
    return -1;
  }
  return 0;
}

static void af_close(void *state);

static void *af_open(const shoal_options *opts, shoal_capture *cap, shoal_error *err) {
  af_state *st;
  int ifindex, arptype;
  (void)cap;

  if (lookup_interface(opts->interface, &ifindex, &arptype, err) != 0) return NULL;
  st = calloc(1, sizeof *st);
  if (st == NULL) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&st->stats_mu, NULL);
  st->fd = -1;
  st->snaplen = opts->snaplen;
  st->ifname = opts->interface;
  st->cooked = !(arptype == ARPHRD_ETHER || arptype == ARPHRD_LOOPBACK);

  st->fd = socket(AF_PACKET, (st->cooked ? SOCK_DGRAM : SOCK_RAW) | SOCK_CLOEXEC, 0);
  if (st->fd < 0) {
    int e = errno;
    shoal_error_errno(err, e == EAFNOSUPPORT ? SHOAL_E_BACKEND : SHOAL_E_SYSTEM, e,
                      "cannot create an AF_PACKET socket");
    goto fail;
  }
  if (set_int_option(st->fd, SOL_PACKET, PACKET_VERSION, TPACKET_V3) != 0) {
    shoal_error_errno(err, SHOAL_E_BACKEND, errno,
                      "this kernel does not offer TPACKET_V3 rings (use the libpcap backend)");
    goto fail;
  }
  if (opts->ignore_outgoing &&
      set_int_option(st->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1) != 0) {
    shoal_error_errno(err, SHOAL_E_BACKEND, errno,
                      "this kernel cannot ignore outgoing packets (PACKET_IGNORE_OUTGOING needs "
                      "Linux 4.20)");
    goto fail;
  }
  /* Halves the copies into the ring on loopback; loopback_echo stays as the fallback for older
   * kernels and for "any". */
  if (!opts->ignore_outgoing && arptype == ARPHRD_LOOPBACK) iface_skip_loopback_echo(st->fd);
  if (attach_filter(st, opts, err) != 0) goto fail;
  if (setup_ring(st, opts, err) != 0) goto fail;
  if (bind_interface(st, ifindex, opts->interface, err) != 0) goto fail;

  if (opts->promiscuous && ifindex != 0 &&
      iface_add_promiscuous(st->fd, ifindex, opts->interface, err) != 0) {
    goto fail;
  }
  if (opts->fanout) {
    int arg = (int)opts->fanout_group | ((int)opts->fanout_type << 16);
    if (set_int_option(st->fd, SOL_PACKET, PACKET_FANOUT, arg) != 0) {
      int e = errno;
      shoal_error_errno(err, SHOAL_E_OPTIONS, e,
                        "cannot join fanout group %u (mode/flags 0x%x): a group's members must "
                        "share mode, flags and interface",
                        opts->fanout_group, opts->fanout_type);
      goto fail;
    }
  }
  return st;

fail:
  af_close(st);
  return NULL;
}

/*
 * A loopback device shows every packet to packet sockets twice: once leaving (PACKET_OUTGOING)
 * and once arriving. libpcap drops the leaving copy on loopback; so do we, or every loopback
 * packet would be dissected twice (packet(7): sll_pkttype; ARPHRD_LOOPBACK from if_arp.h).
 */
static int loopback_echo(const struct tpacket3_hdr *h) {
  const struct sockaddr_ll *sll =
      (const struct sockaddr_ll *)((const uint8_t *)h + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
  return sll->sll_pkttype == PACKET_OUTGOING && sll->sll_hatype == ARPHRD_LOOPBACK;
}

/* Walks one block handed to user space. */
static int walk_block(af_state *st, shoal_capture *cap, struct tpacket_block_desc *bd) {
  uint32_t n = bd->hdr.bh1.num_pkts;
  uint32_t offset = bd->hdr.bh1.offset_to_first_pkt;
  uint32_t i;
  for (i = 0; i < n; i++) {
    const struct tpacket3_hdr *h;
    if (offset + sizeof(struct tpacket3_hdr) > st->block_bytes) break; /* never trust blindly */
    h = (const struct tpacket3_hdr *)((uint8_t *)bd + offset);
    if (h->tp_mac + (size_t)h->tp_snaplen > st->block_bytes - offset) break;
    if (!loopback_echo(h) && frame_to_record(cap, h, st->cooked) != 0) return -1;
    if (h->tp_next_offset == 0) break;
    offset += h->tp_next_offset;
  }
  return 0;
}

static int af_run(void *state, shoal_capture *cap, shoal_error *err) {
  af_state *st = state;
  uint32_t current = 0;
  struct pollfd fds[2];
  fds[0].fd = st->fd;
  fds[0].events = POLLIN | POLLERR;
  fds[1].fd = capture_wake_fd(cap);
  fds[1].events = POLLIN;

  while (!capture_stopping(cap)) {
    struct tpacket_block_desc *bd =
        (struct tpacket_block_desc *)(st->ring + (size_t)current * st->block_bytes);
    if ((__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) == 0) {
      int n;
      /* Caught up with the kernel: hand over (or briefly hold) what we have, then sleep until
       * a block is retired (full, or after the block timeout) or we are told to stop. */
      int timeout = capture_caught_up(cap);
      if (timeout < 0) break;
      n = poll(fds, 2, timeout);
      if (n < 0 && errno != EINTR) {
        shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "poll on the packet socket");
        return -1;
      }
      if (n > 0 && (fds[0].revents & (POLLERR | POLLNVAL))) {
        int sock_err = 0;
        socklen_t len = sizeof sock_err;
        getsockopt(st->fd, SOL_SOCKET, SO_ERROR, &sock_err, &len);
        if (sock_err == ENETDOWN || sock_err == ENODEV || sock_err == ENXIO) {
          shoal_error_set(err, SHOAL_E_INTERFACE,
                          "interface \"%s\" went down or was removed; capture stopped",
                          st->ifname);
        } else {
          shoal_error_errno(err, SHOAL_E_SYSTEM, sock_err ? sock_err : EIO,
                            "packet socket on \"%s\" failed", st->ifname);
        }
        return -1;
      }
      continue;
    }
    if (walk_block(st, cap, bd) != 0) break;
    /* Give the block back to the kernel. */
    __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    current = (current + 1) % st->block_count;
    /* A full batch leaves in deliver(); a partial one when the next block is not ready. */
  }
  return 0;
}

static void read_kernel_stats(af_state *st) {
  struct tpacket_stats_v3 ks;
  socklen_t len = sizeof ks;
  if (st->fd < 0) return;
  memset(&ks, 0, sizeof ks);
  /* Reading resets the kernel's counters, hence the running totals. tp_packets already
   * includes tp_drops (net/packet/af_packet.c). */
  if (getsockopt(st->fd, SOL_PACKET, PACKET_STATISTICS, &ks, &len) == 0) {
    st->totals.received += ks.tp_packets;
    st->totals.dropped += ks.tp_drops;
    st->totals.freezes += ks.tp_freeze_q_cnt;
  }
}

static void af_stats(void *state, shoal_stats *out) {
  af_state *st = state;
  pthread_mutex_lock(&st->stats_mu);
  read_kernel_stats(st);
  out->received = st->totals.received;
  out->dropped = st->totals.dropped;
  out->freezes = st->totals.freezes;
  out->if_dropped = 0;
  pthread_mutex_unlock(&st->stats_mu);
}

static void af_close(void *state) {
  af_state *st = state;
  if (st == NULL) return;
  if (st->ring != NULL) munmap(st->ring, st->ring_bytes);
  if (st->fd >= 0) close(st->fd); /* also leaves the promiscuous membership and fanout group */
  pthread_mutex_destroy(&st->stats_mu);
  free(st);
}

const shoal_backend_ops shoal_af_packet_backend = {
    .name = "af_packet",
    .open = af_open,
    .run = af_run,
    .wake = NULL, /* the capture's eventfd is in the poll set */
    .stats = af_stats,
    .close = af_close,
};
