/**
 * GET/PUT /targets: a selection (pod regex, namespaces, excluded namespaces) becomes each real
 * worker's target list (the selected pods on its node), pushed again when the pods change.
 * The pods come from a fixed list behind the PodDirectory interface: the Kubernetes watch and
 * the inventory that implement it live in the names module.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pod } from '../dist/index.js';
import { FixedPods } from './helpers/fixed-pods.js';
import { waitFor } from '@shoal/testkit';
import { allUp, getJson, startCluster, type Cluster, type Json } from './helpers/cluster.js';

const PODS: Pod[] = [
  { name: 'web-1', namespace: 'shop', ip: '127.0.0.2', node: 'node-a' },
  { name: 'db-0', namespace: 'shop', ip: '127.0.0.3', node: 'node-a' },
  { name: 'web-2', namespace: 'shop', ip: '127.0.0.4', node: 'node-b' },
  { name: 'web-dns', namespace: 'kube-system', ip: '127.0.0.5', node: 'node-b' },
];

async function put(base: string, body: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}/targets`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** The pods a worker captures now, from its own /stats. */
async function workerTargets(c: Cluster, index: number): Promise<string[]> {
  const stats = (await getJson(`http://127.0.0.1:${c.workers[index]!.port}`, '/stats', { authorization: `Bearer ${c.token}` })).body;
  return stats.capture.captures.flatMap((cap: Json) => cap.targets).sort();
}

describe('hub /targets', () => {
  let c: Cluster;
  const pods = new FixedPods(PODS);
  before(async () => {
    c = await startCluster(['node-a', 'node-b'], { pods });
    await allUp(c);
  });
  after(async () => c.close());

  it('gives each worker the selected pods on its node', async () => {
    assert.equal((await getJson(c.hubBase, '/status')).body.targeting, true);
    const r = await put(c.hubBase, { podRegex: '^web-', excludedNamespaces: ['kube-system'] });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.pods.map((p: Json) => p.name), ['web-1', 'web-2']);
    assert.equal(r.body.workers['node-a'].targets, 1);
    assert.equal(r.body.workers['node-a'].error, null);
    assert.equal(r.body.workers['node-a'].pending, false, 'landed before the answer');
    assert.deepEqual(await workerTargets(c, 0), ['shop/web-1']);
    assert.deepEqual(await workerTargets(c, 1), ['shop/web-2']);
    const got = await getJson(c.hubBase, '/targets');
    assert.deepEqual(got.body.selection, { podRegex: '^web-', namespaces: [], excludedNamespaces: ['kube-system'] });
  });

  it('pushes again when the pods change', async () => {
    pods.replace([...PODS, { name: 'web-3', namespace: 'shop', ip: '127.0.0.6', node: 'node-a' }]);
    let seen: string[] = [];
    await waitFor(() => `node-a to capture 2 pods (it captures ${seen})`, async () => (seen = await workerTargets(c, 0)).length === 2);
    assert.deepEqual(seen, ['shop/web-1', 'shop/web-3']);
  });

  it('refuses a regex that does not compile, keeping the selection', async () => {
    const r = await put(c.hubBase, { podRegex: '(' });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'HUB_ERR_BAD_REQUEST');
    assert.match(r.body.error.message, /podRegex/);
    assert.equal((await getJson(c.hubBase, '/targets')).body.selection.podRegex, '^web-');
  });

  it('refuses what RE2 does not have (backreferences, lookaround), saying where', async () => {
    const backreference = await put(c.hubBase, { podRegex: '^(web)-\\1' });
    assert.equal(backreference.status, 400);
    assert.equal(backreference.body.error.code, 'HUB_ERR_BAD_REQUEST');
    assert.equal(
      backreference.body.error.message,
      'podRegex is not an RE2 regular expression: `\\1` is a backreference, which RE2 does not have (it matches in linear time) (at character 8 of the pattern)',
    );
    const lookahead = await put(c.hubBase, { podRegex: 'web-(?!2)' });
    assert.equal(lookahead.status, 400);
    assert.match(lookahead.body.error.message, /^podRegex is not an RE2 regular expression: `\(\?!` is a lookahead.*\(at character 5 of the pattern\)$/);
    assert.equal((await getJson(c.hubBase, '/targets')).body.selection.podRegex, '^web-');
  });

  it('selects with RE2 syntax (an inline flag, which JavaScript refuses)', async () => {
    const r = await put(c.hubBase, { podRegex: '(?i)^WEB-\\d$', excludedNamespaces: ['kube-system'] });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.pods.map((p: Json) => p.name), ['web-1', 'web-2', 'web-3']);
  });
});

describe('hub /targets without a pod source', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster(['node-a']);
  });
  after(async () => c.close());

  it('answers 409 and leaves the workers\' targets alone', async () => {
    const r = await put(c.hubBase, { podRegex: '.*' });
    assert.equal(r.status, 409);
    assert.match(r.body.error.message, /no pod source/);
    const status = await (await fetch(`${c.hubBase}/status`)).json();
    assert.equal(status.targeting, false, '/status says so beforehand');
  });
});
