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
export type { NameTable, ResolutionAnswer, ResolutionPatch, VersionedResolutionPatch, VersionedResolutionTable, Workload } from './wire/resolution.js';
export { addressKey, MAX_RESOLUTION_VERSION_LENGTH } from './wire/resolution.js';
export type { Target, TargetPod, TargetSelection, TargetsAnswer, WorkerTargets } from './wire/targets.js';
export { PcapHeaders } from './wire/pcap.js';
export type { ServiceMapEdge, ServiceMapNode, WorkerState } from './hub-wire.js';
