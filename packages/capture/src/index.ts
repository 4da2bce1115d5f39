/**
 * @shoal/capture: where packets come from. Capture files for now (pcap, pcapng), live
 * backends later; every source hands packets on through a PacketSink.
 */

export { LinkType } from './packet-sink.js';
export type { PacketSink } from './packet-sink.js';

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
export type { LiveBackend, LiveCaptureOptions, FanoutMode } from './live/live-options.js';
export { LIVE_DEFAULTS } from './live/live-options.js';
export { LiveCaptureError } from './live/live-errors.js';
export type { LiveErrorReason } from './live/live-errors.js';
export { deliverBatch, RECORD_HEADER_BYTES } from './live/batch-records.js';
