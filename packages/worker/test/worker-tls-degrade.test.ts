/**
 * `shoal worker --tls` where the tracer cannot run, as a real child process: without its
 * programs (the build's object missing), and without the capabilities to load them (setpriv
 * takes CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN away), the worker starts, stays healthy, says why
 * in /health, /stats and its metric, and stops cleanly. And where tracefs is not mounted (a
 * mount namespace of its own without it), the worker mounts it and the tracer runs. Needs root
 * (skipped otherwise); the first case needs only the addon.
 */

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { tlsTraceAvailability } from '@shoal/capture';
import { runningAsRoot, waitFor } from '@shoal/testkit';
import { getJson, tempDir, type Json } from './helpers/harness.js';

const SHOAL = fileURLToPath(new URL('../../../bin/shoal', import.meta.url));
const availability = tlsTraceAvailability();
const skip = !runningAsRoot() ? 'needs root (eBPF)' : !availability.available ? availability.reason : false;

interface Child {
  child: ChildProcess;
  base: string;
  token: string;
  pid: number;
}

/** `shoal worker --tls` (after `prefix`, a command that runs it), its API up. */
async function startWorker(prefix: string[], env: NodeJS.ProcessEnv = process.env): Promise<Child> {
  const dir = tempDir('shoal-tls-degrade-');
  const token = 'degrade-token';
  fs.writeFileSync(join(dir, 'token'), token, { mode: 0o600 });
  const command = [...prefix, process.execPath, SHOAL, 'worker', '--tls', '--port', '0', '--data-dir', dir, '--token-file', join(dir, 'token'), '--node-name', 'degrade'];
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
  child.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (log += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  await waitFor(() => `the worker to listen: ${log}`, () => /"port":\d+/.test(log) || child.exitCode !== null, 20_000);
  const port = Number(/"port":(\d+)/.exec(log)?.[1]);
  assert.ok(port > 0, `the worker did not start: ${log}`);
  // The worker's own PID: `unshare` and `setpriv` exec it, so it is the child's.
  return { child, base: `http://127.0.0.1:${port}`, token, pid: child.pid! };
}

async function stop(w: Child): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => w.child.once('exit', (code) => resolve(code)));
  w.child.kill('SIGTERM');
  return exited;
}

async function tls(w: Child): Promise<{ health: Json; tracer: Json; metrics: string }> {
  const health = (await getJson(w.base, '/health', undefined)).body;
  const tracer = (await getJson(w.base, '/stats', w.token)).body.tracer;
  const metrics = await (await fetch(`${w.base}/metrics`)).text();
  return { health, tracer, metrics };
}

describe('shoal worker --tls where the tracer cannot run', { skip: !runningAsRoot() ? 'needs root' : false }, () => {
  it('without its programs: unavailable, the reason in /health, /stats and the metric; healthy; stops with 0', async () => {
    const w = await startWorker([], { ...process.env, SHOAL_TLS_BPF_OBJECT: '/nonexistent/shoal_tls.bpf.o' });
    try {
      const { health, tracer, metrics } = await tls(w);
      assert.equal(health.ok, true);
      assert.equal(health.tls.state, 'unavailable');
      assert.match(health.tls.reason, /the eBPF object \/nonexistent\/shoal_tls\.bpf\.o cannot be read/);
      assert.deepEqual([tracer.state, tracer.reason], [health.tls.state, health.tls.reason]);
      assert.match(metrics, /^shoal_worker_tls_tracer_state\{state="unavailable"\} 1$/m);
      assert.match(metrics, /^shoal_worker_tls_tracer_state\{state="on"\} 0$/m);
    } finally {
      assert.equal(await stop(w), 0);
    }
  });

  it('without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN: unavailable for want of permission', { skip }, async () => {
    const caps = '-bpf,-perfmon,-sys_admin';
    const w = await startWorker(['setpriv', `--bounding-set=${caps}`, `--inh-caps=${caps}`]);
    try {
      const { health } = await tls(w);
      assert.equal(health.ok, true);
      assert.equal(health.tls.state, 'unavailable');
      assert.match(health.tls.reason, /does not let this process load eBPF programs|mounting it on \/sys\/kernel\/tracing failed/);
    } finally {
      assert.equal(await stop(w), 0);
    }
  });

  it('without tracefs: the worker mounts it, in its own mount namespace here, and the tracer runs', { skip }, async () => {
    // A private mount namespace without tracefs (whatever the host has): the worker's mount
    // stays in it and goes with it.
    const script = `umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug 2>/dev/null; test -e /sys/kernel/tracing/events && exit 3; exec "$@"`;
    assert.equal(spawnSync('unshare', ['--version']).status, 0, 'unshare (util-linux)');
    const w = await startWorker(['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sh']);
    try {
      const { health } = await tls(w);
      assert.deepEqual(health.tls, { state: 'on', reason: null });
      const mounts = fs.readFileSync(`/proc/${w.pid}/mountinfo`, 'utf8');
      assert.match(mounts, / \/sys\/kernel\/tracing .* - tracefs /, 'tracefs mounted by the worker, in its namespace');
    } finally {
      assert.equal(await stop(w), 0);
    }
  });
});
