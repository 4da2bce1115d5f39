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
export type { EntryPosition } from './wire/feed.js';
export { CLIENT_ID_HEADER, entryPosition, FeedClose, MAX_RESUME_IDS, RESPONSE_TIMEOUT_MS, RESUME_MARGIN_MS, ResumeState } from './wire/feed.js';
