/**
 * The hub's target and name pushers (targets/target-pusher.ts, workers/resolution-pusher.ts) on
 * a fake clock and a fake transport whose requests the test answers: one push in flight per
 * worker, the latest state winning, never an older state after a newer one, failed pushes
 * retried with backoff, versioned name changes with the whole table after a 409. The jitter is
 * pinned (random() = 0: each retry delay is half its ceiling, 125 ms first with a 250 ms base).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { ResolutionPatch, Workload } from '@shoal/model';
import type { NameLookup, Pod } from '../dist/index.js';
import { FixedPods } from './helpers/fixed-pods.js';
import { TargetPusher } from '../dist/targets/target-pusher.js';
import { ResolutionPusher } from '../dist/workers/resolution-pusher.js';
import { FakeClock, settle } from './helpers/fake-clock.js';
import { FakeTransport, FakeWorkers } from './helpers/fake-pushes.js';

const log = pino({ level: 'silent' });

function options(clock: FakeClock) {
  return { clock, backoffBaseMs: 250, backoffMaxMs: 2000, random: () => 0 };
}

const pod = (name: string, ip: string, node = 'node-a'): Pod => ({ name, namespace: 'shop', ip, node });
const names = (body: { name: string }[]): string[] => body.map((t) => t.name);
const ALL = { podRegex: '.*', namespaces: [], excludedNamespaces: [] };

describe('target pusher', () => {
  it('keeps one push in flight per worker; changes meanwhile are sent after it, only the latest', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport();
    const pods = new FixedPods([pod('web-1', '10.0.0.1')]);
    const pusher = new TargetPusher(new FakeWorkers(['node-a']), pods, transport.send, options(clock), log);
    const set = pusher.set(ALL);
    await settle();
    const first = transport.only();
    assert.deepEqual(names(first.body), ['web-1']);
    pods.replace([pod('web-1', '10.0.0.1'), pod('web-2', '10.0.0.2')]);
    pods.replace([pod('web-1', '10.0.0.1'), pod('web-2', '10.0.0.2'), pod('web-3', '10.0.0.3')]);
    await settle();
    assert.equal(transport.open().length, 1, 'no second push while the first is in flight');
    assert.equal(pusher.workers()['node-a']!.pending, true);
    first.answer(200);
    await settle();
    assert.deepEqual(names(transport.only().body), ['web-1', 'web-2', 'web-3'], 'the latest list; the one in between is never sent');
    transport.only().answer(200);
    await set;
    await settle();
    assert.equal(transport.sent.length, 2);
    assert.equal(transport.maxInFlight, 1);
    assert.deepEqual(pusher.workers()['node-a'], { targets: 3, pushedAt: clock.now(), error: null, pending: false });
    pusher.stop();
  });

  it('retries a failed push with backoff until it lands; a change meanwhile goes out with the retry', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport();
    const pods = new FixedPods([pod('web-1', '10.0.0.1')]);
    const pusher = new TargetPusher(new FakeWorkers(['node-a']), pods, transport.send, options(clock), log);
    const set = pusher.set(ALL);
    await settle();
    transport.only().fail('connect ECONNREFUSED 10.0.0.5:30001');
    await set;
    assert.deepEqual(pusher.workers()['node-a'], { targets: 1, pushedAt: null, error: 'connect ECONNREFUSED 10.0.0.5:30001', pending: true }, 'PUT /targets answers with the failure');
    pods.replace([pod('web-1', '10.0.0.1'), pod('web-2', '10.0.0.2')]);
    await clock.advance(124);
    assert.equal(transport.open().length, 0, 'a change does not jump the backoff');
    await clock.advance(1);
    const retry = transport.only();
    assert.deepEqual(names(retry.body), ['web-1', 'web-2'], 'the retry sends the latest list');
    retry.answer(503, '{"error":{"code":"WRK_ERR_INTERNAL"}}');
    await settle();
    await clock.advance(249);
    assert.equal(transport.open().length, 0, 'the second delay is twice the first');
    await clock.advance(1);
    transport.only().answer(200);
    await settle();
    assert.deepEqual(pusher.workers()['node-a'], { targets: 2, pushedAt: clock.now(), error: null, pending: false });
    await clock.advance(60_000);
    assert.equal(transport.sent.length, 3, 'nothing more once it landed');
    pusher.stop();
  });

  it('pushes again at once to a worker that comes back up, and gives each worker its own node\'s pods', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport();
    const workers = new FakeWorkers(['node-a', 'node-b']);
    const pusher = new TargetPusher(workers, new FixedPods([pod('web-1', '10.0.0.1'), pod('db-0', '10.0.1.1', 'node-b')]), transport.send, options(clock), log);
    const set = pusher.set(ALL);
    await settle();
    assert.deepEqual(transport.open().map((p) => [p.worker, names(p.body)]), [['node-a', ['web-1']], ['node-b', ['db-0']]]);
    for (const p of transport.open()) p.answer(200);
    await set;
    workers.up('node-b');
    await settle();
    assert.deepEqual([transport.only().worker, names(transport.only().body)], ['node-b', ['db-0']], 'a worker back up may have restarted with nothing');
    transport.only().answer(200);
    await settle();
    pusher.stop();
  });

  it('sends the list again when the worker came back up while a push was in flight', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport();
    const workers = new FakeWorkers(['node-a']);
    const pusher = new TargetPusher(workers, new FixedPods([pod('web-1', '10.0.0.1')]), transport.send, options(clock), log);
    const set = pusher.set(ALL);
    await settle();
    const first = transport.only();
    // Its answer may come from the worker as it was before the restart.
    workers.up('node-a');
    first.answer(200);
    await settle();
    assert.deepEqual(names(transport.only().body), ['web-1'], 'pushed again after it');
    transport.only().answer(200);
    await set;
    await settle();
    assert.equal(transport.sent.length, 2);
    assert.equal(transport.maxInFlight, 1);
    pusher.stop();
  });

  it('pushes nothing before a selection is set', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport();
    const workers = new FakeWorkers(['node-a']);
    const pods = new FixedPods([pod('web-1', '10.0.0.1')]);
    const pusher = new TargetPusher(workers, pods, transport.send, options(clock), log);
    workers.up('node-a');
    pods.replace([pod('web-2', '10.0.0.2')]);
    await clock.advance(60_000);
    assert.equal(transport.sent.length, 0);
    pusher.stop();
  });
});

/** A name source whose table and changes the test drives. */
class Names implements NameLookup {
  table: Record<string, Workload> = { '10.0.0.1': { pod: 'web-1' } };
  private readonly listeners = new Set<(patch: ResolutionPatch) => void>();
  namesAt(ip: string): Workload | undefined {
    return this.table[ip];
  }
  current(): Record<string, Workload> {
    return structuredClone(this.table);
  }
  onPatch(listener: (patch: ResolutionPatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  change(patch: ResolutionPatch): void {
    for (const [ip, w] of Object.entries(patch.upsert ?? {})) this.table[ip] = w;
    for (const ip of patch.remove ?? []) delete this.table[ip];
    for (const l of this.listeners) l(patch);
  }
}

/** A names pusher over a fake transport, its one worker up and the first push sent. */
async function namesPushedTo(worker: string) {
  const clock = new FakeClock();
  const transport = new FakeTransport();
  const workers = new FakeWorkers([worker]);
  const source = new Names();
  const pusher = new ResolutionPusher(workers, source, transport.send, options(clock), log);
  workers.up(worker);
  await settle();
  return { clock, transport, workers, source, pusher };
}

/** The hub run's part of a version ("<run>.<count>"), and its count. */
function version(v: string): { run: string; seq: number } {
  const at = v.lastIndexOf('.');
  return { run: v.slice(0, at), seq: Number(v.slice(at + 1)) };
}

describe('resolution pusher', () => {
  it('gives a worker that comes up the versioned table, then each change as a patch from the version it has', async () => {
    const { clock, transport, source, pusher } = await namesPushedTo('node-a');
    const put = transport.only();
    assert.equal(put.method, 'PUT');
    assert.deepEqual(put.body.table, { '10.0.0.1': { pod: 'web-1' } });
    const v0 = put.body.version as string;
    put.answer(200);
    await settle();
    source.change({ upsert: { '10.0.0.2': { pod: 'web-2' } } });
    await settle();
    const patch = transport.only();
    assert.equal(patch.method, 'PATCH');
    assert.equal(patch.body.base, v0);
    assert.deepEqual(version(patch.body.version), { run: version(v0).run, seq: version(v0).seq + 1 });
    assert.deepEqual(patch.body.upsert, { '10.0.0.2': { pod: 'web-2' } });
    patch.answer(200);
    await settle();
    assert.deepEqual(pusher.workers()['node-a'], { pushedAt: clock.now(), error: null, pending: false });
    pusher.close();
  });

  it('sends the changes made while a push was in flight as one patch, in order, after it', async () => {
    const { transport, source, pusher } = await namesPushedTo('node-a');
    const put = transport.only();
    source.change({ upsert: { '10.0.0.2': { pod: 'web-2' } } });
    source.change({ upsert: { '10.0.0.2': { pod: 'web-2b' }, '10.0.0.3': { pod: 'db-0' } }, remove: ['10.0.0.1'] });
    source.change({ remove: ['10.0.0.3'] });
    await settle();
    assert.equal(transport.open().length, 1, 'the changes wait for the push in flight');
    put.answer(200);
    await settle();
    const patch = transport.only();
    assert.equal(patch.body.base, put.body.version, 'from the version the worker now has');
    assert.equal(version(patch.body.version).seq, version(put.body.version).seq + 3);
    assert.deepEqual(patch.body.upsert, { '10.0.0.2': { pod: 'web-2b' } }, 'the last word on each address');
    assert.deepEqual(patch.body.remove.sort(), ['10.0.0.1', '10.0.0.3']);
    patch.answer(200);
    await settle();
    assert.equal(transport.maxInFlight, 1);
    assert.equal(pusher.workers()['node-a']!.pending, false);
    pusher.close();
  });

  it('answers a 409 with the whole table at once, and retries a failed patch with backoff from the version the worker had', async () => {
    const { clock, transport, source, pusher } = await namesPushedTo('node-a');
    const v0 = transport.only().body.version as string;
    transport.only().answer(200);
    await settle();

    source.change({ upsert: { '10.0.0.2': { pod: 'web-2' } } });
    await settle();
    transport.only().fail('socket hang up');
    await settle();
    assert.match(pusher.workers()['node-a']!.error!, /socket hang up/);
    source.change({ upsert: { '10.0.0.3': { pod: 'db-0' } } });
    await clock.advance(125);
    const retry = transport.only();
    assert.equal(retry.method, 'PATCH');
    assert.equal(retry.body.base, v0, 'still from the last version the worker accepted');
    assert.deepEqual(Object.keys(retry.body.upsert).sort(), ['10.0.0.2', '10.0.0.3'], 'with every change since');

    retry.answer(409, '{"error":{"code":"WRK_ERR_VERSION","version":null}}');
    await settle();
    const put = transport.only();
    assert.equal(put.method, 'PUT', 'the whole table, without waiting for a backoff');
    assert.equal(put.body.version, retry.body.version);
    assert.deepEqual(put.body.table, source.table);
    put.answer(200);
    await settle();
    assert.deepEqual(pusher.workers()['node-a'], { pushedAt: clock.now(), error: null, pending: false });
    assert.equal(transport.maxInFlight, 1);
    pusher.close();
  });

  it('sends the whole table again when the worker came back up while a patch was in flight', async () => {
    const { transport, workers, source, pusher } = await namesPushedTo('node-a');
    transport.only().answer(200);
    await settle();
    source.change({ upsert: { '10.0.0.2': { pod: 'web-2' } } });
    await settle();
    const patch = transport.only();
    workers.up('node-a');
    patch.answer(200);
    await settle();
    assert.equal(transport.only().method, 'PUT');
    assert.deepEqual(transport.only().body.table, source.table);
    transport.only().answer(200);
    await settle();
    assert.equal(transport.maxInFlight, 1);
    pusher.close();
  });

  it('sends the whole table again to a worker that comes back up, even with no change', async () => {
    const { transport, workers, pusher } = await namesPushedTo('node-a');
    transport.only().answer(200);
    await settle();
    workers.up('node-a');
    await settle();
    assert.equal(transport.only().method, 'PUT');
    transport.only().answer(200);
    pusher.close();
  });
});
