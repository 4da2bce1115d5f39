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
export { FRONT_SESSION_PATH, FRONT_SIGN_IN_PATH, FRONT_SIGN_OUT_PATH, SIGN_IN_FAILED_PARAM, SIGN_IN_TOKEN_PARAM } from './wire/front-session.js';
export type { FrontSessionState, SignInMethod, SignInRequest } from './wire/front-session.js';
