import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint, ResolutionPatch, Workload } from '@shoal/model';
import { NameHistory, type NameClaim } from '../dist/names/index.js';

const web1: Workload = { name: 'web-1', pod: 'web-1', namespace: 'shop', node: 'node-a' };
const web2: Workload = { name: 'web-2', pod: 'web-2', namespace: 'shop', node: 'node-b' };
const dns: Workload = { name: 'kube-dns', service: 'kube-dns', namespace: 'kube-system' };

function table(entries: Record<string, Workload | NameClaim>): Map<string, NameClaim> {
  return new Map(Object.entries(entries).map(([k, v]) => [k, 'workload' in v ? v : { workload: v }]));
}

describe('NameHistory', () => {
  it('names an address as of a time: a reused IP keeps the old name for old timestamps', () => {
    const h = new NameHistory();
    h.reconcile(table({ '10.0.0.5': web1 }), 1000);
    h.reconcile(table({}), 2000);
    h.reconcile(table({ '10.0.0.5': web2 }), 3000);
    assert.equal(h.at('10.0.0.5', undefined, 999), undefined);
    assert.deepEqual(h.at('10.0.0.5', undefined, 1000), web1);
    assert.deepEqual(h.at('10.0.0.5', undefined, 1999), web1);
    assert.equal(h.at('10.0.0.5', undefined, 2500), undefined, 'nobody held it between the pods');
    assert.deepEqual(h.at('10.0.0.5', undefined, 3000), web2);
    assert.deepEqual(h.at('10.0.0.5', undefined, 9e12), web2, 'the current holder has no end');
  });

  it('a direct hand-over ends one interval where the next starts', () => {
    const h = new NameHistory();
    h.reconcile(table({ '10.0.0.5': web1 }), 1000);
    h.reconcile(table({ '10.0.0.5': web2 }), 2000);
    assert.deepEqual(h.at('10.0.0.5', 80, 1999), web1);
    assert.deepEqual(h.at('10.0.0.5', 80, 2000), web2);
  });

  it('a port-specific name wins over the IP, and a port without one falls back to the IP', () => {
    const h = new NameHistory();
    const web1AsService = { ...web1, service: 'web' };
    h.reconcile(table({ '10.0.0.5': web1, '10.0.0.5:8080': web1AsService, '[fd00::5]:53': dns }), 1000);
    assert.deepEqual(h.at('10.0.0.5', 8080, 1500), web1AsService);
    assert.deepEqual(h.at('10.0.0.5', 9999, 1500), web1);
    assert.deepEqual(h.at('fd00::5', 53, 1500), dns);
  });

  it('emits upserts and removals as the current view changes, nothing when it does not', () => {
    const h = new NameHistory();
    const patches: ResolutionPatch[] = [];
    const off = h.onPatch((p) => patches.push(p));
    h.reconcile(table({ '10.0.0.5': web1, '10.96.0.10': dns }), 1000);
    h.reconcile(table({ '10.0.0.5': web1, '10.96.0.10': dns }), 1100);
    h.reconcile(table({ '10.0.0.5': web2 }), 1200);
    off();
    h.reconcile(table({}), 1300);
    assert.deepEqual(patches, [
      { upsert: { '10.0.0.5': web1, '10.96.0.10': dns } },
      { upsert: { '10.0.0.5': web2 }, remove: ['10.96.0.10'] },
    ]);
    assert.deepEqual(h.snapshot(), {});
  });

  it('the snapshot is the whole current table, for a worker that just connected', () => {
    const h = new NameHistory();
    h.reconcile(table({ '10.0.0.5': web1, '10.96.0.10': dns }), 1000);
    h.reconcile(table({ '10.0.0.5': web2, '10.96.0.10': dns }), 2000);
    assert.deepEqual(h.snapshot(), { '10.0.0.5': web2, '10.96.0.10': dns });
  });

  it('a first holder known to be older than the hub names from its creation, never before the previous holder left', () => {
    const h = new NameHistory();
    h.reconcile(table({ '10.0.0.5': { workload: web1, sinceMs: 500 } }), 1000);
    assert.deepEqual(h.at('10.0.0.5', undefined, 600), web1);
    h.reconcile(table({}), 2000);
    h.reconcile(table({ '10.0.0.5': { workload: web2, sinceMs: 1500 } }), 3000);
    assert.deepEqual(h.at('10.0.0.5', undefined, 1800), web1, 'the old pod still held it then');
    assert.deepEqual(h.at('10.0.0.5', undefined, 2500), web2);
  });

  it('forgets intervals that ended longer ago than the retention, and only those', () => {
    const now = { ms: 0 };
    const h = new NameHistory({ retentionMs: 10_000, now: () => now.ms });
    h.reconcile(table({ '10.0.0.5': web1, '10.0.0.6': web2 }), 1000);
    h.reconcile(table({ '10.0.0.6': web2 }), 2000);
    h.reconcile(table({ '10.0.0.6': web2, '10.0.0.5': web2 }), 5000);
    assert.deepEqual(h.size, { addresses: 2, intervals: 3 });
    assert.equal(h.prune(11_999), 0);
    assert.deepEqual(h.at('10.0.0.5', undefined, 1500), web1);
    assert.equal(h.prune(12_000), 1);
    assert.equal(h.at('10.0.0.5', undefined, 1500), undefined);
    assert.deepEqual(h.at('10.0.0.5', undefined, 6000), web2, 'current intervals are never pruned');
    assert.deepEqual(h.size, { addresses: 2, intervals: 2 });
  });

  it('memory stays bounded under churn: a reused IP keeps only the intervals within the retention', () => {
    const h = new NameHistory({ retentionMs: 100 });
    for (let t = 0; t < 5000; t += 10) h.reconcile(table({ '10.0.0.5': { ...web1, pod: `p${t}`, name: `p${t}` } }), t);
    assert.ok(h.size.intervals <= 12, `kept ${h.size.intervals} intervals`);
    assert.equal(h.at('10.0.0.5', undefined, 4995)?.pod, 'p4990');
  });

  it('fills, at delivery, the endpoints a worker could not name, with the name of the entry\'s time', () => {
    const h = new NameHistory();
    h.reconcile(table({ '10.0.0.5': web1 }), 1000);
    h.reconcile(table({ '10.0.0.5': web2 }), 2000);
    const unnamed: Endpoint = { ip: '10.0.0.5', port: 80 };
    assert.equal(h.fillEndpoint(unnamed, 1500), true);
    assert.deepEqual(unnamed, { ip: '10.0.0.5', port: 80, ...web1 });
    const named: Endpoint = { ip: '10.0.0.5', port: 80, name: 'seen-by-worker', pod: 'seen-by-worker' };
    assert.equal(h.fillEndpoint(named, 2500), false);
    assert.equal(named.pod, 'seen-by-worker');
    const unknown: Endpoint = { ip: '10.9.9.9', port: 80 };
    assert.equal(h.fillEndpoint(unknown, 2500), false);
    assert.deepEqual(unknown, { ip: '10.9.9.9', port: 80 });
  });

  it('a worker that takes the snapshot, then applies each patch, holds the current table after any churn', () => {
    const h = new NameHistory();
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const churn = () => {
      const t = new Map<string, NameClaim>();
      for (let i = 0; i < 20; i++) if (random(3) > 0) t.set(`10.0.0.${i}`, { workload: random(2) === 0 ? web1 : web2 });
      return t;
    };
    h.reconcile(churn(), 0);
    const worker = new Map(Object.entries(h.snapshot()));
    h.onPatch((p) => {
      for (const [k, w] of Object.entries(p.upsert ?? {})) worker.set(k, w);
      for (const k of p.remove ?? []) worker.delete(k);
    });
    for (let step = 1; step <= 200; step++) {
      h.reconcile(churn(), step);
      assert.deepEqual(Object.fromEntries(worker), h.snapshot(), `after step ${step}`);
    }
  });
});
