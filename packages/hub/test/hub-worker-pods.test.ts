/*
 * `--kubernetes` finds the workers: the hub watches pods through the official
 * @kubernetes/client-node against a test API server (no API server can run here; the one of
 * @shoal/testkit/k8s speaks the real list and chunked-watch JSON, resourceVersions, 410
 * Gone), and connects to REAL workers (@shoal/worker, in this process) listening at the pod
 * IPs, which are loopback addresses 127.0.0.x on one port, as worker pods share one port. The
 * steps build on each other: pods appear, turn not Ready, are replaced, deleted, and changed
 * behind a watch that then expires.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { DEFAULT_WORKER_LABELS, parseLabelSelector, startHub, startHubNames, type HubNames, type RunningHub } from '../dist/index.js';
import { waitFor } from '@shoal/testkit';
import { K8sTestApiServer, node, pod } from '@shoal/testkit/k8s';
import { FIXTURES, getJson, TestWorker, type Json } from './helpers/cluster.js';
import { FeedSocket } from './helpers/feed-socket.js';

const NAMESPACE = 'shoal';
const WORKER_LABELS = parseLabelSelector(DEFAULT_WORKER_LABELS);

/** A worker pod of the DaemonSet on `nodeName`, created at `created`. */
function workerPod(name: string, ip: string, nodeName: string, options: { ready?: boolean; created?: string } = {}) {
  return pod(name, ip, { namespace: NAMESPACE, node: nodeName, labels: { ...WORKER_LABELS, 'controller-revision-hash': 'abc' }, ...options });
}

