import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PacketSink } from '@shoal/model';
import { CaptureFileReader } from '@shoal/capture';
import { FeedSocket, FIXTURE, FIXTURE_ENTRIES, FIXTURE_PACKETS, getJson, LOCAL_TARGET, putJson, startHarness, type Harness, type Json } from './helpers/harness.js';

interface Packet {
  linkType: number;
  ts: number;
  bytes: string;
  wire: number;
}

function readPcap(path: string): Packet[] {
  const out: Packet[] = [];
  const sink: PacketSink = {
    onPacket: (linkType, ts, data, offset, caplen, wire) => out.push({ linkType, ts, bytes: data.toString('hex', offset, offset + caplen), wire }),
  };
  const reader = CaptureFileReader.open(path);
  reader.readAll(sink);
  reader.close();
  assert.deepEqual(reader.warnings, []);
  return out;
}

function hasTshark(): boolean {
  return spawnSync('tshark', ['--version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

let h: Harness;
let entries: Json[];
before(async () => {
  h = await startHarness();
  await putJson(h.base, '/targets', LOCAL_TARGET, h.token);
  const feed = new FeedSocket(h.worker.port, h.token, '?q=');
  await feed.ready();
  await h.source.play(FIXTURE);
  await h.source.play(FIXTURE);
  await feed.until(() => feed.entries.length === 2 * FIXTURE_ENTRIES, 'the entries of both replays');
  entries = feed.entries;
  await feed.close();
});
after(() => h.close());

async function download(query: string): Promise<{ res: Response; path: string }> {
  const res = await fetch(`${h.base}/pcap?${query}`, { headers: { authorization: `Bearer ${h.token}` } });
  const path = join(h.dataDir, `export-${Date.now()}-${Math.random().toString(36).slice(2)}.pcap`);
  fs.writeFileSync(path, Buffer.from(await res.arrayBuffer()));
  return { res, path };
}

describe('GET /pcap', () => {
  it('exports the stored packets of the streams of the given entries, as captured', async () => {
    const first = entries[0];
    assert.notEqual(first.stream, entries[FIXTURE_ENTRIES].stream, 'each replay is its own stream');
    const { res, path } = await download(`ids=${encodeURIComponent(first.id)},${entries[1].id}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.tcpdump.pcap');
    assert.equal(res.headers.get('x-shoal-streams'), '1');
    assert.equal(res.headers.get('x-shoal-link-type'), '1');
    assert.equal(res.headers.get('x-shoal-skipped-packets'), '0');
    const got = readPcap(path);
    const original = readPcap(FIXTURE);
    assert.equal(got.length, FIXTURE_PACKETS);
    assert.deepEqual(got.map((p) => p.bytes), original.map((p) => p.bytes));
    assert.deepEqual(got.map((p) => p.wire), original.map((p) => p.wire));
    // The replay moved the clock to "now"; the spacing of the packets is kept (to the µs).
    const spacing = (ps: Packet[]) => ps.map((p) => Math.round((p.ts - ps[0]!.ts) * 1000));
    assert.deepEqual(spacing(got), spacing(original));
    assert.ok(Math.abs(got[0]!.ts - first.timestamp) < 1, 'the first packet is the entry\'s request time');
  });

  it('opens in tshark, when tshark is installed', { skip: hasTshark() ? false : 'tshark is not installed' }, async () => {
    const { path } = await download(`ids=${entries[3].id}`);
    const r = spawnSync('tshark', ['-r', path, '-Y', 'http.request', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.request.uri'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['GET\t/', 'GET\t/api/users', 'GET\t/missing', 'POST\t/api/orders']);
  });

  it('exports by filter and time range', async () => {
    const both = await download(`q=${encodeURIComponent('method == "POST"')}`);
    assert.equal(both.res.headers.get('x-shoal-streams'), '2');
    assert.equal(readPcap(both.path).length, 2 * FIXTURE_PACKETS);
    const second = entries[FIXTURE_ENTRIES].timestamp;
    const late = await download(`q=${encodeURIComponent('method == "POST"')}&from=${second}&to=${second + 60_000}`);
    assert.equal(late.res.headers.get('x-shoal-streams'), '1');
    assert.equal(readPcap(late.path).length, FIXTURE_PACKETS);
    const none = await download(`q=${encodeURIComponent('method == "DELETE"')}`);
    assert.equal(none.res.status, 200);
    assert.equal(readPcap(none.path).length, 0);
  });

  it('answers unknown ids with 404 and a bad filter with its positioned error', async () => {
    const unknown = await getJson(h.base, '/pcap?ids=test-node/nope/1', h.token);
    assert.equal(unknown.status, 404);
    const bad = await getJson(h.base, `/pcap?q=${encodeURIComponent('method ==')}`, h.token);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.code, /^FLT_ERR_/);
    assert.equal(bad.body.error.position.line, 1);
    const neither = await getJson(h.base, '/pcap', h.token);
    assert.equal(neither.status, 400);
  });
});
