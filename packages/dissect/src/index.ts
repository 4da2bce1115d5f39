export type {
  Detail,
  Direction,
  DissectOptions,
  DissectorSession,
  DissectorSpec,
  ProbeVerdict,
  StreamDissector,
  Transaction,
} from './dissector.js';
export { DissectEngine, DEFAULT_ENGINE_OPTIONS } from './engine.js';
export { EntryPhase } from './engine.js';
export type { ByteStream, EngineOptions, EntryPosition, FlowPacketListener, Shard, StreamEnd } from './engine.js';
export { formatIp } from './layers/ip-format.js';
export { DissectorRegistry } from './registry.js';
export { DissectStats } from './stats.js';
export type { ShedReason } from './stats.js';
export { defaultRegistry } from './protocols/index.js';