describe('hub --kubernetes: workers found by watching the worker pods', { timeout: 90_000 }, () => {
  let api: K8sTestApiServer;
  let names: HubNames;
  let hub: RunningHub;
  let root: string;
  let token: string;
  let port: number;
  const workers: TestWorker[] = [];
  let client: FeedSocket;

  /** A real worker for `nodeName` listening at `ip` on the shared worker port. */
  async function startWorker(nodeName: string, ip: string, dir: string): Promise<TestWorker> {
    const w = new TestWorker(nodeName, join(root, dir), join(root, 'worker-token'), ip);
    w.port = port;
    await w.start();
    workers.push(w);
    return w;
  }

  const status = async (): Promise<Json[]> => (await getJson(`http://127.0.0.1:${hub.port}`, '/status')).body.workers;
  const byName = async (name: string): Promise<Json | undefined> => (await status()).find((w: Json) => w.name === name);
  const upAt = (name: string, ip: string) => () => hub.registry.get(name)?.up === true && hub.registry.get(name)?.base === `http://${ip}:${port}`;
  const fromNode = (name: string) => client.entries.filter((e) => e.worker === name).length;

  before(async () => {
    root = fs.mkdtempSync(join(tmpdir(), 'shoal-hub-pods-'));
    token = `worker-secret-${process.pid}`;
    fs.writeFileSync(join(root, 'worker-token'), `${token}\n`, { mode: 0o600 });
    // The first worker picks the port; the others listen on the same port at their own address.
    const first = new TestWorker('node-a', join(root, 'a'), join(root, 'worker-token'), '127.0.0.2');
    await first.start();
    workers.push(first);
    port = first.port;
    const fixed = new TestWorker('static-node', join(root, 'static'), join(root, 'worker-token'));
    await fixed.start();
    workers.push(fixed);

    api = await K8sTestApiServer.start();
    ['node-a', 'node-b', 'node-c', 'static-node'].forEach((n, i) => api.put('nodes', node(n, `192.168.1.${10 + i}`)));
    api.put('pods', pod('web-1', '10.244.1.5', { labels: { app: 'web' } }));
    names = await startHubNames({ kubernetes: api.kubeConfig() }, pino({ level: 'silent' }));
    hub = await startHub({
      port: 0,
      host: '127.0.0.1',
      workers: [{ name: 'static-node', host: '127.0.0.1', port: fixed.port }],
      workerToken: token,
      logger: pino({ level: 'silent' }),
      link: { pollMs: 200, backoffBaseMs: 50, backoffMaxMs: 500, timeoutMs: 2000 },
      names: names.lookup,
      pods: names.pods,
      workerPods: { pods: names.clusterPods, selector: { namespace: NAMESPACE, labels: WORKER_LABELS, port } },
    });
    await waitFor('the --workers worker to be up', () => hub.registry.get('static-node')?.up === true);
    // Opened before any worker pod exists: the live query must follow the workers found later.
    client = new FeedSocket(hub.port, '?q=');
    await client.ready();
  });

  after(async () => {
    await client?.close();
    await hub?.close();
    await names?.stop();
    await api?.close();
    for (const w of workers) await w.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a Running and Ready worker pod becomes its node\'s worker: the hub connects and its entries reach /ws', async () => {
    // Not workers: not Ready yet, no IP yet, the labels in another namespace, another app's pod.
    api.put('pods', workerPod('shoal-worker-b', '127.0.0.3', 'node-b', { ready: false }));
    api.put('pods', pod('shoal-worker-c', undefined, { namespace: NAMESPACE, node: 'node-c', labels: WORKER_LABELS }));
    api.put('pods', pod('elsewhere', '127.0.0.7', { namespace: 'other', node: 'node-c', labels: WORKER_LABELS }));
    // On a node --workers already names: the --workers entry is kept.
    api.put('pods', workerPod('shoal-worker-static', '127.0.0.9', 'static-node'));
    api.put('pods', workerPod('shoal-worker-a', '127.0.0.2', 'node-a'));

    await waitFor('node-a to be found and up at its pod IP', upAt('node-a', '127.0.0.2'));
    const a = await byName('node-a');
    assert.equal(a.pod, 'shoal/shoal-worker-a');
    assert.equal(a.url, `http://127.0.0.2:${port}`);
    assert.deepEqual((await status()).map((w: Json) => w.name).sort(), ['node-a', 'static-node']);
    assert.equal((await byName('static-node')).pod, null);
    assert.equal(hub.registry.get('static-node')!.base, `http://127.0.0.1:${workers[1]!.port}`);

    await workers[0]!.play(FIXTURES.keepAlive.path);
    await client.until(() => fromNode('node-a') >= FIXTURES.keepAlive.entries, 'the entries of node-a');
    // A client that comes later gets the found worker from the start.
    const later = new FeedSocket(hub.port, '?q=');
    await later.ready();
    await workers[0]!.play(FIXTURES.gzip.path);
    await later.until(() => later.entries.filter((e) => e.worker === 'node-a').length >= FIXTURES.gzip.entries, 'the entries of node-a at the later client');
    await later.close();
  });

  it('a pod that turns Ready is added; one that turns not Ready stays (the hub polls it itself)', async () => {
    await startWorker('node-b', '127.0.0.3', 'b');
    api.put('pods', workerPod('shoal-worker-b', '127.0.0.3', 'node-b'));
    await waitFor('node-b to be found once Ready', upAt('node-b', '127.0.0.3'));

    api.put('pods', workerPod('shoal-worker-a', '127.0.0.2', 'node-a', { ready: false }));
    await waitForPod('shoal-worker-a', (p) => p.ready === false);
    assert.equal((await byName('node-a'))?.up, true, 'still a worker, still answering');
  });

  it('a deleted worker pod leaves /status; the other workers keep streaming', async () => {
    api.remove('pods', 'shoal-worker-a', NAMESPACE);
    await waitFor('node-a to be removed', () => hub.registry.get('node-a') === undefined);
    assert.equal(await byName('node-a'), undefined);
    const before = fromNode('node-b');
    await workers.find((w) => w.name === 'node-b')!.play(FIXTURES.head.path);
    await client.until(() => fromNode('node-b') >= before + FIXTURES.head.entries, 'node-b to keep streaming');
    const history = await getJson(`http://127.0.0.1:${hub.port}`, '/entries?limit=100');
    assert.ok(history.body.entries.every((e: Json) => e.worker !== 'node-a'), 'history asks only the workers there are');
  });

  it('a pod re-created with another IP re-points the worker, and the hub follows it', async () => {
    // A new pod for node-a (a restarted DaemonSet pod gets a new IP unless on hostNetwork).
    const a2 = await startWorker('node-a', '127.0.0.4', 'a2');
    api.put('pods', workerPod('shoal-worker-a2', '127.0.0.4', 'node-a', { created: '2026-01-01T00:10:00Z' }));
    await waitFor('node-a to be back at its new IP', upAt('node-a', '127.0.0.4'));
    const beforeA = fromNode('node-a');
    await a2.play(FIXTURES.head.path);
    await client.until(() => fromNode('node-a') >= beforeA + FIXTURES.head.entries, 'the entries of the new node-a pod');

    // node-b replaced while the old pod still runs: the newer Ready one is taken at once.
    const b2 = await startWorker('node-b', '127.0.0.5', 'b2');
    api.put('pods', workerPod('shoal-worker-b2', '127.0.0.5', 'node-b', { created: '2026-01-01T00:20:00Z' }));
    await waitFor('node-b to move to the newer pod', upAt('node-b', '127.0.0.5'));
    assert.equal((await byName('node-b')).pod, 'shoal/shoal-worker-b2');
    api.remove('pods', 'shoal-worker-b', NAMESPACE);
    const beforeB = fromNode('node-b');
    await b2.play(FIXTURES.keepAlive.path);
    await client.until(() => fromNode('node-b') >= beforeB + FIXTURES.keepAlive.entries, 'the entries of the new node-b pod');
    assert.equal(hub.registry.get('node-b')!.base, `http://127.0.0.5:${port}`);
  });

  it('after 410 Gone the relist keeps the set right: changes the watch missed are applied', async () => {
    const relists = api.requests.filter((r) => r.resource === 'pods' && !r.watch).length;
    // Changes the open watch never sees, then a watch that expires: only a relist shows them.
    api.remove('pods', 'shoal-worker-a2', NAMESPACE, { unseen: true });
    api.put('pods', pod('shoal-worker-c', '127.0.0.6', { namespace: NAMESPACE, node: 'node-c', labels: WORKER_LABELS }), { unseen: true });
    api.expireWatches();
    await waitFor('the relist to apply what the watch missed', () => hub.registry.get('node-c') !== undefined && hub.registry.get('node-a') === undefined);
    assert.ok(api.requests.filter((r) => r.resource === 'pods' && !r.watch).length > relists, 'the pods were listed again');
    assert.deepEqual((await status()).map((w: Json) => [w.name, w.pod]).sort(), [
      ['node-b', 'shoal/shoal-worker-b2'],
      ['node-c', 'shoal/shoal-worker-c'],
      ['static-node', null],
    ]);
    // No worker listens at node-c's address: it is down, and the others are not held up.
    await waitFor('node-c to be down', () => hub.registry.get('node-c')?.state().downSince !== null);
    await waitFor('node-b to stay up', upAt('node-b', '127.0.0.5'));

    // The workers found get the names table and, once a selection is set, their node's targets.
    await waitFor('node-b to get the names table', async () => (await byName('node-b')).names.pushedAt !== null);
    api.put('pods', pod('web-2', '10.244.2.7', { labels: { app: 'web' }, node: 'node-b' }));
    await waitForPod('web-2', () => true);
    const res = await fetch(`http://127.0.0.1:${hub.port}/targets`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ podRegex: '^web-' }) });
    const targets = (await res.json()) as Json;
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(targets.workers).sort(), ['node-b', 'node-c', 'static-node']);
    assert.equal(targets.workers['node-b'].targets, 1);
    assert.ok(targets.workers['node-b'].pushedAt !== null, `node-b took its targets: ${JSON.stringify(targets.workers['node-b'])}`);
  });

  /** Waits until the names' pod list shows `name` as `check` wants (the discovery has then seen it too). */
  async function waitForPod(name: string, check: (p: Json) => boolean): Promise<void> {
    await waitFor(`pod ${name}`, () => names.clusterPods.pods().some((p) => p.name === name && check(p)));
  }
});
