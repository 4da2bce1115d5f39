/**
 * GET /status for a caller who does not see every namespace (api/routes/status.ts): each node
 * stays with its state, but the worker's own pod and the pods its TLS tracer follows show only
 * when their namespace is in scope.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TracerPodSummary, WorkerState } from '@shoal/model';
import { ViewScope } from '../dist/access/view-scope.js';
import { scopedWorker } from '../dist/api/routes/status.js';

const tracedPod = (pod: string): TracerPodSummary => ({ pod, found: true, hookedProcesses: 1, libraries: ['/usr/lib/libssl.so.3'], chunks: 1, bytes: 10, gaps: 0, lostBytes: 0 });

const WORKER: WorkerState = {
  name: 'node-a', url: 'http://10.0.0.5:30001', up: true, downSince: null, lastError: null, lastSeen: 1, capturing: true,
  capture: { requested: 'best', backends: ['af_packet'] }, packets: { received: 1, dropped: 0 }, store: { bytes: 1, entries: 1 }, run: 'r1',
  pod: 'shoal/shoal-worker-x1',
  tls: { state: 'on', reason: null, files: 1, failedFiles: 0, pods: [tracedPod('shop/web-1'), tracedPod('bank/ledger-1')], counters: { calls: 0, chunks: 0, bytes: 0, lostChunks: 0, lostBytes: 0, connections: 0, duplicateBytes: 0, encryptedEntriesHidden: 0, errors: 0 } },
};

describe('a worker in a scoped /status', () => {
  it('keeps the node and its state, and only the pods in scope', () => {
    const seen = scopedWorker(WORKER, new ViewScope(['shop']));
    assert.equal(seen.name, 'node-a');
    assert.equal(seen.up, true);
    assert.equal(seen.pod, null, 'the worker pod lives in shoal, out of scope');
    assert.deepEqual(seen.tls?.pods.map((p) => p.pod), ['shop/web-1']);
  });

  it('shows the worker pod to a scope that holds its namespace, and everything to "*"', () => {
    assert.equal(scopedWorker(WORKER, new ViewScope(['shoal'])).pod, 'shoal/shoal-worker-x1');
    assert.deepEqual(scopedWorker(WORKER, ViewScope.ALL), WORKER);
  });
});
