export type {
  CaptureSource,
  Endpoint,
  Entry,
  Layer4,
  Malformed,
  Message,
  NodeInfo,
  ProtocolInfo,
  Summary,
} from './entry.js';
export { ErrorCodes, ShoalError, isShoalError } from './errors.js';
export type { ErrorCode } from './errors.js';
export { LinkType } from './packet-sink.js';
export type { PacketSink } from './packet-sink.js';
export type { ResolutionPatch, Workload } from './resolution.js';
export { addressKey } from './resolution.js';
export type { ServiceMapEdge, ServiceMapNode, WorkerState } from './hub-wire.js';
export type { HistoryPage } from './wire/history.js';
export { DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT } from './wire/history.js';
