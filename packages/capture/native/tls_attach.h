/*
 * The TLS tracer's uprobes: attached to one OpenSSL file at a time (a libssl.so, or a binary
 * with OpenSSL inside, such as node), for every process that maps it, now or later (a uprobe
 * belongs to the file, not to a process; the programs keep to the traced namespaces). Main
 * thread, through addon_tls.c; taken off by the capture thread's teardown.
 */
#ifndef SHOAL_TLS_ATTACH_H
#define SHOAL_TLS_ATTACH_H

#include "shoal.h"
#include "tls_state.h"

/* The functions hooked, in the order of the bits of tls_attach's `functions`. */
#define TLS_FUNCTIONS 5
extern const char *const tls_function_names[TLS_FUNCTIONS];

/* Attaches the uprobes to the file at `path`: SSL_read and SSL_write (both required), and
 * SSL_read_ex, SSL_write_ex and SSL_free when it has them. Returns the attachment's id (> 0)
 * and sets the bits of the functions hooked, or -1 with `err` set: the file cannot be read or
 * is not ELF (system), it exports no SSL_read/SSL_write (options: not an OpenSSL), the kernel
 * refused (permission, backend), the cap was reached or the tracer is closing (backend). */
int tls_attach(tls_state *st, const char *path, unsigned *functions, shoal_error *err);

/* Takes attachment `id` off, without waiting for the kernel (on a thread of its own); 0, or -1
 * when there is no such attachment. */
int tls_detach(tls_state *st, int id);

/* Takes every attachment off, and refuses new ones from now on (teardown). */
void tls_detach_all(tls_state *st);

#endif
