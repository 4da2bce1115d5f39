/**
 * The worker link's polling state machine (workers/worker-link.ts), on a fake clock with a fetch
 * that answers from a script: no socket, no real time. Up while polls succeed (next poll after
 * pollMs); down at the first failure, then polled again after backoff delays that double up to
 * backoffMaxMs; up again at the first success, which resets the backoff. The jitter is pinned
 * (random() = 0: each delay is half its ceiling), so the schedule is exact.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { WorkerLink } from '../dist/workers/worker-link.js';
import { FakeClock } from './helpers/fake-clock.js';

const OPTIONS = { pollMs: 2000, timeoutMs: 5000, backoffBaseMs: 250, backoffMaxMs: 2000 };

/** How the scripted worker answers the next polls. */
type Mode = 'ok' | 'refuse' | 'hang';

class ScriptedWorker {
  mode: Mode = 'ok';
  run = 'run-1';
  readonly asked: { path: string; at: number }[] = [];

  constructor(private readonly clock: FakeClock) {}

  fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const path = new URL(String(input)).pathname;
    this.asked.push({ path, at: this.clock.now() });
    if (this.mode === 'refuse') return Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 10.0.0.5:30001') }));
    if (this.mode === 'hang') {
      return new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    }
    const body = path === '/health' ? { ok: true, worker: 'node-a' } : { run: this.run, capture: { requested: 'best', backends: [] }, store: {} };
    return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }));
  };

  /** When each /health poll started, relative to `since`. */
  pollsSince(since: number): number[] {
    return this.asked.filter((a) => a.path === '/health' && a.at > since).map((a) => a.at - since);
  }
}

function linkOn(clock: FakeClock, worker: ScriptedWorker): { link: WorkerLink; events: string[] } {
  const link = new WorkerLink({ name: 'node-a', host: '10.0.0.5', port: 30001 }, 'token', OPTIONS, pino({ level: 'silent' }), {
    clock,
    fetch: worker.fetch,
    timeout: (ms) => clock.timeout(ms),
    random: () => 0,
  });
  const events: string[] = [];
  for (const name of ['up', 'down', 'restarted']) link.on(name, () => events.push(name));
  return { link, events };
}

describe('worker link: polling and backoff', () => {
  it('goes up, down, backs off with doubling delays, and comes up again with the backoff reset', async () => {
    const clock = new FakeClock();
    const worker = new ScriptedWorker(clock);
    const { link, events } = linkOn(clock, worker);
    link.start();
    await clock.advance(0);
    assert.deepEqual(events, ['up']);
    assert.equal(link.state().lastSeen, clock.now());

    const upAt = clock.now();
    await clock.advance(2 * OPTIONS.pollMs);
    assert.deepEqual(worker.pollsSince(upAt), [OPTIONS.pollMs, 2 * OPTIONS.pollMs], 'polled once a period');
    assert.deepEqual(events, ['up'], 'still up, no new event');

    worker.mode = 'refuse';
    const refusedAt = clock.now();
    await clock.advance(OPTIONS.pollMs);
    assert.deepEqual(events, ['up', 'down']);
    assert.equal(link.up, false);
    assert.equal(link.state().downSince, clock.now());
    assert.match(link.state().lastError!, /ECONNREFUSED/);

    // Ceilings 250, 500, 1000, 2000, 2000 (the max); with no jitter each delay is half.
    const downAt = clock.now();
    await clock.advance(125 + 250 + 500 + 1000 + 1000);
    assert.deepEqual(worker.pollsSince(downAt), [125, 375, 875, 1875, 2875]);
    assert.deepEqual(events, ['up', 'down'], 'down once, however many polls fail');
    assert.ok(refusedAt < downAt);

    worker.mode = 'ok';
    await clock.advance(1000);
    assert.deepEqual(events, ['up', 'down', 'up']);
    assert.equal(link.state().downSince, null);
    assert.equal(link.state().lastError, null);

    const backAt = clock.now();
    worker.mode = 'refuse';
    await clock.advance(OPTIONS.pollMs + 125 + 250);
    assert.deepEqual(events, ['up', 'down', 'up', 'down']);
    assert.deepEqual(worker.pollsSince(backAt), [OPTIONS.pollMs, OPTIONS.pollMs + 125, OPTIONS.pollMs + 375], 'a period while up, then the backoff from its base again');

    const stoppedAt = clock.now();
    link.stop();
    await clock.advance(10 * OPTIONS.backoffMaxMs);
    assert.deepEqual(worker.pollsSince(stoppedAt), [], 'a stopped link polls no more');
  });

  it('a poll that gets no answer within the timeout marks the worker down', async () => {
    const clock = new FakeClock();
    const worker = new ScriptedWorker(clock);
    const { link, events } = linkOn(clock, worker);
    link.start();
    await clock.advance(0);
    worker.mode = 'hang';
    await clock.advance(OPTIONS.pollMs + OPTIONS.timeoutMs - 1);
    assert.deepEqual(events, ['up'], 'not before the timeout');
    await clock.advance(1);
    assert.deepEqual(events, ['up', 'down']);
    assert.equal(link.state().lastError, 'no answer within the timeout');
    link.stop();
  });

  it('a worker found with a new run id while up has restarted between two polls', async () => {
    const clock = new FakeClock();
    const worker = new ScriptedWorker(clock);
    const { link, events } = linkOn(clock, worker);
    link.start();
    await clock.advance(0);
    worker.run = 'run-2';
    await clock.advance(OPTIONS.pollMs);
    assert.deepEqual(events, ['up', 'restarted']);
    assert.equal(link.state().run, 'run-2');
    await clock.advance(OPTIONS.pollMs);
    assert.deepEqual(events, ['up', 'restarted'], 'once per new run');
    link.stop();
  });
});
