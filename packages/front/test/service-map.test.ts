import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildServiceMap, groupLabel, type ServiceMapJson } from '../src/domain/service-map.js';

// The shape of the hub's answer (docs/hub.md, GET /servicemap).
const ANSWER: ServiceMapJson = {
  from: 1796150000000,
  to: 1796150120000,
  nodes: [
    { id: 'shop/web-1', name: 'web-1', namespace: 'shop', kind: 'pod', node: 'node-a' },
    { id: 'shop/api', name: 'api', namespace: 'shop', kind: 'service', node: null },
    { id: 'cache/redis-0', name: 'redis-0', namespace: 'cache', kind: 'pod', node: 'node-b' },
    { id: '10.0.0.7', name: '10.0.0.7', namespace: null, kind: 'ip' },
  ],
  edges: [
    { source: 'shop/web-1', target: 'shop/api', protocol: 'http', count: 180, bytes: 412330, errors: 9, p50Ms: 1.8, p95Ms: 12.4 },
    { source: 'shop/web-1', target: 'cache/redis-0', protocol: 'redis', count: 40, bytes: 5000, errors: 0, p50Ms: 0.2, p95Ms: 0.9 },
    { source: '10.0.0.7', target: 'shop/web-1', protocol: 'http', count: 20, bytes: 100, errors: 0, p50Ms: 3, p95Ms: 4 },
  ],
  entries: 240,
  truncated: false,
  unavailable: {},
};

describe('buildServiceMap', () => {
  it('groups workloads by namespace or by node, and computes error rates', () => {
    const byNs = buildServiceMap(ANSWER, 'namespace', new Set());
    assert.deepEqual(
      byNs.nodes.map((n) => [n.id, n.group]),
      [
        ['shop/web-1', 'shop'],
        ['shop/api', 'shop'],
        ['cache/redis-0', 'cache'],
        ['10.0.0.7', ''],
      ],
    );
    const byNode = buildServiceMap(ANSWER, 'node', new Set());
    assert.deepEqual(
      byNode.nodes.map((n) => n.group),
      ['node-a', '', 'node-b', ''],
    );
    assert.equal(byNs.edges[0]!.errorRate, 0.05);
    assert.equal(byNs.edges[0]!.id, 'shop/web-1→shop/api/http');
  });

  it('lists every protocol in the legend, busiest first, and hides the edges of hidden ones', () => {
    const view = buildServiceMap(ANSWER, 'namespace', new Set(['redis']));
    assert.deepEqual(view.legend, [
      { protocol: 'http', count: 200, hidden: false },
      { protocol: 'redis', count: 40, hidden: true },
    ]);
    assert.deepEqual(
      view.edges.map((e) => e.protocol),
      ['http', 'http'],
    );
    assert.equal(view.hiddenEdges, 1);
    assert.ok(!view.nodes.some((n) => n.id === 'cache/redis-0'), 'a workload with only hidden edges is left out');
  });

  it('names the group of the unnamed', () => {
    assert.match(groupLabel('', 'namespace'), /no namespace/);
    assert.equal(groupLabel('shop', 'namespace'), 'shop');
  });
});
