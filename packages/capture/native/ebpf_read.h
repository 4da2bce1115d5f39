/*
 * The eBPF capture backend's side of reading its ring (ebpf_ring.c does the reading): each
 * record becomes a batch record as the other backends' are (Ethernet, an 802.1Q tag the kernel
 * took out put back in); an interface that went away ends a capture on it; the tc filters come
 * off when reading ends.
 */
#ifndef SHOAL_EBPF_READ_H
#define SHOAL_EBPF_READ_H

#include "ebpf_state.h"

/* Sets the reader's callbacks (before ebpf_ring_open). */
void ebpf_read_init(ebpf_state *st);

/* The backend's run(): reads until the capture stops or fails, then detaches the filters
 * (ebpf_teardown), still on the capture thread. */
int eb_run(void *state, shoal_capture *cap, shoal_error *err);

#endif
