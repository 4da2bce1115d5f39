/*
 * The eBPF backend's BPF object (bpf/capture.bpf.c, compiled by native/build.mjs): opened and
 * loaded with libbpf, its configuration map written (snaplen, the capture filter as classic
 * BPF); a failure quotes what libbpf said (ebpf_log.h). Capture thread.
 */
#ifndef SHOAL_EBPF_OBJECT_H
#define SHOAL_EBPF_OBJECT_H

#include "ebpf_state.h"

/* Opens and loads opts->bpf_object into st->obj (the ring buffer sized to ebpf_ring_bytes),
 * checks its maps, writes the configuration map and maps the ring buffer (st->reader.rb, read
 * by ebpf_ring.c). 0, or -1 with `err` set; the caller frees what was made (eb_close). */
int ebpf_load_object(ebpf_state *st, const shoal_options *opts, shoal_error *err);

#endif
