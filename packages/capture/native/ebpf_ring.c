/*
 * Reading a BPF ring buffer into batches (see ebpf_ring.h; wake-ups and the timeout are
 * explained in ebpf_backend.c's overview).
 */
#ifdef SHOAL_HAVE_EBPF

#include "ebpf_ring.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/membarrier.h>
#include <poll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CHECK_EVERY_MS 500

/* ---- wall clock -------------------------------------------------------------------------- */

int64_t ebpf_wall_offset(uint64_t *mono_now) {
  struct timespec r, m;
  clock_gettime(CLOCK_MONOTONIC, &m);
  clock_gettime(CLOCK_REALTIME, &r);
  *mono_now = (uint64_t)m.tv_sec * 1000000000u + (uint64_t)m.tv_nsec;
  return ((int64_t)r.tv_sec - (int64_t)m.tv_sec) * 1000000000 + ((int64_t)r.tv_nsec - (int64_t)m.tv_nsec);
}

static uint64_t monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- reading ------------------------------------------------------------------------------ */

static int on_record(void *ctx, void *data, size_t size) {
  ebpf_reader *r = ctx;
  if (r->draining) { /* the capture is stopping: count, do not deliver */
    r->drained++;
    return 0;
  }
  return r->append(r, data, size);
}

uint8_t *ebpf_reader_reserve(ebpf_reader *r, uint32_t caplen, uint32_t wirelen, uint64_t mono_ns,
                             uint32_t ifindex, uint32_t linktype) {
  shoal_batch *b = capture_batch(r->cap);
  uint64_t wall;
  if (caplen > batch_max_record(b)) caplen = (uint32_t)batch_max_record(b);
  if (!batch_fits(b, caplen) && capture_flush(r->cap) != 0) {
    r->stop = 1;
    capture_unsent(r->cap, 1); /* libbpf counts this record consumed all the same */
    return NULL;
  }
  wall = (uint64_t)((int64_t)mono_ns + r->wall_offset_ns);
  return batch_append(b, caplen, wirelen, (uint32_t)(wall / 1000000000u), (uint32_t)(wall % 1000000000u),
                      ifindex, linktype);
}

/* A program that ran just before it was taken off may still be filling a record. Once every CPU
 * has passed a quiescent state none is: BPF programs run inside RCU read-side sections, and
 * MEMBARRIER_CMD_GLOBAL waits for a grace period (synchronize_rcu). Where it is refused
 * (nohz_full CPUs, a seccomp profile), a pause far longer than a program run. */
static void wait_for_running_programs(void) {
  if (syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) != 0) {
    struct timespec pause = {0, 10 * 1000000};
    nanosleep(&pause, NULL);
  }
}

int ebpf_ring_open(ebpf_reader *r, int events_fd, shoal_error *err) {
  r->rb = ring_buffer__new(events_fd, on_record, r, NULL);
  if (r->rb == NULL) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "cannot map the BPF ring buffer");
    return -1;
  }
  r->wall_offset_ns = ebpf_wall_offset(&r->offset_at_ns);
  return 0;
}

int ebpf_ring_run(ebpf_reader *r, shoal_error *err) {
  shoal_capture *cap = r->cap;
  struct pollfd fds[2];
  uint64_t last_check = monotonic_ns();
  int rc = 0;

  fds[0].fd = ring_buffer__epoll_fd(r->rb);
  fds[0].events = POLLIN;
  fds[1].fd = capture_wake_fd(cap);
  fds[1].events = POLLIN;

  while (!capture_stopping(cap)) {
    int n = ring_buffer__consume(r->rb), timeout;
    uint64_t now;
    if (r->stop) break;
    if (n < 0) {
      shoal_error_errno(err, SHOAL_E_SYSTEM, -n, "reading the BPF ring buffer");
      rc = -1;
      break;
    }
    now = monotonic_ns();
    if (now - last_check >= (uint64_t)CHECK_EVERY_MS * 1000000u) {
      last_check = now;
      if (now - r->offset_at_ns >= 1000000000u) r->wall_offset_ns = ebpf_wall_offset(&r->offset_at_ns);
      if (r->check != NULL && r->check(r, err) != 0) {
        rc = -1;
        break;
      }
    }
    if (n > 0) continue; /* drain what is ready before sleeping */
    timeout = capture_caught_up(cap);
    if (timeout < 0) break;
    /* Records below the wake-up threshold do not wake us: look again after timeout_ms. */
    if (timeout > r->timeout_ms) timeout = r->timeout_ms;
    if (poll(fds, 2, timeout) < 0 && errno != EINTR) {
      shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "poll on the BPF ring buffer");
      rc = -1;
      break;
    }
  }
  /* Still on the capture thread (inside the namespace): take the programs off now. */
  r->teardown(r);
  /* Nothing enters the ring any more: what it still holds was recorded and will never be
   * delivered. Counted with the discarded records, so that a closed capture balances exactly
   * (received = delivered + dropped + discarded). */
  wait_for_running_programs();
  r->draining = 1;
  ring_buffer__consume(r->rb);
  capture_unsent(cap, r->drained);
  return rc;
}

#endif
