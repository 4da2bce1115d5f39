/**
 * `shoal hub` as a user runs it: help, a bad command line, and a hub process in front of a real
 * `shoal worker` process (no targets: it captures nothing, so it needs no privileges), the
 * worker stopped and started again; then `--kubernetes` finding that worker from its pod through
 * a kubeconfig pointing at @shoal/testkit's Kubernetes API test server (no API server can run
 * here; that server speaks the real list and watch JSON). Processes are ended by their PID.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { waitFor } from '@shoal/testkit';
import { K8sTestApiServer, node, pod } from '@shoal/testkit/k8s';
import { startListening, stop } from './helpers/listening-shoal.js';
import { shoal } from './helpers/run-shoal.js';

interface Status {
  workers: { name: string; up: boolean; lastError: string | null; url: string; pod: string | null }[];
  feed: { windowMs: number };
}

async function status(port: number): Promise<Status> {
  return (await fetch(`http://127.0.0.1:${port}/status`)).json() as Promise<Status>;
}

describe('shoal hub (command line)', () => {
  it('lists every flag in --help', async () => {
    const r = await shoal('hub', '--help');
    assert.equal(r.code, 0);
    const flags = ['--port', '--host', '--workers', '--worker-token-file', '--token-file', '--inventory', '--kubernetes', '--worker-selector', '--worker-namespace', '--worker-port', '--merge-window', '--log-level'];
    for (const flag of flags) assert.ok(r.stdout.includes(flag), flag);
  });

  it('refuses a bad command line with exit code 2', async () => {
    for (const args of [['--workers', 'node-a'], ['--workers', 'a=h:1,a=h:2'], ['--port', '70000'], ['--bogus'], ['--worker-token-file', '/nonexistent/token'],
      ['--worker-port', '30001'], ['--worker-selector', 'app=shoal'], ['--kubernetes', '--worker-selector', 'app'], ['--kubernetes', '--worker-port', '0'],
      ['--merge-window', '10001'], ['--merge-window', '-1'], ['--merge-window', '0.5'], ['--merge-window', 'soon']]) {
      const r = await shoal('hub', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /CLI_ERR_USAGE/);
    }
  });

  it('--merge-window sets the live merge\'s reorder window, shown in /status', async () => {
    const r = await shoal('hub', '--merge-window', '10001');
    assert.match(r.stderr, /--merge-window needs a whole number 0-10000, got '10001'/);
    for (const windowMs of [0, 2500]) {
      const hub = await startListening(['hub', '--port', '0', '--host', '127.0.0.1', '--merge-window', String(windowMs)]);
      try {
        assert.equal((await status(hub.port)).feed.windowMs, windowMs);
      } finally {
        assert.equal(await stop(hub.child), 0);
      }
    }
  });

  it('follows a real worker process: up, down with the reason when it stops, up again when it returns', async () => {
    const dir = fs.mkdtempSync(join(tmpdir(), 'shoal-hub-cli-'));
    const tokenFile = join(dir, 'token');
    fs.writeFileSync(tokenFile, 'cli-test-token\n', { mode: 0o600 });
    const workerArgs = (port: number) => ['worker', '--port', String(port), '--data-dir', join(dir, 'w'), '--token-file', tokenFile, '--node-name', 'cli-node'];
    const children: ChildProcess[] = [];
    try {
      const worker = await startListening(workerArgs(0));
      children.push(worker.child);
      const hub = await startListening(['hub', '--port', '0', '--host', '127.0.0.1', '--workers', `cli-node=127.0.0.1:${worker.port}`, '--worker-token-file', tokenFile]);
      children.push(hub.child);
      await waitFor('the hub to see the worker up', async () => (await status(hub.port)).workers[0]?.up === true, 15_000);
      assert.equal((await status(hub.port)).feed.windowMs, 500, 'the default merge window');

      assert.equal(await stop(worker.child), 0);
      await waitFor('the hub to see the worker down', async () => (await status(hub.port)).workers[0]?.up === false, 15_000);
      assert.match((await status(hub.port)).workers[0]!.lastError!, /ECONNREFUSED/);

      const again = await startListening(workerArgs(worker.port));
      children.push(again.child);
      // The hub's backoff reaches 10 s (with jitter) while the worker is away.
      await waitFor('the hub to see the worker again', async () => (await status(hub.port)).workers[0]?.up === true, 40_000);
      assert.equal(await stop(hub.child), 0);
      assert.match(hub.log(), /hub stopped/);
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--kubernetes finds a real worker process from its pod, and drops it when the pod is deleted', async () => {
    const dir = fs.mkdtempSync(join(tmpdir(), 'shoal-hub-k8s-'));
    const tokenFile = join(dir, 'token');
    fs.writeFileSync(tokenFile, 'cli-test-token\n', { mode: 0o600 });
    const api = await K8sTestApiServer.start();
    const children: ChildProcess[] = [];
    try {
      const worker = await startListening(['worker', '--port', '0', '--data-dir', join(dir, 'w'), '--token-file', tokenFile, '--node-name', 'k8s-node']);
      children.push(worker.child);
      api.put('nodes', node('k8s-node', '192.168.1.10'));
      const labels = { 'app.kubernetes.io/name': 'shoal', 'app.kubernetes.io/component': 'worker' };
      api.put('pods', pod('shoal-worker-x1', '127.0.0.1', { namespace: 'observability', node: 'k8s-node', labels }));
      fs.writeFileSync(join(dir, 'kubeconfig'), api.kubeconfigYaml(), { mode: 0o600 });

      const args = ['hub', '--port', '0', '--host', '127.0.0.1', '--kubernetes', '--worker-namespace', 'observability', '--worker-port', String(worker.port), '--worker-token-file', tokenFile];
      const hub = await startListening(args, { KUBECONFIG: join(dir, 'kubeconfig') });
      children.push(hub.child);
      const found = async () => (await status(hub.port)).workers.find((w) => w.name === 'k8s-node');
      await waitFor(() => `the hub to find the worker pod: ${hub.log()}`, async () => (await found())?.up === true, 15_000);
      assert.equal((await found())!.pod, 'observability/shoal-worker-x1');
      assert.equal((await found())!.url, `http://127.0.0.1:${worker.port}`);

      api.remove('pods', 'shoal-worker-x1', 'observability');
      await waitFor('the worker to leave with its pod', async () => (await status(hub.port)).workers.length === 0, 15_000);
      assert.equal(await stop(hub.child), 0);
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await api.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
