/**
 * What the dashboard reads of the hub's `GET /status` and `GET /targets` (docs/hub.md), and how
 * it loads both. A hub without a pod source answers `/targets` with 409: the workers then keep
 * the targets they were started with, which the page cannot list (`available: false`).
 */
import type { FeedStatus, HubStatus as HubStatusAnswer, QueryStatus as QueryStatusAnswer, TargetPod, TargetSelection, WorkerState, WorkerTargets } from '@shoal/model';
import { HubApiError, type HubApi } from './hub-api.js';

/** A worker in `/status`; the page does not read its run id or pod. */
export type WorkerStatus = Omit<WorkerState, 'run' | 'pod'>;

/** A query of `/status` (model/wire/status.ts); the page reads its filter and clients, the counts when there. */
export type QueryStatus = Pick<QueryStatusAnswer, 'filter' | 'clients'> & Partial<Pick<QueryStatusAnswer, 'id' | 'evaluated' | 'filtered'>>;

/** What the page reads of `/status` (model/wire/status.ts); `targeting` is absent from older hubs. */
export type HubStatus = Pick<HubStatusAnswer, 'up'> & {
  workers: WorkerStatus[];
  targeting?: boolean;
  feed: Pick<FeedStatus, 'clients' | 'delivered' | 'lost' | 'rejected' | 'late'> & { queries: QueryStatus[] };
};

/** The shapes of `GET /targets`, shared with the hub (model/wire/targets.ts). */
export type { TargetPod, TargetSelection, WorkerTargets };

export type TargetsInfo =
  | { available: true; selection: TargetSelection | null; pods: TargetPod[]; workers: Record<string, WorkerTargets> }
  /** The hub has no pod source (409): the workers capture what they were started with. */
  | { available: false; reason: string };

export interface HubSnapshot {
  status: HubStatus;
  targets: TargetsInfo;
}

export async function loadTargets(api: HubApi): Promise<TargetsInfo> {
  try {
    const body = (await api.get('/targets')) as Omit<Extract<TargetsInfo, { available: true }>, 'available'>;
    return { available: true, selection: body.selection, pods: body.pods, workers: body.workers };
  } catch (err) {
    if (err instanceof HubApiError && err.status === 409) return { available: false, reason: err.message };
    throw err;
  }
}

/** Why a hub that says `targeting: false` in /status has no /targets. */
export const NO_POD_SOURCE =
  'this hub has no pod source (a Kubernetes watch or an inventory file), so it cannot choose targets: the workers capture the targets they were started with';

/**
 * Loads /status, then /targets when the hub can choose targets. /status says so beforehand,
 * so the page does not ask a route that answers 409 (each refused request is an error line in
 * the browser's console); a hub that does not say is asked, and a 409 is remembered: a hub's
 * pod source is fixed at its start.
 */
export function snapshotLoader(api: HubApi): () => Promise<HubSnapshot> {
  let unavailable: TargetsInfo | undefined;
  return async () => {
    const status = (await api.get('/status')) as HubStatus;
    if (status.targeting === false) unavailable ??= { available: false, reason: NO_POD_SOURCE };
    const targets = unavailable ?? (await loadTargets(api));
    if (!targets.available) unavailable = targets;
    return { status, targets };
  };
}

/** Pods targeted per node, nodes in name order; pods without a node under ''. */
export function podsByNode(pods: readonly TargetPod[]): [string, TargetPod[]][] {
  const by = new Map<string, TargetPod[]>();
  for (const p of pods) {
    const list = by.get(p.node ?? '') ?? [];
    list.push(p);
    by.set(p.node ?? '', list);
  }
  for (const list of by.values()) list.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** Packets the kernels received and dropped, over the workers that reported them. */
export function packetTotals(workers: readonly WorkerStatus[]): { received: number; dropped: number } {
  let received = 0;
  let dropped = 0;
  for (const w of workers) {
    received += w.packets?.received ?? 0;
    dropped += w.packets?.dropped ?? 0;
  }
  return { received, dropped };
}
