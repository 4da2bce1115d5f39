/*
 * Reading the eBPF backend's ring buffer into batches (see ebpf_ring.h and, for wake-ups and
 * the timeout, the overview in ebpf_backend.c).
 */
#ifdef SHOAL_HAVE_EBPF

#include "ebpf_ring.h"

#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/membarrier.h>
#include <net/if.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bpf/shoal_ebpf.h"
#include "ebpf_tc.h"
#include "frame.h"

#define LINKTYPE_ETHERNET 1u
#define VLAN_TAG 4u
#define CHECK_EVERY_MS 500

/* ---- wall clock -------------------------------------------------------------------------- */

int64_t ebpf_wall_offset(uint64_t *mono_now) {
  struct timespec r, m;
  clock_gettime(CLOCK_MONOTONIC, &m);
  clock_gettime(CLOCK_REALTIME, &r);
  *mono_now = (uint64_t)m.tv_sec * 1000000000u + (uint64_t)m.tv_nsec;
  return ((int64_t)r.tv_sec - (int64_t)m.tv_sec) * 1000000000 + ((int64_t)r.tv_nsec - (int64_t)m.tv_nsec);
}

/* ---- reading ------------------------------------------------------------------------------ */

static int on_record(void *ctx, void *data, size_t size) {
  ebpf_state *st = ctx;
  shoal_batch *b = capture_batch(st->cap);
  const struct shoal_ebpf_record *rec = data;
  const uint8_t *bytes = (const uint8_t *)(rec + 1);
  uint32_t snap, caplen, wirelen, extra;
  uint64_t wall;
  uint8_t *out;
  int vlan;

  if (st->draining) { /* the capture is stopping: count, do not deliver */
    st->drained++;
    return 0;
  }
  if (size < sizeof *rec || rec->cap_len > size - sizeof *rec) return 0; /* never trust blindly */
  snap = rec->cap_len;
  /* Put back an 802.1Q tag the kernel took out of the frame, as the other backends do. */
  vlan = rec->vlan_present && snap >= 12;
  extra = vlan ? VLAN_TAG : 0;
  caplen = snap + extra;
  wirelen = rec->wire_len + extra;
  if (caplen > batch_max_record(b)) caplen = (uint32_t)batch_max_record(b);
  if (!batch_fits(b, caplen) && capture_flush(st->cap) != 0) {
    st->stop = 1;
    capture_unsent(st->cap, 1); /* libbpf counts this record consumed all the same */
    return -1;
  }
  wall = (uint64_t)((int64_t)rec->mono_ns + st->wall_offset_ns);
  out = batch_append(b, caplen, wirelen, (uint32_t)(wall / 1000000000u),
                     (uint32_t)(wall % 1000000000u), rec->ifindex, LINKTYPE_ETHERNET);
  /* vlan_proto is already in network order */
  frame_put_ethernet(out, caplen, bytes, snap, vlan,
                     rec->vlan_proto != 0 ? rec->vlan_proto : htons(ETH_P_8021Q), rec->vlan_tci);
  return 0;
}

/* A program that ran just before its filter was taken off may still be filling a record. Once
 * every CPU has passed a quiescent state none is: tc programs run inside RCU read-side
 * sections, and MEMBARRIER_CMD_GLOBAL waits for a grace period (synchronize_rcu). Where it is
 * refused (nohz_full CPUs, a seccomp profile), a pause far longer than a program run. */
static void wait_for_running_programs(void) {
  if (syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) != 0) {
    struct timespec pause = {0, 10 * 1000000};
    nanosleep(&pause, NULL);
  }
}

static uint64_t monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int ebpf_ring_open(ebpf_state *st, int events_fd, shoal_error *err) {
  st->rb = ring_buffer__new(events_fd, on_record, st, NULL);
  if (st->rb == NULL) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "cannot map the BPF ring buffer");
    return -1;
  }
  return 0;
}

/* The kernel drops a device's filters with the device. On one named interface nothing would
 * ever arrive again: the link that went, to end the capture with. On "any" the others go on, as
 * af_packet's "any" does; the link is only marked, its filters need no taking off. */
static const ebpf_link *check_links(ebpf_state *st) {
  char name[IF_NAMESIZE];
  int i;
  for (i = 0; i < st->nlinks; i++) {
    ebpf_link *l = &st->links[i];
    if (l->gone || if_indextoname((unsigned)l->ifindex, name) != NULL || errno != ENXIO) continue;
    if (!st->every) return l;
    l->gone = 1;
  }
  return NULL;
}

int eb_run(void *state, shoal_capture *cap, shoal_error *err) {
  ebpf_state *st = state;
  struct pollfd fds[2];
  uint64_t last_check = monotonic_ns();
  int rc = 0;

  fds[0].fd = ring_buffer__epoll_fd(st->rb);
  fds[0].events = POLLIN;
  fds[1].fd = capture_wake_fd(cap);
  fds[1].events = POLLIN;

  while (!capture_stopping(cap)) {
    int n = ring_buffer__consume(st->rb), timeout;
    uint64_t now;
    if (st->stop) break;
    if (n < 0) {
      shoal_error_errno(err, SHOAL_E_SYSTEM, -n, "reading the BPF ring buffer");
      rc = -1;
      break;
    }
    now = monotonic_ns();
    if (now - last_check >= (uint64_t)CHECK_EVERY_MS * 1000000u) {
      const ebpf_link *gone;
      last_check = now;
      if (now - st->offset_at_ns >= 1000000000u) st->wall_offset_ns = ebpf_wall_offset(&st->offset_at_ns);
      gone = check_links(st);
      if (gone != NULL) {
        shoal_error_set(err, SHOAL_E_INTERFACE,
                        "interface \"%s\" went down or was removed; capture stopped", gone->ifname);
        rc = -1;
        break;
      }
    }
    if (n > 0) continue; /* drain what is ready before sleeping */
    timeout = capture_caught_up(cap);
    if (timeout < 0) break;
    /* Records below the wake-up threshold do not wake us: look again after timeout_ms. */
    if (timeout > st->timeout_ms) timeout = st->timeout_ms;
    if (poll(fds, 2, timeout) < 0 && errno != EINTR) {
      shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "poll on the BPF ring buffer");
      rc = -1;
      break;
    }
  }
  /* Still on the capture thread, inside the namespace: take our filters off now. */
  ebpf_teardown(st);
  /* Nothing enters the ring any more: what it still holds passed the filter and will never be
   * delivered. Counted with the discarded packets, so that a closed eBPF capture balances
   * exactly (received = delivered + dropped + discarded). */
  wait_for_running_programs();
  st->draining = 1;
  ring_buffer__consume(st->rb);
  capture_unsent(cap, st->drained);
  return rc;
}

#endif
