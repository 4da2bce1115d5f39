/**
 * @shoal/tracer: the plaintext of the targeted pods' TLS connections, read from OpenSSL with
 * eBPF uprobes (the kernel side is @shoal/capture's TlsTrace), as byte streams per connection
 * for the dissectors; and what it hooked, for /status.
 */

export { Tracer, tracerOff, DEFAULT_IDLE_MS, DEFAULT_RESCAN_MS } from './tracer.js';
export type { TracerLog, TracerOptions } from './tracer.js';
export type { PlaintextConnection, PlaintextSink } from './tls-connections.js';
export { DEFAULT_MAX_FILES } from './openssl-files.js';
