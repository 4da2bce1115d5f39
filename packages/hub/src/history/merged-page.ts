import type { Entry } from '@shoal/model';
import { callKey, COPY_TOLERANCE_MS, mayHaveCopy } from '../feed/cross-node-copies.js';
import { HistoryCopies } from './history-copies.js';
import type { HistoryMerge } from './history-merge.js';

/**
 * Steps of the merge one page may take. Each asks the workers standing at the frontier once
 * more, and each of those reads at most its examine cap (5,000 entries by default, docs/api.md):
 * this bounds a page's work when a selective filter finds little, and the client goes on with
 * `next`.
 */
export const ROUNDS_PER_PAGE = 4;
/** Extra pages a page may ask of the workers to see just below its end, for the copies of its calls. */
const CONTEXT_ROUNDS = 4;

const newestFirst = (a: Entry, b: Entry): number => b.timestamp - a.timestamp;

/**
 * One page of the hub's GET /entries from `merge`: at least `limit` entries when the history
 * has them (all of the last timestamp's group, so perhaps more), fewer when ROUNDS_PER_PAGE
 * steps did not find as many, and `next`, the time every entry from which on was given
 * (wire/history.ts). Copies of a call captured on two nodes are left out as on the live feed.
 */
export async function mergedPage(merge: HistoryMerge, limit: number): Promise<{ entries: Entry[]; next: number | null }> {
  let page: Entry[] = [];
  /** Released, but beyond the page's end. */
  let beyond: Entry[] = [];
  let end: number;
  for (let round = 1; ; round++) {
    page = page.concat(await merge.step());
    if (page.length >= limit) {
      // The page ends after the whole group of the limit-th entry's timestamp, never inside it.
      const last = page[limit - 1]!.timestamp;
      let cut = limit;
      while (cut < page.length && page[cut]!.timestamp === last) cut++;
      if (cut < page.length) {
        beyond = page.slice(cut);
        page = page.slice(0, cut);
        end = last;
        break;
      }
    }
    if (page.length >= limit || round >= ROUNDS_PER_PAGE || merge.frontier === -Infinity) {
      end = merge.frontier;
      break;
    }
  }
  return { entries: await withoutCopies(merge, page, beyond), next: end === -Infinity ? null : end };
}

/**
 * `page` without the copies of calls captured on two nodes. The copy kept is the earlier one,
 * so a call near the page's end may have its kept copy below it, on the next page: while a
 * call has no copy among the entries at hand, the workers not read down to COPY_TOLERANCE_MS
 * below it are asked for one more page (at most CONTEXT_ROUNDS), then the calls are decided
 * with what is there.
 */
async function withoutCopies(merge: HistoryMerge, page: Entry[], beyond: Entry[]): Promise<Entry[]> {
  const candidates = page.filter(mayHaveCopy);
  if (candidates.length === 0) return page;
  let below = beyond.concat(merge.unreleased());
  for (let round = 0; round < CONTEXT_ROUNDS; round++) {
    const floor = Math.min(...unpaired(candidates, page.concat(below)).map((e) => e.timestamp)) - COPY_TOLERANCE_MS;
    if (!merge.short(floor)) break;
    await merge.reach(floor);
    below = beyond.concat(merge.unreleased());
  }
  const kept = new Set<Entry>();
  const copies = new HistoryCopies((e) => kept.add(e));
  for (const e of page.concat(below).sort(newestFirst)) copies.push(e);
  copies.flush();
  return page.filter((e) => kept.has(e));
}

/** The `candidates` with no entry of the same call from another worker within COPY_TOLERANCE_MS in `seen`. */
function unpaired(candidates: Entry[], seen: Entry[]): Entry[] {
  const byCall = new Map<string, Entry[]>();
  for (const e of seen) {
    if (!mayHaveCopy(e)) continue;
    const key = callKey(e);
    byCall.set(key, [...(byCall.get(key) ?? []), e]);
  }
  return candidates.filter((x) => !byCall.get(callKey(x))!.some((y) => y.worker !== x.worker && Math.abs(x.timestamp - y.timestamp) <= COPY_TOLERANCE_MS));
}
