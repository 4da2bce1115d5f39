/**
 * @shoal/capture: where packets come from. Capture files (pcap, pcapng) and live capture
 * (eBPF, AF_PACKET, libpcap; `best` picks); every source hands packets on through a PacketSink
 * (with LinkType, a contract of @shoal/model). Also the kernel side of the TLS tracer (TlsTrace:
 * the plaintext of OpenSSL calls, through uprobes), which shares the addon's eBPF machinery.
 */

export { CaptureFileReader, DEFAULT_CHUNK_BYTES } from './capture-file-reader.js';
export type { CaptureFileReaderOptions } from './capture-file-reader.js';
export type { CaptureInterface, CaptureWarning } from './capture-types.js';
export type { CaptureFormat } from './capture-format.js';
export { MAX_CAPTURED_LENGTH } from './capture-format.js';
export { TimestampScale } from './timestamp-scale.js';

export { PcapWriter } from './pcap-writer.js';
export type { PcapWriterOptions } from './pcap-writer.js';

export { openLiveCapture, liveCaptureAvailability, LiveCapture } from './live/live-capture.js';
export type { LiveCaptureStats } from './live/live-capture.js';
export type { ChainBackend, LiveBackend, LiveBackendChoice, LiveCaptureOptions, FanoutMode } from './live/live-options.js';
export { LIVE_DEFAULTS, LIVE_BACKENDS } from './live/live-options.js';
export { chooseBackend, liveBackendAvailability, BEST_CHAIN, PF_RING_MARKERS } from './live/backend-chain.js';
export type { BackendAvailability, SkippedBackend } from './live/backend-chain.js';
export { LiveCaptureError } from './live/live-errors.js';
export type { LiveErrorReason } from './live/live-errors.js';
export { deliverBatch, RECORD_HEADER_BYTES } from './live/batch-records.js';
export { TlsTrace, tlsTraceAvailability } from './live/tls-trace.js';
export type { TlsAvailability, TlsTraceOptions, TlsTraceStats } from './live/tls-trace.js';
export { decodeTlsRecord, TLS_RECORD_BYTES, TLS_RECORD_LINKTYPE, TLS_RECORD_OFFSETS } from './live/tls-records.js';
export type { TlsEndpoint, TlsRecord, TlsRecordKind, TlsTupleSource } from './live/tls-records.js';
