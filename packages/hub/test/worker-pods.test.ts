/** Which pods are workers, and where they are reached (workers/worker-pods.ts). */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PodInfo } from '../dist/names/index.js';
import { defaultWorkerNamespace, parseLabelSelector, workerAddresses, type WorkerAddress } from '../dist/index.js';

const labels = { 'app.kubernetes.io/name': 'shoal', 'app.kubernetes.io/component': 'worker' };
const selector = { namespace: 'shoal', labels, port: 30001 };

function workerPod(name: string, ip: string, node: string, extra: Partial<PodInfo> = {}): PodInfo {
  return { name, namespace: 'shoal', node, ip, ips: [ip], labels: { ...labels }, hostNetwork: true, terminated: false, phase: 'Running', ready: true, createdMs: 1000, ...extra };
}

describe('worker pods', () => {
  it('names each worker after its node and reaches it at the pod IP on the worker port', () => {
    assert.deepEqual(workerAddresses([workerPod('w-b', '10.0.0.6', 'node-b'), workerPod('w-a', 'fd00::5', 'node-a')], selector, new Map()), [
      { name: 'node-a', host: '[fd00::5]', port: 30001, pod: 'shoal/w-a' },
      { name: 'node-b', host: '10.0.0.6', port: 30001, pod: 'shoal/w-b' },
    ]);
  });

  it('skips pods that are not Running and Ready, not matching, elsewhere, or shutting down', () => {
    const pods = [
      workerPod('pending', '10.0.0.1', 'n1', { phase: 'Pending' }),
      workerPod('unready', '10.0.0.2', 'n2', { ready: false }),
      workerPod('other-labels', '10.0.0.3', 'n3', { labels: { 'app.kubernetes.io/name': 'shoal' } }),
      workerPod('other-ns', '10.0.0.4', 'n4', { namespace: 'default' }),
      workerPod('deleting', '10.0.0.5', 'n5', { deleting: true }),
      workerPod('finished', '10.0.0.6', 'n6', { phase: 'Succeeded' }),
    ];
    assert.deepEqual(workerAddresses(pods, selector, new Map()), []);
  });

  it('keeps a worker whose pod turns not Ready, and takes the newest Ready pod of a node', () => {
    const current = new Map<string, WorkerAddress>([['n1', { name: 'n1', host: '10.0.0.1', port: 30001, pod: 'shoal/old' }]]);
    assert.deepEqual(workerAddresses([workerPod('old', '10.0.0.1', 'n1', { ready: false })], selector, current).map((a) => a.pod), ['shoal/old']);
    const both = [workerPod('old', '10.0.0.1', 'n1'), workerPod('new', '10.0.0.9', 'n1', { createdMs: 2000 })];
    assert.deepEqual(workerAddresses(both, selector, current).map((a) => a.host), ['10.0.0.9']);
  });

  it('parses --worker-selector and refuses what is not KEY=VALUE', () => {
    assert.deepEqual(parseLabelSelector('app.kubernetes.io/name=shoal, tier==capture'), { 'app.kubernetes.io/name': 'shoal', tier: 'capture' });
    for (const bad of ['', 'app', 'app!=x', 'a=b=c']) assert.throws(() => parseLabelSelector(bad), { code: 'CLI_ERR_USAGE' }, bad);
  });

  it('looks for workers in the service account\'s namespace, else in default', () => {
    const dir = fs.mkdtempSync(join(tmpdir(), 'shoal-ns-'));
    try {
      const file = join(dir, 'namespace');
      assert.equal(defaultWorkerNamespace(file), 'default');
      fs.writeFileSync(file, 'observability\n');
      assert.equal(defaultWorkerNamespace(file), 'observability');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
