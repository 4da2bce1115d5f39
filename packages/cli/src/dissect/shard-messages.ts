/**
 * What `shoal dissect --threads N` sends between its threads. Each shard (dissect-shard.ts) reads
 * the whole file and dissects its share of the flows (DissectEngine's Shard); the main thread
 * (sharded-dissect.ts) merges their formatted entries back into one engine's order.
 */
import type { DissectStats } from '@shoal/dissect';

/** The main thread's order to a shard (its workerData). */
export interface ShardJob {
  file: string;
  index: number;
  count: number;
  format: 'table' | 'ndjson';
  protocol: string | undefined;
  bodyCapBytes: number;
  responseTimeoutMs: number;
  /**
   * Shared with the main thread: [0] the last packet whose entries it has written, which a shard
   * stays within LEAD_PACKETS of (a slow reader of stdout holds every shard back, and no shard
   * runs far ahead of the others while its entries wait to be merged).
   */
  released: SharedArrayBuffer;
}

/** A shard runs at most this many packets ahead of what the main thread has written. */
export const LEAD_PACKETS = 200_000;

/** The entries a shard formatted while reading one chunk of the file. */
export interface ShardBatch {
  kind: 'batch';
  /** Formatted entries, one after the other (`ends[i]` is where entry i ends; empty: an entry --protocol leaves out). */
  bytes: Uint8Array;
  ends: Uint32Array;
  /** Per entry: EntryPosition's packet, phase and flowPacket. */
  keys: Float64Array;
  /** Every packet up to this one was handled: later entries come from later packets. */
  upTo: number;
  /** File bytes read, for the progress line. */
  bytesRead: number;
}

/** A shard's last message, after its last batch. */
export interface ShardDone {
  kind: 'done';
  /** Its flows' counters, and its packets' (the same in every shard). */
  stats: DissectStats;
  packetStats: DissectStats;
  warnings: Array<{ code: string; message: string }>;
}

export type ShardMessage = ShardBatch | ShardDone;

/**
 * An ndjson entry as a shard formats it: with an empty id, which the main thread fills as it puts
 * the entries in order (ids number entries in output order, as one engine would).
 */
export const IDLESS_PREFIX = '{"id":""';
