/**
 * A target change closes captures whose plan changed; what such a capture had read and not yet
 * handed to the pipeline is discarded, and counted: `discarded` in /stats (per capture and in
 * the totals, which keep closed captures) and shoal_worker_discarded_packets_total. A real
 * worker in this process captures on the pod lab's bridge; the burst is sent while this
 * process's event loop stands still (a long main-thread pause), so the capture queues it.
 * Needs root (network namespaces, live capture).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { CaptureCounters, RunningWorker } from '../dist/index.js';
import { waitFor } from '@shoal/testkit';
import { getJson, holdUntil, metricValue, tempDir } from './helpers/harness.js';
import { liveSkipReason, startBridgeWorker } from './helpers/live-worker.js';
import { PodLab } from './helpers/pod-lab.js';

/** Every packet the kernel passed is accounted for, apart from what still waits (`queued`). */
function balanced(c: CaptureCounters): boolean {
  return c.received > 0 && c.received === c.delivered + c.dropped + c.discarded + c.queued;
}

describe('worker, a capture closed on a target change with packets queued', { skip: liveSkipReason() }, () => {
  let lab: PodLab;
  let worker: RunningWorker | undefined;
  let dataDir: string;
  before(() => {
    lab = new PodLab();
    dataDir = tempDir('shoal-discard-');
  });
  after(async () => {
    await worker?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    lab?.destroy();
  });

  it('counts what it discarded in /stats and /metrics, and the totals still balance', async () => {
    const server = { ip: lab.server.ip, name: 'server', namespace: 'lab' };
    const client = { ip: lab.client.ip, name: 'client', namespace: 'lab' };
    worker = await startBridgeWorker(lab, dataDir, 'discard', '192.0.2.20', [server]);
    const core = worker.core;
    const base = `http://127.0.0.1:${worker.port}`;
    const root = () => core.captures.status()[0]!.stats;

    lab.udpBurstBlocking(5000, 9999);
    // Still in the same turn: the capture thread reads what the kernel kept into the queue.
    assert.ok(holdUntil(() => balanced(root()), 5000), `the capture read the burst: ${JSON.stringify(root())}`);
    const queued = root();
    assert.ok(queued.queued > 0 && queued.delivered === 0, `the burst waits for the main thread: ${JSON.stringify(queued)}`);

    // A second target changes the root capture's filter: a new capture opens, the old one closes.
    const captures = core.setTargets([server, client]);
    assert.deepEqual(captures.map((c) => [c.filter, c.open]), [[`host ${server.ip} or host ${client.ip}`, true]], JSON.stringify(captures));
    const totals = core.captures.totals();
    assert.equal(totals.discarded, queued.queued, `the whole queue was discarded: ${JSON.stringify(totals)}`);
    assert.ok(captures.every((c) => c.stats.discarded === 0), 'the open captures discarded nothing');

    // Let the event loop run again: nothing of the closed capture reaches the pipeline.
    await waitFor(() => `the queue to drain: ${JSON.stringify(core.captures.totals())}`, () => balanced(core.captures.totals()) && core.captures.totals().queued === 0, 10_000);
    const stats = (await getJson(base, '/stats', worker.token)).body;
    const t = stats.capture.totals;
    assert.equal(t.discarded, queued.queued);
    assert.equal(t.received, t.delivered + t.dropped + t.discarded, JSON.stringify(t));
    assert.equal(stats.engine.packets, t.delivered - stats.capture.duplicates, 'the pipeline got only what was delivered');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.equal(metricValue(metrics, 'shoal_worker_discarded_packets_total'), queued.queued);

    // Closed captures stay in the totals: the counter never goes down.
    core.setTargets([server]);
    const later = await (await fetch(`${base}/metrics`)).text();
    assert.ok(metricValue(later, 'shoal_worker_discarded_packets_total')! >= queued.queued, later);
    assert.ok(core.captures.totals().discarded >= queued.queued);
  });
});
