/**
 * A stream id's number is the capture's number of the flow's first packet (entry-factory.ts), so
 * cutting the same traffic into other segments renumbers the streams. Comparisons of such variants
 * name each stream by its rank instead: 1 for the flow that opened first, per transport.
 */

import type { Entry } from '@shoal/model';

/** `worker/layer4/n` → its number n. */
export const streamNumber = (e: Entry): number => Number(e.stream.slice(e.stream.lastIndexOf('/') + 1));

/** For each stream id of `entries`, its 0-based rank among the streams of its transport. */
export function streamRanks(entries: readonly Entry[]): Map<string, number> {
  const byTransport = new Map<string, Set<string>>();
  for (const e of entries) {
    const transport = e.stream.slice(0, e.stream.lastIndexOf('/'));
    let ids = byTransport.get(transport);
    if (ids === undefined) byTransport.set(transport, (ids = new Set()));
    ids.add(e.stream);
  }
  const ranks = new Map<string, number>();
  for (const ids of byTransport.values()) {
    [...ids].sort((a, b) => Number(a.slice(a.lastIndexOf('/') + 1)) - Number(b.slice(b.lastIndexOf('/') + 1))).forEach((id, i) => ranks.set(id, i));
  }
  return ranks;
}

/** `entries` with each stream renamed `worker/layer4/<rank + 1>`. */
export function rankedStreams(entries: readonly Entry[]): Entry[] {
  const ranks = streamRanks(entries);
  return entries.map((e) => ({ ...e, stream: `${e.stream.slice(0, e.stream.lastIndexOf('/'))}/${ranks.get(e.stream)! + 1}` }));
}
