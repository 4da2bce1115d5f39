import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  FeedSocket,
  FIXTURE,
  FIXTURE_ENTRIES,
  FIXTURE_PACKETS,
  getJson,
  LOCAL_TARGET,
  metricValue,
  putJson,
  sendJson,
  startHarness,
  type Harness,
  type Json,
} from './helpers/harness.js';

const PROTECTED: [string, string][] = [
  ['GET', '/stats'],
  ['PUT', '/targets'],
  ['PUT', '/resolution'],
  ['PATCH', '/resolution'],
  ['GET', '/entries/test-node/x/1'],
  ['GET', '/entries?limit=5'],
  ['GET', '/pcap?ids=test-node/x/1'],
  ['GET', '/no-such-route'],
];

describe('worker API: authentication', () => {
  // One worker for these tests: none of them changes its state.
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('refuses every protected route without the token or with a wrong one, and serves nothing else', async () => {
    for (const [method, path] of PROTECTED) {
      const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${h.token}x` }, { authorization: h.token }];
      for (const headers of attempts) {
        const res = await fetch(h.base + path, { method, headers, ...(method === 'GET' ? {} : { body: '[]' }) });
        assert.equal(res.status, 401, `${method} ${path} with ${JSON.stringify(headers)}`);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
        assert.deepEqual(Object.keys(await res.json()), ['error']);
      }
    }
  });

  it('refuses the WebSocket upgrade with 401 without the token or with a wrong one', async () => {
    for (const token of [undefined, 'wrong']) {
      const socket = new FeedSocket(h.worker.port, token, '?q=');
      await socket.whenClosed();
      assert.equal(socket.refusedStatus, 401);
      assert.equal(socket.messages.length, 0);
    }
  });

  it('serves /health and /metrics without a token', async () => {
    const health = await getJson(h.base, '/health', undefined);
    assert.equal(health.status, 200);
    assert.equal(health.body.ok, true);
    assert.equal(health.body.capture.requested, 'pcap_file');
    assert.equal(typeof health.body.targets, 'number');
    const metrics = await fetch(h.base + '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
  });

  it('answers a wrong method with 405, naming the methods the route takes', async () => {
    for (const [method, path, takes] of [
      ['POST', '/resolution', 'PUT or PATCH'],
      ['GET', '/targets', 'PUT'],
      ['DELETE', '/entries/test-node/x/1', 'GET'],
    ]) {
      const res = await fetch(h.base + path, { method, headers: { authorization: `Bearer ${h.token}` } });
      assert.equal(res.status, 405, `${method} ${path}`);
      const { error } = await res.json();
      assert.equal(error.code, 'WRK_ERR_METHOD');
      assert.ok(error.message.includes(`takes ${takes}, not ${method}`), error.message);
    }
  });

  it('takes the token from the file, trimmed', async () => {
    const res = await getJson(h.base, '/stats', h.token);
    assert.equal(res.status, 200);
    assert.ok(!h.token.startsWith(' ') && !h.token.endsWith('\n'));
  });
});

const SUMMARIES = ['GET / 200', 'GET /api/users 200', 'GET /missing 404', 'POST /api/orders 201'];
const summaryOf = (e: Json): string => `${e.summary.method} ${e.summary.path} ${e.summary.status}`;

describe('worker API: entries', () => {
  // A fresh worker for each test: what one test stored, resolved or counted never shows in another.
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  /** Targets the fixture's address, replays the fixture once and returns its entries as /ws streamed them. */
  async function captureFixture(): Promise<Json[]> {
    const feed = new FeedSocket(h.worker.port, h.token, '?q=');
    await feed.ready();
    assert.equal((await putJson(h.base, '/targets', LOCAL_TARGET, h.token)).status, 200);
    assert.equal(await h.source.play(FIXTURE), FIXTURE_PACKETS);
    await feed.until(() => feed.entries.length >= FIXTURE_ENTRIES, 'the fixture\'s entries');
    await feed.close();
    assert.deepEqual(feed.entries.map(summaryOf), SUMMARIES);
    return feed.entries;
  }

  it('captures nothing while it has no targets, and the same replay once it has one', async () => {
    assert.equal(await h.source.play(FIXTURE), 0, 'no capture is open, so a replay delivers nothing');
    assert.equal((await getJson(h.base, '/stats', h.token)).body.store.entries, 0);
    assert.equal((await putJson(h.base, '/targets', LOCAL_TARGET, h.token)).status, 200);
    assert.equal(await h.source.play(FIXTURE), FIXTURE_PACKETS);
  });

  it('streams entries to /ws subscribers, each only what its filter matches, resolved by PUT /resolution', async () => {
    const resolution = await putJson(h.base, '/resolution', { '127.0.0.1': { pod: 'web-1', namespace: 'shop', service: 'web' } }, h.token);
    assert.deepEqual(resolution, { status: 200, body: { ok: true, addresses: 1, version: null } });
    const targets = await putJson(h.base, '/targets', LOCAL_TARGET, h.token);
    assert.equal(targets.status, 200);
    assert.equal(targets.body.captures.length, 1);
    assert.equal(targets.body.captures[0].filter, 'host 127.0.0.1');
    const all = new FeedSocket(h.worker.port, h.token, '?q=');
    const posts = new FeedSocket(h.worker.port, h.token);
    await posts.opened();
    posts.ws.send(JSON.stringify({ filter: 'method == "POST"' }));
    await all.ready();
    await posts.ready();
    assert.equal(await h.source.play(FIXTURE), FIXTURE_PACKETS);
    await all.until(() => all.entries.length >= FIXTURE_ENTRIES, 'the four entries');
    await posts.until(() => posts.entries.length >= 1, 'the POST');
    // A second replay, awaited on both sockets, is the control for what must not come: anything
    // extra from the first (a GET through the POST filter, a duplicate) would arrive before it.
    assert.equal(await h.source.play(FIXTURE), FIXTURE_PACKETS);
    await all.until(() => all.entries.length >= 2 * FIXTURE_ENTRIES, 'the second replay\'s entries');
    await posts.until(() => posts.entries.length >= 2, 'the second POST');
    assert.deepEqual(all.entries.map(summaryOf), [...SUMMARIES, ...SUMMARIES]);
    assert.deepEqual(posts.entries.map((e: Json) => e.id), [all.entries[3].id, all.entries[7].id]);
    const e = all.entries[0];
    assert.match(e.id, /^test-node\/[0-9a-z]+\/\d+$/);
    assert.equal(e.worker, 'test-node');
    assert.equal(e.capture, 'pcap_file');
    assert.deepEqual(e.node, { name: 'test-node', ip: '192.0.2.10' });
    assert.equal(e.src.pod, 'web-1');
    assert.equal(e.dst.name, 'web-1');
    assert.equal(e.dst.namespace, 'shop');
    await Promise.all([all.close(), posts.close()]);
  });

  it('returns by GET /entries/:id exactly the entry streamed on /ws, and 404 for an unknown id', async () => {
    for (const streamed of await captureFixture()) {
      const raw = await getJson(h.base, `/entries/${streamed.id}`, h.token);
      assert.equal(raw.status, 200);
      assert.deepEqual(raw.body, streamed);
      const encoded = await getJson(h.base, `/entries/${encodeURIComponent(streamed.id)}`, h.token);
      assert.deepEqual(encoded.body, streamed);
    }
    const missing = await getJson(h.base, '/entries/test-node/zzz/99', h.token);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'WRK_ERR_NOT_FOUND');
  });

  it('replays stored entries from `since`, then goes live', async () => {
    const stored = await captureFixture();
    const since = stored[0].timestamp;
    const late = new FeedSocket(h.worker.port, h.token, `?q=${encodeURIComponent('path == "/api/users"')}&since=${since}`);
    assert.equal((await late.ready()).replayed, 1);
    assert.deepEqual(late.entries, [stored[1]]);
    const future = new FeedSocket(h.worker.port, h.token);
    await future.opened();
    future.ws.send(JSON.stringify({ filter: 'http', since: Date.now() + 3_600_000 }));
    assert.equal((await future.ready()).replayed, 0);
    await h.source.play(FIXTURE);
    await late.until(() => late.entries.length === 2, 'the live entry after the replayed one');
    assert.notEqual(late.entries[1].id, late.entries[0].id);
    await future.until(() => future.entries.length === FIXTURE_ENTRIES, 'the live entries');
    await Promise.all([late.close(), future.close()]);
  });

  it('answers a filter that does not compile with a positioned error and close code 4400', async () => {
    for (const how of ['query', 'message']) {
      const bad = 'method == "POST" &&';
      const socket = new FeedSocket(h.worker.port, h.token, how === 'query' ? `?q=${encodeURIComponent(bad)}` : '');
      if (how === 'message') {
        await socket.opened();
        socket.ws.send(bad);
      }
      assert.equal(await socket.whenClosed(), 4400, how);
      assert.equal(socket.messages.length, 1);
      const { error } = socket.messages[0];
      assert.match(error.code, /^FLT_ERR_/);
      assert.equal(typeof error.message, 'string');
      assert.equal(error.position.line, 1);
      assert.equal(error.position.column, bad.length + 1, 'at the end of the filter, where an operand is missing');
    }
  });

  it('refuses a regex RE2 does not have (a backreference) with 400 FLT_ERR_REGEX, where it is', async () => {
    const q = 'path.matches(r"(\\w+)/\\1")';
    const bad = await getJson(h.base, `/entries?q=${encodeURIComponent(q)}`, h.token);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'FLT_ERR_REGEX');
    assert.match(bad.body.error.message, /`\\1` is a backreference, which RE2 does not have/);
    assert.deepEqual(bad.body.error.position, { offset: 21, line: 1, column: 22 });
  });

  it('exposes the documented metrics with sane values', async () => {
    assert.equal(await h.source.play(FIXTURE), 0, 'no target yet: this replay counts nowhere');
    const feed = new FeedSocket(h.worker.port, h.token, '?q=');
    await feed.ready();
    assert.equal((await putJson(h.base, '/targets', LOCAL_TARGET, h.token)).status, 200);
    for (let play = 0; play < 2; play++) assert.equal(await h.source.play(FIXTURE), FIXTURE_PACKETS);
    await feed.until(() => feed.entries.length >= 2 * FIXTURE_ENTRIES, 'the entries of both replays');
    assert.equal(feed.entries.length, 2 * FIXTURE_ENTRIES);
    const text = await (await fetch(h.base + '/metrics')).text();
    for (const name of [
      'received_packets_total',
      'dropped_packets_total',
      'queued_packets',
      'duplicate_packets_total',
      'dissected_packets_total',
      'shed_bytes_total',
      'entries_total',
      'gaps_total',
      'live_streams',
      'store_bytes',
      'store_entries',
      'store_evicted_entries_total',
      'store_evicted_segments_total',
      'feed_clients',
      'feed_lost_entries_total',
      'feed_entries_evaluated_total',
      'feed_entries_filtered_total',
      'feed_entries_sent_total',
      'pipeline_errors_total',
      'targets',
      'captures',
      'captures_failing',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
    ]) {
      assert.match(text, new RegExp(`^# TYPE shoal_worker_${name} `, 'm'), name);
    }
    assert.equal(metricValue(text, 'shoal_worker_received_packets_total'), 2 * FIXTURE_PACKETS);
    assert.equal(metricValue(text, 'shoal_worker_dissected_packets_total'), 2 * FIXTURE_PACKETS);
    assert.equal(metricValue(text, 'shoal_worker_dropped_packets_total'), 0);
    assert.equal(metricValue(text, 'shoal_worker_queued_packets'), 0, 'every replayed packet reached the pipeline');
    assert.equal(metricValue(text, 'shoal_worker_entries_total{protocol="http"}'), 2 * FIXTURE_ENTRIES);
    assert.equal(metricValue(text, 'shoal_worker_store_entries'), 2 * FIXTURE_ENTRIES);
    assert.ok(metricValue(text, 'shoal_worker_store_bytes')! > 2 * FIXTURE_PACKETS * 66);
    assert.equal(metricValue(text, 'shoal_worker_targets'), 1);
    assert.equal(metricValue(text, 'shoal_worker_pipeline_errors_total'), 0);
    assert.equal(metricValue(text, 'shoal_worker_captures'), 1);
    assert.equal(metricValue(text, 'shoal_worker_feed_clients'), 1);
    assert.equal(metricValue(text, 'shoal_worker_live_streams'), 2, 'each replay\'s connection had a packet within the idle timeout');
    assert.ok(metricValue(text, 'shoal_worker_process_resident_memory_bytes')! > 10e6);
    const stats = (await getJson(h.base, '/stats', h.token)).body;
    assert.equal(stats.engine.entries, 2 * FIXTURE_ENTRIES);
    assert.equal(stats.capture.totals.delivered, 2 * FIXTURE_PACKETS);
    assert.equal(stats.capture.totals.queued, 0);
    assert.equal(stats.store.entries, 2 * FIXTURE_ENTRIES);
    await feed.close();
  });

  it('refuses bad targets and resolution tables with 400 and keeps the previous ones', async () => {
    const web = { pod: 'web-1', namespace: 'shop', service: 'web' };
    assert.equal((await putJson(h.base, '/resolution', { '127.0.0.1': web }, h.token)).status, 200);
    assert.equal((await putJson(h.base, '/targets', LOCAL_TARGET, h.token)).status, 200);
    for (const [path, body] of [
      ['/targets', [{ ip: '10.0.0.1 or port 22', name: 'x', namespace: 'y' }]],
      ['/targets', { ip: '10.0.0.1' }],
      ['/targets', [{ ip: '10.0.0.2', name: 'fine', namespace: 'y' }, { ip: 'nope', name: 'bad', namespace: 'y' }]],
      ['/resolution', [1, 2]],
      ['/resolution', { '10.0.0.1': { pod: 7 } }],
      // Valid for 127.0.0.1, bad for another address: none of it may be applied.
      ['/resolution', { '127.0.0.1': { pod: 'impostor', namespace: 'elsewhere' }, '10.0.0.1': { pod: 7 } }],
    ] as const) {
      const res = await putJson(h.base, path, body, h.token);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.equal(res.body.error.code, 'WRK_ERR_BAD_REQUEST');
    }
    assert.equal((await getJson(h.base, '/health', undefined)).body.targets, 1);
    assert.deepEqual((await getJson(h.base, '/stats', h.token)).body.capture.captures.map((c: Json) => c.filter), ['host 127.0.0.1']);
    // The resolution table has no GET: the names on new entries show which table is in force.
    for (const e of await captureFixture()) {
      for (const side of [e.src, e.dst]) {
        assert.deepEqual([side.name, side.pod, side.namespace, side.service], ['web-1', 'web-1', 'shop', 'web'], `${e.summary.text}: ${JSON.stringify(side)}`);
      }
    }
  });
  it('applies PATCH /resolution upserts, then removals, to the names of new entries', async () => {
    const names = (entries: Json[]): string[][] => entries.flatMap((e: Json) => [e.src, e.dst].map((side: Json) => [side.name, side.pod, side.namespace, side.service]));
    const web = { pod: 'web-1', namespace: 'shop', service: 'web' };
    assert.equal((await putJson(h.base, '/resolution', { '127.0.0.1': web, '10.0.0.9': { service: 'db' } }, h.token)).status, 200);
    const upsert = await sendJson('PATCH', h.base, '/resolution', { upsert: { '127.0.0.1': { pod: 'api-2', namespace: 'shop' }, '10.0.0.7': { pod: 'x' } } }, h.token);
    assert.deepEqual(upsert, { status: 200, body: { ok: true, addresses: 3, version: null } });
    for (const side of names(await captureFixture())) assert.deepEqual(side, ['api-2', 'api-2', 'shop', undefined], 'the upsert replaced the workload whole');
    const remove = await sendJson('PATCH', h.base, '/resolution', { remove: ['127.0.0.1', '10.0.0.7', '192.0.2.99'] }, h.token);
    assert.deepEqual(remove, { status: 200, body: { ok: true, addresses: 1, version: null } }, 'removing an unknown address is no error');
    for (const side of names(await captureFixture())) assert.deepEqual(side, [undefined, undefined, undefined, undefined]);
    const both = await sendJson('PATCH', h.base, '/resolution', { upsert: { '127.0.0.1': web }, remove: ['10.0.0.9'] }, h.token);
    assert.deepEqual(both, { status: 200, body: { ok: true, addresses: 1, version: null } });
    for (const side of names(await captureFixture())) assert.deepEqual(side, ['web-1', 'web-1', 'shop', 'web']);
  });

  it('refuses a bad PATCH /resolution with 400 and changes nothing', async () => {
    const web = { pod: 'web-1', namespace: 'shop', service: 'web' };
    assert.equal((await putJson(h.base, '/resolution', { '127.0.0.1': web }, h.token)).status, 200);
    for (const body of [
      [],
      'remove',
      { remove: '127.0.0.1' },
      { remove: ['127.0.0.1', 7] },
      { upsert: [] },
      { removes: ['127.0.0.1'] },
      // Each of these has a valid part that would change 127.0.0.1: none of it may be applied.
      { upsert: { '127.0.0.1': { pod: 'impostor' }, '10.0.0.1': { pod: 7 } } },
      { upsert: { '127.0.0.2': { pod: 'ok' } }, remove: ['127.0.0.1', null] },
      { remove: ['127.0.0.1'], upsert: { '10.0.0.1': 'web' } },
    ]) {
      const res = await sendJson('PATCH', h.base, '/resolution', body, h.token);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'WRK_ERR_BAD_REQUEST');
    }
    assert.equal((await getJson(h.base, '/stats', h.token)).body.resolution, 1);
    for (const e of await captureFixture()) {
      for (const side of [e.src, e.dst]) assert.deepEqual([side.name, side.pod, side.namespace, side.service], ['web-1', 'web-1', 'shop', 'web']);
    }
  });
});
