import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HubApi } from '../src/domain/hub-api.js';
import { NO_POD_SOURCE, packetTotals, podsByNode, snapshotLoader } from '../src/domain/hub-status.js';

describe('hub status helpers', () => {
  it('groups targeted pods by node, and sums the kernels’ packet counters', () => {
    const pods = [
      { name: 'b', namespace: 'shop', ip: '1', node: 'node-b' },
      { name: 'z', namespace: 'shop', ip: '2', node: 'node-a' },
      { name: 'a', namespace: 'db', ip: '3', node: 'node-a' },
    ];
    assert.deepEqual(podsByNode(pods).map(([n, ps]) => [n, ps.map((p) => p.name)]), [['node-a', ['a', 'z']], ['node-b', ['b']]]);
    const w = (received: number, dropped: number) => ({ packets: { received, dropped } }) as never;
    assert.deepEqual(packetTotals([w(10, 1), w(5, 0), { packets: null } as never]), { received: 15, dropped: 1 });
  });
});

describe('snapshotLoader', () => {
  it('asks /targets once when the hub has no pod source (409), /status every time', async () => {
    const asked: string[] = [];
    const api = new HubApi(async (url) => {
      asked.push(url);
      if (url.endsWith('/targets')) return { ok: false, status: 409, json: async () => ({ error: { code: 'HUB_ERR_BAD_REQUEST', message: 'this hub has no pod source' } }) };
      return { ok: true, status: 200, json: async () => ({ workers: [], up: 0, feed: { clients: 0, queries: [], delivered: 0, lost: 0, rejected: 0, late: 0 } }) };
    }, '/api');
    const load = snapshotLoader(api);
    const first = await load();
    await load();
    assert.deepEqual(first.targets, { available: false, reason: 'this hub has no pod source' });
    assert.deepEqual(asked, ['/api/status', '/api/targets', '/api/status']);
  });
});

describe('snapshotLoader with a hub that says it cannot target', () => {
  it('never asks /targets', async () => {
    const asked: string[] = [];
    const api = new HubApi(async (url) => {
      asked.push(url);
      return { ok: true, status: 200, json: async () => ({ workers: [], up: 0, targeting: false, feed: { clients: 0, queries: [], delivered: 0, lost: 0, rejected: 0, late: 0 } }) };
    }, '/api');
    const load = snapshotLoader(api);
    assert.deepEqual((await load()).targets, { available: false, reason: NO_POD_SOURCE });
    await load();
    assert.deepEqual(asked, ['/api/status', '/api/status']);
  });
});
