import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FeedSocket, getJson, putJson, type Json } from './helpers/harness.js';
import { bestBackend, liveSkipReason, startWorkerProcess as startWorker } from './helpers/live-worker.js';
import { PodLab } from './helpers/pod-lab.js';

const skip = liveSkipReason();

describe('worker, live capture in pod network namespaces', { skip }, () => {
  let lab: PodLab;
  before(async () => {
    lab = new PodLab();
    await lab.startServer();
  });
  after(() => lab?.destroy());

  it('turns curl requests between two pods into entries, from the bridge and from inside the server pod', async () => {
    const onBridge = await startWorker(lab, 'node-bridge', ['--interface', lab.bridge, '--capture', 'af_packet']);
    const inPod = await startWorker(lab, 'node-netns', ['--capture', 'best']);
    // Inside the pod's namespace `best` gives eBPF (on lo and eth0) when it was built.
    const podBackend = bestBackend();
    // On `any` each bridged packet shows on both veths and on the bridge: the copies must go.
    const onAny = await startWorker(lab, 'node-any', ['--capture', 'libpcap']);
    const pods = [
      { ip: lab.server.ip, name: 'server', namespace: 'lab' },
      { ip: lab.client.ip, name: 'client', namespace: 'lab' },
    ];
    const resolution = { [lab.server.ip]: { pod: 'server', namespace: 'lab' }, [lab.client.ip]: { pod: 'client', namespace: 'lab' } };
    const feeds: FeedSocket[] = [];
    for (const [worker, targets] of [
      [onBridge, pods],
      [inPod, [{ ...pods[0]!, netns: lab.netnsPath(lab.server.ns) }]],
      [onAny, pods],
    ] as const) {
      assert.equal((await putJson(worker.base, '/resolution', resolution, worker.token)).status, 200);
      const put = await putJson(worker.base, '/targets', targets, worker.token);
      assert.equal(put.status, 200);
      assert.equal(put.body.ok, true, JSON.stringify(put.body));
      const feed = new FeedSocket(worker.port, worker.token, '?q=http');
      await feed.ready();
      feeds.push(feed);
    }
    const bridgeCapture = (await getJson(onBridge.base, '/stats', onBridge.token)).body.capture.captures;
    assert.deepEqual(bridgeCapture.map((c: Json) => [c.interface, c.netns, c.backend]), [[lab.bridge, undefined, 'af_packet']]);
    const podCapture = (await getJson(inPod.base, '/stats', inPod.token)).body.capture.captures;
    assert.deepEqual(podCapture.map((c: Json) => [c.interface, c.netns, c.backend]), [['any', lab.netnsPath(lab.server.ns), podBackend]]);

    const made = [
      ['GET', '/hello', lab.curl('GET', '/hello')],
      ['POST', '/orders', lab.curl('POST', '/orders', '{"item":42}')],
      ['GET', '/missing', lab.curl('GET', '/missing')],
    ];
    assert.deepEqual(made.map((m) => m[2]), [200, 201, 404]);

    for (const [i, feed] of feeds.entries()) {
      const worker = ['node-bridge', 'node-netns', 'node-any'][i]!;
      await feed.until(() => feed.entries.length >= made.length, `${worker}: the ${made.length} entries`, 10_000);
    }
    // A last request, awaited on every capture: a duplicate of an earlier packet is handled before
    // it, so an extra entry would be in the feed by the time this one is.
    made.push(['GET', '/marker', lab.curl('GET', '/marker')]);
    for (const [i, feed] of feeds.entries()) {
      const worker = ['node-bridge', 'node-netns', 'node-any'][i]!;
      await feed.until(() => feed.entries.some((e: Json) => e.summary.path === '/marker'), `${worker}: the /marker entry`, 10_000);
      const seen = feed.entries.map((e: Json) => [e.summary.method, e.summary.path, e.summary.status]);
      assert.deepEqual(seen, made, worker);
      for (const e of feed.entries) {
        assert.equal(e.capture, { 'node-bridge': 'af_packet', 'node-netns': podBackend, 'node-any': 'libpcap' }[worker]);
        assert.equal(e.worker, worker);
        assert.deepEqual([e.src.pod, e.src.namespace, e.src.ip], ['client', 'lab', lab.client.ip]);
        assert.deepEqual([e.dst.pod, e.dst.port, e.dst.ip], ['server', lab.httpPort, lab.server.ip]);
      }
      await feed.close();
    }
    const metrics = await (await fetch(`${onAny.base}/metrics`)).text();
    const copies = Number(/^shoal_worker_duplicate_packets_total (\d+)/m.exec(metrics)?.[1]);
    const dissected = Number(/^shoal_worker_dissected_packets_total (\d+)/m.exec(metrics)?.[1]);
    assert.ok(copies >= 2 * dissected - 2, `on any, ${copies} copies dropped for ${dissected} packets dissected`);
    const health = (await getJson(inPod.base, '/health', undefined)).body;
    assert.deepEqual([health.ok, health.capture.backends, health.targets], [true, [podBackend], 1]);
    assert.match(inPod.log(), new RegExp(`capture open on any in .* with ${podBackend} \\(the best backend that opened\\)`));
  });
});
