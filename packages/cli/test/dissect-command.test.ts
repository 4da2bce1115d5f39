/**
 * `shoal dissect` end to end: the real bin/shoal on the real fixture captures of @shoal/dissect,
 * checked against their reviewed goldens (X.expected.json) and, for counters, against a
 * packet count taken from the file by an independent reader (helpers/pcap-records.ts).
 */

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import {
  asGolden,
  fixture,
  fixtureAbs,
  golden,
  parseNdjson,
  parseStats,
  summaries,
  type EntryJson,
  type MessageJson,
} from './helpers/fixtures.js';
import { pcapRecords } from './helpers/pcap-records.js';
import { describeRun, lines, shoal } from './helpers/run-shoal.js';

const KEEP_ALIVE = fixture('keep-alive.pcap');
const WEBSOCKET = fixture('websocket.pcap');
const keepAlive = golden('keep-alive.pcap');
const websocket = golden('websocket.pcap');

describe('shoal dissect: output formats', () => {
  it('has goldens with entries to compare with', () => {
    assert.deepEqual(summaries(keepAlive.entries), [
      'GET / -> 200',
      'GET /api/users -> 200',
      'GET /missing -> 404',
      'POST /api/orders -> 201',
    ]);
  });

  it('--format ndjson: one Entry per line, equal to the golden entries', async () => {
    const r = await shoal('dissect', KEEP_ALIVE, '--format', 'ndjson');
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(r.stderr, '');
    const entries = parseNdjson(r.stdout);
    assert.equal(lines(r.stdout).length, keepAlive.entries.length);
    assert.deepStrictEqual(asGolden(entries), keepAlive.entries);
  });

  it('--format json: one array, equal to the golden entries', async () => {
    const r = await shoal('dissect', KEEP_ALIVE, '--format', 'json');
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(r.stderr, '');
    const parsed = JSON.parse(r.stdout) as unknown;
    assert.ok(Array.isArray(parsed), 'stdout is one JSON array');
    assert.deepStrictEqual(asGolden(parsed as EntryJson[]), keepAlive.entries);
  });

  it('--format json with nothing to print is an empty array', async () => {
    const r = await shoal('dissect', KEEP_ALIVE, '--format', 'json', '--limit', '0');
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(JSON.parse(r.stdout), []);
  });

  it('--format table: a header line, then one row per entry', async () => {
    const r = await shoal('dissect', KEEP_ALIVE, '--format', 'table');
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(r.stderr, '');
    const [header, ...rows] = lines(r.stdout);
    assert.match(header ?? '', /^TIME\s+PROTO\s+SOURCE\s+DESTINATION\s+SUMMARY\s+ELAPSED\s+REQ\s+RESP$/);
    assert.equal(rows.length, keepAlive.entries.length, r.stdout);
    keepAlive.entries.forEach((e, i) => {
      const row = rows[i] ?? '';
      assert.ok(row.includes(e.summary.text), `row ${i + 1} shows '${e.summary.text}': ${row}`);
      assert.ok(row.includes(`${e.src.ip}:${e.src.port}`), `row ${i + 1} shows the source: ${row}`);
      assert.ok(row.includes(`${e.dst.ip}:${e.dst.port}`), `row ${i + 1} shows the destination: ${row}`);
      assert.ok(row.includes(e.protocol.abbr), `row ${i + 1} shows the protocol: ${row}`);
    });
    assert.ok(rows.some((row) => row.includes('GET /api/users -> 200')));
  });

  it('writes ndjson when no --format is given and stdout is not a terminal', async () => {
    const [byDefault, explicit] = await Promise.all([
      shoal('dissect', KEEP_ALIVE),
      shoal('dissect', KEEP_ALIVE, '--format', 'ndjson'),
    ]);
    assert.equal(byDefault.code, 0, describeRun(byDefault));
    assert.equal(byDefault.stdout, explicit.stdout);
    assert.deepStrictEqual(asGolden(parseNdjson(byDefault.stdout)), keepAlive.entries);
  });

  it('gives the golden entries for a pcapng capture too', async () => {
    const r = await shoal('dissect', fixture('dumpcap.pcapng'));
    assert.equal(r.code, 0, describeRun(r));
    assert.deepStrictEqual(asGolden(parseNdjson(r.stdout)), golden('dumpcap.pcapng').entries);
  });
});

