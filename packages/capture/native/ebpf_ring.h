/*
 * Reading the eBPF backend's ring buffer on the capture thread: the ring's epoll fd and the
 * capture's wake eventfd polled together; each record appended to the batch as the other
 * backends' records are (Ethernet, an 802.1Q tag the kernel took out put back in, wall-clock
 * times from the programs' CLOCK_MONOTONIC ones).
 */
#ifndef SHOAL_EBPF_RING_H
#define SHOAL_EBPF_RING_H

#include <stdint.h>

#include "ebpf_state.h"

/* CLOCK_REALTIME - CLOCK_MONOTONIC now, in ns; *mono_now is when it was sampled. */
int64_t ebpf_wall_offset(uint64_t *mono_now);

/* Maps the ring buffer (the events map's fd) into st->rb, its records going to st's batch.
 * 0, or -1 with `err` set. */
int ebpf_ring_open(ebpf_state *st, int events_fd, shoal_error *err);

/* The backend's run(): reads until the capture stops or fails, then detaches the filters
 * (ebpf_teardown), still on the capture thread. */
int eb_run(void *state, shoal_capture *cap, shoal_error *err);

#endif
