/**
 * `GET /status` of the hub (docs/hub.md documents every field; keep the two in step): the hub
 * writes it, the dashboard and the CLI read it. No Node-only import.
 */

import type { TracerSummary } from './tracer.js';

/** One worker in `GET /status`. */
export interface WorkerState {
  name: string;
  url: string;
  up: boolean;
  /** Epoch ms of the transition to down; null while up (and before the first poll). */
  downSince: number | null;
  lastError: string | null;
  /** Epoch ms of the last successful poll. */
  lastSeen: number | null;
  /** From the worker's /health: false while one of its captures is not running. */
  capturing: boolean | null;
  capture: { requested: string; backends: string[] } | null;
  packets: { received: number; dropped: number } | null;
  store: { bytes: number; entries: number } | null;
  /** The worker's run id: a new one means it restarted. */
  run: string | null;
  /** `namespace/name` of the worker pod the hub found it from; null for one given by `--workers`. */
  pod: string | null;
  /** Its TLS tracer (from its /stats); null before the first poll, or from a worker without one. */
  tls: TracerSummary | null;
}

/** The push of a worker's name table (docs/hub.md, Name tables). */
export interface NamePushState {
  /** Epoch ms of the last push the worker accepted; null before. */
  pushedAt: number | null;
  /** Why the last push failed (it is retried); null once the worker has the current table. */
  error: string | null;
  /** The worker does not have the current table yet (a push is under way or waits for a retry). */
  pending: boolean;
}

/** One query of the hub's live feed: its shared group. */
export interface QueryStatus {
  /** Sent in the stream's `ready` too: how a page finds its own query. */
  id: string;
  filter: string;
  clients: number;
  /** Entries the workers' filters tested for this query, and those that did not match. */
  evaluated: number;
  filtered: number;
}

/** The hub's live feed: its clients, queries and counters. */
export interface FeedStatus {
  clients: number;
  /** The merge's reorder window (`--merge-window`). */
  windowMs: number;
  queries: QueryStatus[];
  /** Replays running now (`--max-replays`). */
  replays: number;
  delivered: number;
  lost: number;
  rejected: number;
  late: number;
  copies: number;
}

export interface HubStatus {
  /** Each worker, with its name table's state when the hub pushes names. */
  workers: (WorkerState & { names?: NamePushState })[];
  up: number;
  /** The hub has a pod source: `/targets` answers (409 otherwise). */
  targeting: boolean;
  feed: FeedStatus;
}
