/**
 * The hub's HTTP routes against two real workers: /entries/:id routed by the id's worker,
 * /pcap merged from both workers (checked with tshark), /entries history, /query/validate,
 * /metrics, and the client token.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { allUp, FIXTURES, getJson, startCluster, type Cluster, type Json } from './helpers/cluster.js';
import { FeedSocket } from './helpers/feed-socket.js';

/**
 * tshark's view of a pcap: packets with their stream ports and times. Run asynchronously: the
 * hub and workers share this process, and a blocked event loop would look like dead workers.
 */
async function tsharkFields(file: string): Promise<{ port: string; time: number }[]> {
  const { stdout: out } = await promisify(execFile)('tshark', ['-r', file, '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'frame.time_epoch'], { encoding: 'utf8' });
  return out.trim().split('\n').filter((l) => l !== '').map((line) => {
    const [src, dst, time] = line.split('\t') as [string, string, string];
    // The fixtures' clients use ephemeral ports below their servers' (40291, 40757): the lower
    // port names the stream.
    return { port: String(Math.min(Number(src), Number(dst))), time: Number(time) };
  });
}

describe('hub routes over two workers', () => {
  let c: Cluster;
  let entries: Json[] = [];
  const dir = fs.mkdtempSync(join(tmpdir(), 'shoal-hub-pcap-'));

  before(async () => {
    c = await startCluster(['node-a', 'node-b']);
    await allUp(c);
    const client = new FeedSocket(c.hub.port, '?q=');
    await client.ready();
    // Two workers capturing at the same time: their packets interleave in the merged pcap.
    await Promise.all([c.workers[0]!.play(FIXTURES.keepAlive.path), c.workers[1]!.play(FIXTURES.gzip.path)]);
    await c.workers[0]!.play(FIXTURES.head.path);
    const total = FIXTURES.keepAlive.entries + FIXTURES.head.entries + FIXTURES.gzip.entries;
    await client.until(() => client.entries.length >= total, `the ${total} entries of the three fixtures`);
    assert.equal(client.entries.length, total);
    entries = client.entries;
    await client.close();
  });
  after(async () => {
    await c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('GET /entries/:id asks the worker named in the id', async () => {
    for (const entry of [entries.find((e) => e.worker === 'node-a'), entries.find((e) => e.worker === 'node-b')]) {
      const got = await getJson(c.hubBase, `/entries/${entry.id}`);
      assert.equal(got.status, 200);
      assert.deepEqual(got.body, entry);
      const encoded = await getJson(c.hubBase, `/entries/${encodeURIComponent(entry.id)}`);
      assert.deepEqual(encoded.body, entry);
    }
    const unknownWorker = await getJson(c.hubBase, '/entries/node-z/abc/1');
    assert.equal(unknownWorker.status, 404);
    assert.equal(unknownWorker.body.error.code, 'HUB_ERR_NOT_FOUND');
    assert.match(unknownWorker.body.error.message, /no worker 'node-z'/);
    const unknownEntry = await getJson(c.hubBase, '/entries/node-a/abc/999999');
    assert.equal(unknownEntry.status, 404);
    assert.equal(unknownEntry.body.error.code, 'HUB_ERR_NOT_FOUND');
  });

  it('GET /pcap?ids= merges exactly the requested streams of both workers in time order; tshark reads it', async () => {
    const keepAlive = entries.find((e) => e.worker === 'node-a' && e.src.port === 34494);
    const gzip = entries.find((e) => e.worker === 'node-b');
    const res = await fetch(`${c.hubBase}/pcap?ids=${keepAlive.id},${gzip.id},node-a/nope/1`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.tcpdump.pcap');
    assert.equal(res.headers.get('x-shoal-streams'), '2');
    assert.equal(res.headers.get('x-shoal-missing-ids'), '1');
    const file = join(dir, 'ids.pcap');
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const packets = await tsharkFields(file);
    assert.equal(packets.length, FIXTURES.keepAlive.packets + FIXTURES.gzip.packets);
    assert.deepEqual(new Set(packets.map((p) => p.port)), new Set(['34494', '34506']), 'the keep-alive and gzip streams, not head');
    assert.ok(packets.every((p, i) => i === 0 || packets[i - 1]!.time <= p.time), 'packets in time order');
  });

  it('GET /pcap?q= merges the matching streams of every worker', async () => {
    const res = await fetch(`${c.hubBase}/pcap?q=${encodeURIComponent('method == "HEAD" || response.headers["content-encoding"] == "gzip"')}&filename=${encodeURIComponent('../head "or" gzip')}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="head_or_gzip.pcap"', 'the asked name, kept to safe characters');
    const file = join(dir, 'q.pcap');
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const packets = await tsharkFields(file);
    assert.deepEqual(new Set(packets.map((p) => p.port)), new Set(['34532', '34506']));
    assert.equal(packets.length, FIXTURES.head.packets + FIXTURES.gzip.packets);
    const named = await fetch(`${c.hubBase}/pcap?q=http&filename=${encodeURIComponent('../my "capture"')}`);
    assert.equal(named.headers.get('content-disposition'), 'attachment; filename="my_capture_.pcap"');
    await named.body?.cancel();
    const unnamed = await fetch(`${c.hubBase}/pcap?q=http`);
    assert.match(unnamed.headers.get('content-disposition')!, /^attachment; filename="shoal-hub-\d+\.pcap"$/);
    await unnamed.body?.cancel();
    const bad = await getJson(c.hubBase, `/pcap?q=${encodeURIComponent('method ==')}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'FLT_ERR_SYNTAX');
    assert.equal(bad.body.error.position.offset, 9);
  });

  it('GET /pcap?ids= of unknown entries is a 404', async () => {
    const res = await getJson(c.hubBase, '/pcap?ids=node-a/nope/1,node-q/x/2');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'HUB_ERR_NOT_FOUND');
  });

  it('POST /query/validate answers the filter package\'s error with its position', async () => {
    const post = (body: string, type = 'application/json') => fetch(`${c.hubBase}/query/validate`, { method: 'POST', headers: { 'content-type': type }, body }).then(async (r) => ({ status: r.status, body: await r.json() as Json }));
    const ok = await post(JSON.stringify({ filter: 'http && status_code >= 500' }));
    assert.equal(ok.status, 200);
    assert.equal(ok.body.ok, true);
    const bad = await post(JSON.stringify({ filter: 'status_code == "x"' }));
    assert.equal(bad.body.ok, false);
    assert.equal(bad.body.error.code, 'FLT_ERR_TYPE');
    assert.equal(typeof bad.body.error.position.column, 'number');
    const text = await post('method ==', 'text/plain');
    assert.equal(text.body.error.code, 'FLT_ERR_SYNTAX');
  });

  it('GET /metrics counts workers up and deliveries under shoal_hub_*', async () => {
    const text = await (await fetch(`${c.hubBase}/metrics`)).text();
    assert.match(text, /^shoal_hub_workers_up 2$/m);
    assert.match(text, /^shoal_hub_feed_delivered_entries_total [1-9]/m);
    assert.match(text, /^shoal_hub_process_resident_memory_bytes /m);
  });

  it('GET /status shows each worker\'s capture, packets and store', async () => {
    const { body } = await getJson(c.hubBase, '/status');
    assert.equal(body.up, 2);
    for (const w of body.workers) {
      assert.equal(w.up, true);
      assert.equal(w.lastError, null);
      assert.deepEqual(w.capture, { requested: 'pcap_file', backends: ['pcap_file'] });
      assert.ok(w.packets.received > 0);
      assert.equal(typeof w.store.bytes, 'number');
    }
  });
});

describe('hub with a client token', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster(['node-a'], { token: 'hub-secret' });
  });
  after(async () => c.close());

  it('refuses routes and the WebSocket without it, but not /health and /metrics', async () => {
    const refused = await getJson(c.hubBase, '/status');
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error.code, 'HUB_ERR_UNAUTHORIZED');
    assert.equal((await getJson(c.hubBase, '/status', { authorization: 'Bearer hub-secret' })).status, 200);
    // Through the API server's service proxy, which removes Authorization: the token's own header.
    assert.equal((await getJson(c.hubBase, '/status', { 'x-shoal-token': 'hub-secret' })).status, 200);
    assert.equal((await getJson(c.hubBase, '/status', { 'x-shoal-token': 'wrong', authorization: 'Bearer hub-secret' })).status, 401);
    assert.equal((await getJson(c.hubBase, '/health')).status, 200);
    const socket = new FeedSocket(c.hub.port, '?q=');
    await assert.rejects(socket.opened());
    const allowed = new FeedSocket(c.hub.port, '?q=', { authorization: 'Bearer hub-secret' });
    await allowed.ready();
    await allowed.close();
  });
});
