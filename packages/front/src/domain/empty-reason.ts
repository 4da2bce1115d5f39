/**
 * Why the feed shows nothing. An empty page with no word is what users of the incumbent
 * complain about most ("no data in the UI" while pods run): the page always names the first
 * reason that holds, from the hub down to the query.
 */
import type { StreamState } from './hub-stream.js';
import type { HubStatus, TargetsInfo, WorkerStatus } from './hub-status.js';

export type EmptyReason =
  /** The hub cannot be reached (the stream is down, or never came up). */
  | { kind: 'no-hub'; reason: string }
  /** The hub refused the query. */
  | { kind: 'bad-filter'; message: string }
  /** Connecting, and the hub's state not known yet: nothing to say but that. */
  | { kind: 'loading' }
  /** No worker answers: each down one with why. */
  | { kind: 'no-workers'; workers: Pick<WorkerStatus, 'name' | 'lastError' | 'downSince'>[] }
  /** A target selection is set and selects no pod. */
  | { kind: 'no-targets'; podRegex: string; namespaces: string[]; excludedNamespaces: string[] }
  /** The query turned down every entry it was tested on. */
  | { kind: 'no-match'; filter: string; examined: number; rejected: number }
  /** Workers up, pods targeted (or the workers' own targets), no entry yet. */
  | { kind: 'no-traffic'; workersUp: number; pods: number | undefined };

export interface EmptyInputs {
  stream: StreamState;
  /** The last /status; undefined before the first answer. */
  status: HubStatus | undefined;
  targets: TargetsInfo | undefined;
  /** Why the last /status poll failed, if it did. */
  statusError: string | undefined;
  filter: string;
  /** What the history pages read for this query: entries tested and entries that matched. */
  history: { examined: number; matched: number };
}

/** Live entries the workers' filters tested and turned down for the page's own query. */
function liveCounts(status: HubStatus | undefined, stream: StreamState): { evaluated: number; filtered: number } {
  if (status === undefined || stream.kind !== 'live' || stream.query === undefined) return { evaluated: 0, filtered: 0 };
  const mine = status.feed.queries.find((q) => q.id === stream.query);
  return { evaluated: mine?.evaluated ?? 0, filtered: mine?.filtered ?? 0 };
}

export function emptyReason(inputs: EmptyInputs): EmptyReason {
  const { stream, status, targets } = inputs;
  if (stream.kind === 'rejected') return { kind: 'bad-filter', message: stream.error.message };
  if (stream.kind === 'disconnected') return { kind: 'no-hub', reason: stream.reason };
  // A second attempt means the first failed: the hub was never reached (or is gone again).
  if (stream.kind === 'connecting' && stream.attempt > 1) return { kind: 'no-hub', reason: inputs.statusError ?? 'the hub does not answer' };
  if (status === undefined) {
    if (inputs.statusError !== undefined && stream.kind !== 'live') return { kind: 'no-hub', reason: inputs.statusError };
    return { kind: 'loading' };
  }
  const up = status.workers.filter((w) => w.up);
  if (up.length === 0) {
    return { kind: 'no-workers', workers: status.workers.map((w) => ({ name: w.name, lastError: w.lastError, downSince: w.downSince })) };
  }
  if (targets?.available === true && targets.selection !== null && targets.pods.length === 0) {
    return { kind: 'no-targets', ...targets.selection };
  }
  const live = liveCounts(status, stream);
  const examined = inputs.history.examined + live.evaluated;
  const rejected = inputs.history.examined - inputs.history.matched + live.filtered;
  if (inputs.filter.trim() !== '' && rejected > 0) return { kind: 'no-match', filter: inputs.filter, examined, rejected };
  const pods = targets?.available === true && targets.selection !== null ? targets.pods.length : undefined;
  return { kind: 'no-traffic', workersUp: up.length, pods };
}
