/*
 * libbpf's messages, kept to explain a failure: libbpf reports why a load or an attach failed
 * (the verifier's log, a missing BTF) through its process-wide print callback. Shared by the
 * eBPF capture backend (ebpf_object.c) and the TLS tracer (tls_backend.c, tls_attach.c).
 */
#ifndef SHOAL_EBPF_LOG_H
#define SHOAL_EBPF_LOG_H

#include <stddef.h>

/* Installs the libbpf message callback (once per process) and forgets what this thread was
 * told so far; call before a libbpf operation whose failure should be explained. */
void ebpf_log_reset(void);

/* The most telling line of what libbpf told this thread since ebpf_log_reset: the verifier's
 * last complaint (the line before "processed N insns"), else libbpf's last line. Empty when it
 * said nothing. */
void ebpf_log_reason(char *out, size_t size);

#endif
