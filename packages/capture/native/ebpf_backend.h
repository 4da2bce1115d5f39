/*
 * The eBPF backend: tc clsact programs (bpf/capture.bpf.c) copy packets into a BPF ring
 * buffer, read here on the capture thread with libbpf.
 *
 * Compiled with libbpf only when native/build.mjs found clang and libbpf-dev (it defines
 * SHOAL_HAVE_EBPF); otherwise the backend is a stub whose open() and probe report that the
 * addon was built without eBPF support.
 */
#ifndef SHOAL_EBPF_BACKEND_H
#define SHOAL_EBPF_BACKEND_H

#include <stddef.h>

#include "capture.h"

extern const shoal_backend_ops shoal_ebpf_backend;

/* Why "any" is refused outside a namespace given by path (the JS side's `best` says the same
 * without trying, backend-chain.ts). */
#define EBPF_ANY_OUTSIDE_NETNS                                                                   \
  "the eBPF backend attaches to the interfaces present when it opens, so it takes \"any\" only " \
  "inside a network namespace given by netns (a pod's, whose interfaces live as long as it "    \
  "does); use af_packet or libpcap for \"any\" without netns"

/* What the eBPF backend and the TLS tracer say when the addon was built without libbpf. */
#define EBPF_NOT_BUILT                                                                           \
  "this addon was built without eBPF support (native/build.mjs found no clang or no libbpf "   \
  "headers: apt-get install clang libbpf-dev, then npm run build:native -w @shoal/capture)"

/* The tc priority ("pref") of Shoal's filters on both clsact directions. */
#define SHOAL_TC_PRIORITY 1

/* Whether this kernel and process can run the eBPF backend, without attaching anything:
 * SHOAL_E_NONE, or a kind (backend / permission) with `err` saying why. Cheap (loads three
 * tiny probe programs); runs on any thread. */
shoal_err_kind ebpf_probe(shoal_error *err);

/* 1 when the addon was compiled with libbpf. */
int ebpf_compiled(void);

#endif