describe('shoal dissect --protocol', () => {
  it('has a fixture with both an http entry and ws entries (the upgrade, then the messages)', () => {
    assert.deepEqual(websocket.entries.map((e) => e.protocol.name).sort(), ['http', 'ws', 'ws']);
  });

  for (const name of ['http', 'ws']) {
    it(`--protocol ${name} keeps only ${name} entries`, async () => {
      const r = await shoal('dissect', WEBSOCKET, '--protocol', name);
      assert.equal(r.code, 0, describeRun(r));
      const want = websocket.entries.filter((e) => e.protocol.name === name);
      assert.ok(want.length > 0);
      assert.deepStrictEqual(asGolden(parseNdjson(r.stdout)), want);
    });
  }

  // gRPC and GraphQL are not dissectors of their own but what HTTP/2 and HTTP carry: selectable too.
  for (const [name, capture] of [['grpc', '../grpc/calls.pcap'], ['graphql', '../graphql/http1.pcap']] as const) {
    it(`--protocol ${name} keeps only ${name} entries (one carried by HTTP)`, async () => {
      const r = await shoal('dissect', fixture(capture), '--protocol', name);
      assert.equal(r.code, 0, describeRun(r));
      const want = golden(capture).entries.filter((e) => e.protocol.name === name);
      assert.ok(want.length >= 5);
      assert.deepStrictEqual(summaries(parseNdjson(r.stdout)), summaries(want));
    });
  }

  it('--protocol udp on a TCP-only capture prints nothing and succeeds', async () => {
    const r = await shoal('dissect', WEBSOCKET, '--protocol', 'udp');
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(r.stdout, '');
  });

  it('--protocol nope is a usage error (exit 2, CLI_ERR_USAGE, nothing on stdout)', async () => {
    const r = await shoal('dissect', WEBSOCKET, '--protocol', 'nope');
    assert.equal(r.code, 2, describeRun(r));
    assert.equal(r.stdout, '');
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, /CLI_ERR_USAGE/);
    assert.match(r.stderr, /nope/);
  });
});

describe('shoal dissect --limit', () => {
  it('--limit 2 prints exactly the first 2 entries', async () => {
    const r = await shoal('dissect', KEEP_ALIVE, '--limit', '2');
    assert.equal(r.code, 0, describeRun(r));
    assert.deepStrictEqual(asGolden(parseNdjson(r.stdout)), keepAlive.entries.slice(0, 2));
  });

  it('--limit 2 --format json is a complete array of 2', async () => {
    const r = await shoal('dissect', KEEP_ALIVE, '--limit', '2', '--format', 'json');
    assert.equal(r.code, 0, describeRun(r));
    assert.deepStrictEqual(asGolden(JSON.parse(r.stdout) as EntryJson[]), keepAlive.entries.slice(0, 2));
  });

  it('--limit 0 prints no entry', async () => {
    const r = await shoal('dissect', KEEP_ALIVE, '--limit', '0');
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(r.stdout, '');
  });

  it('--limit above the entry count prints them all', async () => {
    const r = await shoal('dissect', KEEP_ALIVE, '--limit', '1000');
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(parseNdjson(r.stdout).length, keepAlive.entries.length);
  });

  it('--limit counts only the entries --protocol keeps', async () => {
    const r = await shoal('dissect', WEBSOCKET, '--protocol', 'ws', '--limit', '1');
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(parseNdjson(r.stdout).map((e) => e.protocol.name), ['ws']);
  });
});

