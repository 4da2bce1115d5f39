import type { ServerResponse } from 'node:http';
import { isErrorEntry, type StatsAnswer, type TrafficCounts } from '@shoal/model';
import { walkHistory } from '../../history/history-walk.js';
import { rangeParams } from '../../history/range-params.js';
import type { HubHistory } from '../../history/hub-history.js';
import type { ViewScope } from '../../access/view-scope.js';
import { badRequest, sendJson } from '../http-util.js';

/** At most this many buckets per answer, so a tiny bucket over a long range cannot blow up. */
const MAX_BUCKETS = 10_000;

/**
 * GET /stats?q=&from=&to=&bucket=: entries per protocol per time bucket, from the workers'
 * history (history-walk.ts). Buckets start at `from` and are `bucket` ms wide (default: the
 * range in 60 buckets); empty buckets are listed too, so a chart needs no gap filling. The walk
 * goes through the hub's WalkGate: capped, and shared by the same question asked meanwhile.
 * Only the entries in the caller's scope count.
 */
export async function getStats(history: HubHistory, query: URLSearchParams, res: ServerResponse, scope: ViewScope): Promise<void> {
  const { q, from, to } = rangeParams(query, scope);
  const bucketText = query.get('bucket');
  const bucketMs = bucketText === null || bucketText === '' ? Math.max(1, Math.ceil((to - from) / 60)) : Number(bucketText);
  if (!Number.isFinite(bucketMs) || bucketMs <= 0) throw badRequest(`bucket= must be a width in milliseconds, got '${bucketText}'`);
  const count = Math.ceil((to - from) / bucketMs);
  if (count > MAX_BUCKETS) throw badRequest(`${count} buckets of ${bucketMs} ms: at most ${MAX_BUCKETS}; widen bucket= or narrow from=/to=`);
  const answer: StatsAnswer = await history.walks.run(`/stats\n${q}\n${from}\n${to}\n${bucketMs}`, async () => {
    const buckets = Array.from({ length: count }, (_, i) => ({ start: from + i * bucketMs, protocols: {} as Record<string, TrafficCounts> }));
    const walk = await walkHistory(history, q, from, to, (e) => {
      const bucket = buckets[Math.floor((e.timestamp - from) / bucketMs)];
      if (bucket === undefined) return;
      const c = (bucket.protocols[e.protocol.name] ??= { count: 0, bytes: 0, errors: 0 });
      c.count++;
      c.bytes += e.requestSize + e.responseSize;
      if (isErrorEntry(e)) c.errors++;
    });
    return { from, to, bucketMs, buckets, ...walk };
  });
  sendJson(res, 200, answer);
}
