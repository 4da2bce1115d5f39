import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTrafficStats, formatShare, type StatsJson } from '../src/domain/traffic-stats.js';

// The shape of the hub's answer (docs/hub.md, GET /stats).
const ANSWER: StatsJson = {
  from: 1796150000000,
  to: 1796150180000,
  bucketMs: 60000,
  buckets: [
    { start: 1796150000000, protocols: { http: { count: 6, bytes: 6000, errors: 1 }, redis: { count: 2, bytes: 80, errors: 0 } } },
    { start: 1796150060000, protocols: {} },
    { start: 1796150120000, protocols: { http: { count: 2, bytes: 2000, errors: 1 } } },
  ],
  entries: 10,
  truncated: false,
  unavailable: {},
};

describe('buildTrafficStats', () => {
  const stats = buildTrafficStats(ANSWER);

  it('sums each protocol over the buckets, busiest first, with its share', () => {
    assert.deepEqual(stats.total, { count: 10, bytes: 8080, errors: 2 });
    assert.deepEqual(stats.protocols, [
      { protocol: 'http', count: 8, bytes: 8000, errors: 2, share: 0.8 },
      { protocol: 'redis', count: 2, bytes: 80, errors: 0, share: 0.2 },
    ]);
  });

  it('totals each bucket, empty ones included, with the count of each protocol', () => {
    assert.deepEqual(
      stats.buckets.map((b) => [b.count, b.errors, b.bytes]),
      [
        [8, 1, 6080],
        [0, 0, 0],
        [2, 1, 2000],
      ],
    );
    assert.deepEqual(stats.buckets[0]!.byProtocol, { http: 6, redis: 2 });
  });

  it('prints shares', () => {
    assert.equal(formatShare(0.8), '80.0 %');
    assert.equal(formatShare(0.00001), '< 0.1 %');
    assert.equal(formatShare(0), '0.0 %');
  });
});