describe('shoal dissect --stats', () => {
  for (const capture of ['keep-alive.pcap', 'websocket.pcap', 'large-body.pcap']) {
    it(`${capture}: counters on stderr match the file and the golden`, async () => {
      const r = await shoal('dissect', fixture(capture), '--stats');
      assert.equal(r.code, 0, describeRun(r));
      const stats = parseStats(r.stderr);
      // Independent of the engine and the capture package: records in the file, their wire lengths.
      const records = pcapRecords(fs.readFileSync(fixtureAbs(capture)));
      assert.equal(stats['packets'], records.length, 'packets');
      assert.equal(stats['bytes'], records.reduce((n, rec) => n + rec.originalLength, 0), 'bytes');
      assert.equal(stats['entries'], parseNdjson(r.stdout).length, 'entries');
      for (const key of ['flows', 'gaps', 'malformed']) assert.equal(typeof stats[key], 'number', key);
      assert.deepEqual(stats['shedBytes'], {}, 'shedBytes');
      assert.deepStrictEqual(stats, golden(capture).stats);
    });
  }

  it('keep-alive.pcap: the numbers a person checked', async () => {
    const r = await shoal('dissect', KEEP_ALIVE, '--stats', '--format', 'table');
    const stats = parseStats(r.stderr);
    // 16 packets: `tshark -r keep-alive.pcap | wc -l` and capinfos ("Number of packets: 16",
    // "Data size: 5753 bytes"); one curl keep-alive connection with 4 requests, no loss.
    assert.equal(stats['packets'], 16);
    assert.equal(stats['bytes'], 5753);
    assert.equal(stats['flows'], 1);
    assert.equal(stats['gaps'], 0);
    assert.equal(stats['malformed'], 0);
    assert.equal(stats['entries'], 4);
    assert.deepEqual(stats['entriesByProtocol'], { http: 4 });
    assert.deepEqual(stats['shedBytes'], {});
  });

  it('nothing on stderr without --stats (and no progress line when stderr is not a terminal)', async () => {
    const r = await shoal('dissect', KEEP_ALIVE);
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(r.stderr, '');
  });
});

/** The body's bytes: base64 bodies are decoded, text bodies are UTF-8. */
function bodyBytes(msg: MessageJson): number {
  if (msg.body === undefined) return 0;
  return msg.bodyEncoding === 'base64' ? Buffer.from(msg.body, 'base64').length : Buffer.byteLength(msg.body);
}

function messages(entries: EntryJson[]): MessageJson[] {
  return entries.flatMap((e) => [e.request, e.response]).filter((m): m is MessageJson => m !== null);
}

describe('shoal dissect --body-cap', () => {
  for (const capture of ['keep-alive.pcap', 'large-body.pcap']) {
    it(`${capture}: --body-cap 10 keeps at most 10 bytes and marks longer bodies truncated`, async () => {
      const [capped, full] = await Promise.all([
        shoal('dissect', fixture(capture), '--body-cap', '10'),
        shoal('dissect', fixture(capture), '--body-cap', '100000000'),
      ]);
      assert.equal(capped.code, 0, describeRun(capped));
      assert.equal(full.code, 0, describeRun(full));
      const cappedMsgs = messages(parseNdjson(capped.stdout));
      const fullMsgs = messages(parseNdjson(full.stdout));
      assert.equal(cappedMsgs.length, fullMsgs.length);
      let cut = 0;
      cappedMsgs.forEach((m, i) => {
        const whole = fullMsgs[i]!;
        assert.ok(bodyBytes(m) <= 10, `message ${i}: ${bodyBytes(m)} bytes kept`);
        assert.equal(m.bodySize, whole.bodySize, `message ${i}: bodySize is what was on the wire`);
        if (bodyBytes(whole) > 10) {
          cut++;
          assert.equal(m.truncated, true, `message ${i}: a ${bodyBytes(whole)}-byte body is cut`);
          assert.ok(whole.body!.startsWith(m.body ?? ''), `message ${i}: the kept part is the start of the body`);
        } else {
          assert.equal(m.truncated, whole.truncated, `message ${i}: a short body is not cut`);
          assert.equal(m.body, whole.body);
        }
      });
      assert.ok(cut >= 2, `only ${cut} bodies over 10 bytes in ${capture}`);
    });
  }

  it('without --body-cap a body over the 65536-byte default is cut there', async () => {
    const r = await shoal('dissect', fixture('large-body.pcap'));
    const big = messages(parseNdjson(r.stdout)).filter((m) => m.bodySize > 65536);
    assert.equal(big.length, 2, 'the fixture\'s two bodies over 64 KiB');
    for (const m of big) {
      assert.equal(m.truncated, true);
      assert.ok(bodyBytes(m) <= 65536 && bodyBytes(m) > 60000, `${bodyBytes(m)} bytes kept`);
    }
  });
});
