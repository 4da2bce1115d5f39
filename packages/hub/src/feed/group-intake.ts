import type { CompiledFilter } from '@shoal/filter';
import type { Entry } from '@shoal/model';
import type { NameLookup } from '../names.js';
import type { CopyFreeMerge } from './copy-free-merge.js';
import { fillNames } from './fill-names.js';

/** Counters of every group, for /metrics. */
export interface GroupCounters {
  /** Entries a worker sent that failed the hub's own check of the filter. */
  rejected: number;
  late: number;
  /** Entries of a call another node's worker had already given (cross-node-copies.ts). */
  copies: number;
}

/**
 * A worker's entry on its way into a group's merge, live or replayed alike. The workers
 * evaluated the filter (push-down); the hub checks again, so a worker of an older version, or
 * one that misread the filter, cannot show a dashboard what it did not ask for. Names come
 * first: whether a call crossed nodes is read from its ends' nodes.
 */
export function intake(entry: Entry, filter: CompiledFilter, names: NameLookup | undefined, merge: CopyFreeMerge, counters: GroupCounters): void {
  if (!filter.matches(entry)) {
    counters.rejected++;
    return;
  }
  if (names !== undefined) fillNames(entry, names);
  const late = merge.late;
  merge.push(entry);
  counters.late += merge.late - late;
}
