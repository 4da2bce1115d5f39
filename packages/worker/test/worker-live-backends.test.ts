/**
 * `--capture best` gives each capture the best backend that can serve it, whatever the
 * captures before it got: a worker on a bridge (eBPF) with a target in the root namespace,
 * then targets in pod namespaces (eBPF on the pod's lo and eth0); a worker on `any`, where
 * eBPF cannot serve the root capture (AF_PACKET, the reason in /stats and the log) but serves
 * the pod's. Each entry names the backend of the capture its stream came from. A backend asked
 * for by name fails clearly where it cannot serve. Real `shoal worker` processes, pods as
 * network namespaces on a bridge, a Node HTTP server and curl; needs root.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@shoal/testkit';
import { FeedSocket, getJson, putJson, type Json } from './helpers/harness.js';
import { bestBackend, liveSkipReason, startWorkerProcess, type LiveWorker } from './helpers/live-worker.js';
import { PodLab, type Pod } from './helpers/pod-lab.js';

describe('worker, a backend per capture', { skip: liveSkipReason() }, () => {
  let lab: PodLab;
  let other: Pod;
  /** Calls the server pod; the root-namespace target in every test. */
  let server: Json;
  /** The client pod as a target in its own namespace. */
  let clientInPod: Json;
  const pod = bestBackend();

  before(async () => {
    lab = new PodLab();
    other = lab.addPod('other');
    await lab.startServer();
    server = { ip: lab.server.ip, name: 'server', namespace: 'lab' };
    clientInPod = { ip: lab.client.ip, name: 'client', namespace: 'lab', netns: lab.netnsPath(lab.client.ns) };
  });
  after(() => lab?.destroy());

  /** A worker with its live feed of HTTP entries open. */
  async function workerWithFeed(name: string, args: string[]): Promise<{ worker: LiveWorker; feed: FeedSocket }> {
    const worker = await startWorkerProcess(lab, name, args);
    const feed = new FeedSocket(worker.port, worker.token, '?q=http');
    await feed.ready();
    return { worker, feed };
  }

  async function putTargets(worker: LiveWorker, targets: Json[]): Promise<Json> {
    const put = await putJson(worker.base, '/targets', targets, worker.token);
    assert.equal(put.status, 200);
    return put.body;
  }

  /** The entries of `paths`, once the feed has one for each (bounded wait). */
  async function entriesFor(feed: FeedSocket, paths: string[]): Promise<Map<string, Json>> {
    const byPath = (): Map<string, Json> => new Map(feed.entries.map((e: Json) => [e.summary.path, e]));
    await feed.until(() => paths.every((p) => byPath().has(p)), `entries for ${paths.join(', ')}`, 10_000);
    return byPath();
  }

  it('on a bridge: a root capture, then pod namespaces, each on the best backend; entries from both, /health 200', async () => {
    const { worker, feed } = await workerWithFeed('node-bridge', ['--interface', lab.bridge]);
    try {
      const first = await putTargets(worker, [server]);
      assert.deepEqual(first.captures.map((c: Json) => [c.interface, c.backend, c.open]), [[lab.bridge, pod, true]], JSON.stringify(first));
      assert.equal(lab.curl('GET', '/root-before', undefined, { from: other }), 200);
      await entriesFor(feed, ['/root-before']);

      const second = await putTargets(worker, [server, clientInPod]);
      assert.equal(second.ok, true, JSON.stringify(second));
      assert.deepEqual(
        second.captures.map((c: Json) => [c.interface, c.netns, c.backend, c.open]),
        [
          ['any', clientInPod.netns, pod, true],
          [lab.bridge, undefined, pod, true],
        ],
      );
      assert.equal(lab.curl('GET', '/from-the-pod'), 200);
      assert.equal(lab.curl('GET', '/root-after', undefined, { from: other }), 200);
      const entries = await entriesFor(feed, ['/root-before', '/from-the-pod', '/root-after']);
      assert.deepEqual([entries.get('/from-the-pod').src.ip, entries.get('/root-after').src.ip], [lab.client.ip, other.ip]);
      for (const e of entries.values()) assert.deepEqual([e.capture, e.summary.status], [pod, 200]);

      const stats = (await getJson(worker.base, '/stats', worker.token)).body;
      const [inPod, root] = stats.capture.captures;
      assert.ok(inPod.stats.delivered > 0 && root.stats.delivered > 0, `both captures saw their exchange: ${JSON.stringify(stats.capture.captures)}`);
      assert.deepEqual(stats.capture.backends, [pod]);
      const health = await getJson(worker.base, '/health', undefined);
      assert.equal(health.status, 200, JSON.stringify(health.body));
      assert.deepEqual([health.body.ok, health.body.capture.open, health.body.capture.backends], [true, 2, [pod]]);
    } finally {
      await feed.close();
    }
  });

  it('on any: the root capture falls back with the reason, the pod gets eBPF, entries name their capture', async () => {
    const { worker, feed } = await workerWithFeed('node-any', []);
    try {
      const put = await putTargets(worker, [server, clientInPod]);
      assert.equal(put.ok, true, JSON.stringify(put));
      const [inPod, root] = put.captures;
      assert.deepEqual([inPod.netns, inPod.backend, root.interface, root.backend], [clientInPod.netns, pod, 'any', 'af_packet']);
      assert.equal(root.skipped[0].backend, 'ebpf');
      assert.match(root.skipped[0].reason, /takes "any" only inside a network namespace given by netns/);
      const skipLogged = /capture on any: backend ebpf skipped: the eBPF backend .* takes \\"any\\" only inside/;
      await waitFor(() => `the skip and its reason in the log: ${worker.log()}`, () => skipLogged.test(worker.log()), 5000);

      assert.equal(lab.curl('GET', '/from-the-pod'), 200);
      assert.equal(lab.curl('GET', '/from-elsewhere', undefined, { from: other }), 200);
      const entries = await entriesFor(feed, ['/from-the-pod', '/from-elsewhere']);
      assert.equal(entries.get('/from-the-pod').capture, pod);
      assert.equal(entries.get('/from-elsewhere').capture, 'af_packet');
      const health = (await getJson(worker.base, '/health', undefined)).body;
      assert.deepEqual([health.ok, health.capture.backends], [true, [...new Set([pod, 'af_packet'])]]);
    } finally {
      await feed.close();
    }
  });

  it('--capture ebpf fails clearly where eBPF cannot serve (any in the root namespace), serves pod namespaces', async () => {
    const worker = await startWorkerProcess(lab, 'node-ebpf', ['--capture', 'ebpf']);
    const put = await putTargets(worker, [server]);
    assert.equal(put.ok, false);
    assert.match(put.captures[0].error, /^cannot start ebpf capture on "any": .*takes "any" only inside a network namespace given by netns/);
    const health = await getJson(worker.base, '/health', undefined);
    assert.equal(health.status, 503);
    assert.match(health.body.errors[0], /cannot start ebpf capture on "any"/);
    if (pod !== 'ebpf') return; // not built here: the pod's capture cannot run on eBPF either

    const podOnly = await putTargets(worker, [clientInPod]);
    assert.equal(podOnly.ok, true, JSON.stringify(podOnly));
    assert.deepEqual(podOnly.captures.map((c: Json) => [c.backend, c.skipped]), [['ebpf', []]]);
    assert.equal((await getJson(worker.base, '/health', undefined)).status, 200);
  });
});
