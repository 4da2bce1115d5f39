/**
 * The hub's summary of a worker's TLS tracer (WorkerState.tls in GET /status), from the worker's
 * /stats `tracer`: per pod whether its namespace was found, how many processes map a hooked
 * OpenSSL file and which files, and the plaintext read; null from a worker without one. A
 * scripted fetch and a fake clock: no socket, no real time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TracerStatus } from '@shoal/model';
import { pino } from 'pino';
import { WorkerLink } from '../dist/workers/worker-link.js';
import { FakeClock } from './helpers/fake-clock.js';

const TRACER: TracerStatus = {
  state: 'on',
  reason: null,
  files: [
    { path: '/usr/lib/x86_64-linux-gnu/libssl.so.3', functions: ['SSL_read', 'SSL_write'], processes: 1 },
    { path: '/usr/bin/node', functions: ['SSL_read', 'SSL_write', 'SSL_free'], processes: 2 },
    { path: '/opt/app/libssl.so.1.1', functions: [], processes: 1, error: 'cannot attach a uprobe: Operation not permitted' },
  ],
  pods: [
    {
      pod: 'shop/web',
      netns: 4026532890,
      processCount: 3,
      chunks: 12,
      bytes: 4096,
      gaps: 1,
      lostBytes: 100,
      processes: [
        { pid: 10, comm: 'node', libraries: ['/usr/bin/node'] },
        { pid: 11, comm: 'node', libraries: ['/usr/bin/node'] },
        { pid: 12, comm: 'sh', libraries: [] },
      ],
    },
    { pod: 'shop/gone', netns: null, reason: 'no network namespace on this node has its address 10.1.0.9', processCount: 0, chunks: 0, bytes: 0, gaps: 0, lostBytes: 0, processes: [] },
  ],
  counters: { calls: 10, chunks: 12, bytes: 4096, lostChunks: 1, lostBytes: 100, connections: 2, duplicateBytes: 0, encryptedEntriesHidden: 2, errors: 0 },
};

async function pollOnce(stats: Record<string, unknown>): Promise<ReturnType<WorkerLink['state']>> {
  const clock = new FakeClock();
  const fetch = (input: string | URL | Request): Promise<Response> => {
    const path = new URL(String(input)).pathname;
    const body = path === '/health' ? { ok: true, worker: 'node-a' } : { run: 'r1', capture: { requested: 'best', backends: [] }, store: {}, ...stats };
    return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }));
  };
  const link = new WorkerLink({ name: 'node-a', host: '10.0.0.5', port: 30001 }, 'token', { pollMs: 2000, timeoutMs: 5000, backoffBaseMs: 250, backoffMaxMs: 2000 }, pino({ level: 'silent' }), {
    clock,
    fetch,
    timeout: (ms) => clock.timeout(ms),
    random: () => 0,
  });
  link.start();
  await clock.advance(0);
  const state = link.state();
  link.stop();
  return state;
}

describe("worker link: the worker's TLS tracer in /status", () => {
  it('summed up per pod from /stats', async () => {
    const state = await pollOnce({ tracer: TRACER });
    assert.deepEqual(state.tls, {
      state: 'on',
      reason: null,
      files: 2,
      failedFiles: 1,
      pods: [
        { pod: 'shop/web', found: true, hookedProcesses: 2, libraries: ['/usr/bin/node'], chunks: 12, bytes: 4096, gaps: 1, lostBytes: 100 },
        { pod: 'shop/gone', found: false, reason: 'no network namespace on this node has its address 10.1.0.9', hookedProcesses: 0, libraries: [], chunks: 0, bytes: 0, gaps: 0, lostBytes: 0 },
      ],
      counters: TRACER.counters,
    });
  });

  it('unavailable, with its reason; null from a worker whose /stats has no tracer', async () => {
    const unavailable = await pollOnce({ tracer: { ...TRACER, state: 'unavailable', reason: 'this kernel has no BTF', files: [], pods: [] } });
    assert.deepEqual([unavailable.tls?.state, unavailable.tls?.reason, unavailable.tls?.pods], ['unavailable', 'this kernel has no BTF', []]);
    assert.equal((await pollOnce({})).tls, null);
  });
});
