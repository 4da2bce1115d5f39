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
export { entryOutcome, isErrorEntry } from './entry-outcome.js';
export type { EntryOutcome, OutcomeFields } from './entry-outcome.js';
export { ErrorCodes, ShoalError, isShoalError } from './errors.js';
export { formatBytes } from './format-bytes.js';
export type { ErrorCode } from './errors.js';
export { LinkType } from './packet-sink.js';
export type { PacketSink } from './packet-sink.js';
export type { NameTable, ResolutionAnswer, ResolutionPatch, VersionedResolutionPatch, VersionedResolutionTable, Workload } from './wire/resolution.js';
export { addressKey, MAX_RESOLUTION_VERSION_LENGTH } from './wire/resolution.js';
export type { Target, TargetPod, TargetSelection, TargetsAnswer, WorkerTargets } from './wire/targets.js';
export { TARGETS_CONFIG_KEY } from './wire/targets.js';
export { PcapHeaders } from './wire/pcap.js';
export type { FeedStatus, HubStatus, NamePushState, QueryStatus, WorkerState } from './wire/status.js';
export type { TracerCounters, TracerFile, TracerPod, TracerPodSummary, TracerProcess, TracerState, TracerStatus, TracerSummary } from './wire/tracer.js';
export { summarizeTracer, TRACER_MAX_LISTED_PROCESSES } from './wire/tracer.js';
export type { ServiceMapAnswer, ServiceMapEdge, ServiceMapNode } from './wire/servicemap.js';
export type { StatsAnswer, StatsBucket, TrafficCounts, WalkAnswer } from './wire/stats.js';
export type { ErrorAnswer, ErrorBody, PositionedError, TextPosition } from './wire/errors.js';
export { positionedErrorBody } from './wire/errors.js';
export {
  FRONT_OIDC_CALLBACK_PATH,
  FRONT_OIDC_SIGN_IN_PATH,
  FRONT_SESSION_EXPIRED_PATH,
  FRONT_SESSION_PATH,
  FRONT_SIGN_IN_PATH,
  FRONT_SIGN_OUT_PATH,
  FRONT_SIGNED_OUT_PATH,
  SIGN_IN_FAILED_PARAM,
  SIGN_IN_TOKEN_PARAM,
} from './wire/front-session.js';
export type { FrontSessionState, SignInMethod, SignInRequest, SignOutAnswer } from './wire/front-session.js';
export type { HistoryPage } from './wire/history.js';
export { DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT } from './wire/history.js';
export type { EntriesMessage, EntryPosition, FeedMessage, FeedNotice, LostMessage, ReadyMessage, SubscribeMessage } from './wire/feed.js';
export { CLIENT_ID_HEADER, entryPosition, FeedClose, parseSubscribeMessage, sinceOf, MAX_RESUME_IDS, RESPONSE_TIMEOUT_MS, RESUME_MARGIN_MS, ResumeState } from './wire/feed.js';
export type { GrpcMessageJson, GrpcRequestJson, GrpcResponseJson, GrpcSideJson, ProtoFieldJson, ProtoWireType } from './wire/grpc.js';
export type { IcmpFlowSideJson, IcmpMessageJson, IcmpQuotedJson } from './wire/icmp.js';
export type { GraphqlErrorJson, GraphqlOperationType, GraphqlRequestJson, GraphqlResponseJson } from './wire/graphql.js';
