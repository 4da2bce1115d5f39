import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HubApi } from '../src/domain/hub-api.js';
import { loadServiceMap, loadStats } from '../src/domain/window-loads.js';

const W = { from: 1_000_000, to: 1_900_000, live: true };

/** A hub that answers from `routes` by path, and records what was asked. */
function fakeHub(routes: Record<string, (p: URLSearchParams) => unknown>): { api: HubApi; asked: string[] } {
  const asked: string[] = [];
  const api = new HubApi(async (url) => {
    asked.push(url);
    const u = new URL(url, 'http://hub');
    const body = routes[u.pathname.replace('/api', '')]!(u.searchParams);
    return { ok: true, status: 200, json: async () => body };
  }, '/api');
  return { api, asked };
}

const emptyMap = { from: W.from, to: W.to, nodes: [], edges: [], entries: 0, truncated: false, unavailable: {} };

describe('window loads', () => {
  it('ask /servicemap for the query and window, and nothing more when it has edges', async () => {
    const edge = { source: 'a', target: 'b', protocol: 'http', count: 1, bytes: 1, errors: 0, p50Ms: 1, p95Ms: 1 };
    const { api, asked } = fakeHub({ '/servicemap': () => ({ ...emptyMap, edges: [edge], entries: 1 }) });
    const answer = await loadServiceMap(api, 'http', W);
    assert.equal(answer.empty, undefined);
    assert.deepEqual(asked, ['/api/servicemap?q=http&from=1000000&to=1900000']);
  });

  it('say that the query matches nothing when the window holds other entries', async () => {
    const { api, asked } = fakeHub({
      '/servicemap': () => emptyMap,
      '/stats': (p) => ({ entries: p.get('q') === '' ? 42 : 0, buckets: [] }),
      '/entries': () => ({ entries: [{ id: 'x', timestamp: 1_800_000 }], next: null }),
    });
    const answer = await loadServiceMap(api, 'dns', W);
    assert.match(answer.empty!.text, /42 entries in the window, none match/);
    assert.ok(asked.includes('/api/stats?q=&from=1000000&to=1900000&bucket=900000'), asked.join(' '));
  });

  it('ask /stats in round buckets, and point at the newest stored traffic when the window is empty', async () => {
    const { api, asked } = fakeHub({
      '/stats': () => ({ from: W.from, to: W.to, bucketMs: 15_000, buckets: [], entries: 0, truncated: false, unavailable: {} }),
      '/entries': () => ({ entries: [{ id: 'x', timestamp: 500_000 }], next: null }),
    });
    const answer = await loadStats(api, '', W);
    assert.equal(asked[0], '/api/stats?q=&from=1000000&to=1900000&bucket=15000');
    assert.deepEqual(answer.empty, { text: 'No traffic in the last 15 minutes.', suggest: { from: 501_000 - 900_000, to: 501_000 } });
  });
});
