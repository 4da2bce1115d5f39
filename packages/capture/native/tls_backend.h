/*
 * The TLS tracer as a capture backend: its programs (bpf/tls.bpf.c) loaded with libbpf, their
 * ring buffer read on the capture thread into batches whose records are struct
 * shoal_tls_record (with their plaintext) instead of packets, batch link type
 * SHOAL_TLS_LINKTYPE. The thread, batches, spool and hand-over to JS are the capture's
 * (capture.c), the ring reading the eBPF backend's (ebpf_ring.c).
 *
 * Files: this one opens (kernel checks, tracefs, load, tracepoints), runs, counts and closes;
 * tls_attach.c attaches the uprobes to OpenSSL files (main thread, through addon_tls.c);
 * tls_state.h is the state they share. Compiled with libbpf only when native/build.mjs found
 * clang and libbpf-dev; otherwise a stub that says why.
 */
#ifndef SHOAL_TLS_BACKEND_H
#define SHOAL_TLS_BACKEND_H

#include "capture.h"

extern const shoal_backend_ops shoal_tls_backend;

/* Whether this kernel and process can run the tracer, without loading it: SHOAL_E_NONE, or a
 * kind (backend / permission) with `err` saying why (no BTF, no uprobe PMU, no tracefs...).
 * Mounts nothing. */
shoal_err_kind tls_probe(shoal_error *err);

#endif
