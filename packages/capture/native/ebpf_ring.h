/*
 * Reading a BPF ring buffer into a capture's batches, on the capture thread: the ring's epoll
 * fd and the capture's wake eventfd polled together, with a timeout (the programs wake the
 * reader only once enough waits), each record handed to the backend's `append`, which writes
 * it into the batch in its own format through ebpf_reader_reserve. Shared by the eBPF capture
 * backend (tc programs, packets) and the TLS tracer (uprobes, plaintext).
 */
#ifndef SHOAL_EBPF_RING_H
#define SHOAL_EBPF_RING_H

#include <stddef.h>
#include <stdint.h>

#include "capture.h"

struct ring_buffer;
typedef struct ebpf_reader ebpf_reader;

struct ebpf_reader {
  shoal_capture *cap;
  struct ring_buffer *rb;
  int timeout_ms; /* poll the ring at least this often */
  int stop;       /* a flush said the capture is stopping */
  int draining;   /* stopped: records are counted (drained), not delivered */
  uint64_t drained;
  int64_t wall_offset_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC */
  uint64_t offset_at_ns;  /* when it was sampled (monotonic) */
  /* One ring record into the batch; 0 to go on, -1 to stop reading (the capture stops). */
  int (*append)(ebpf_reader *r, const void *data, size_t size);
  /* Every half second: non-zero ends the capture with `err` set. NULL for none. */
  int (*check)(ebpf_reader *r, shoal_error *err);
  /* When reading ends, still on the capture thread: take the programs off, so that nothing
   * enters the ring any more. */
  void (*teardown)(ebpf_reader *r);
};

/* CLOCK_REALTIME - CLOCK_MONOTONIC now, in ns; *mono_now is when it was sampled. */
int64_t ebpf_wall_offset(uint64_t *mono_now);

/* Maps the ring buffer (the events map's fd) into r->rb, its records going to r->append.
 * Samples the wall-clock offset. 0, or -1 with `err` set. */
int ebpf_ring_open(ebpf_reader *r, int events_fd, shoal_error *err);

/* Room in the batch for a record of `caplen` bytes stamped with the wall-clock time of
 * `mono_ns` (a program's bpf_ktime_get_ns()), flushing the batch first when full: where the
 * bytes go, or NULL when the capture is stopping (the record is then counted unsent and
 * r->stop set; return -1 from append). */
uint8_t *ebpf_reader_reserve(ebpf_reader *r, uint32_t caplen, uint32_t wirelen, uint64_t mono_ns,
                             uint32_t ifindex, uint32_t linktype);

/* A backend's run(): reads until the capture stops or fails, then calls r->teardown and counts
 * what the ring still held as discarded. */
int ebpf_ring_run(ebpf_reader *r, shoal_error *err);

#endif
