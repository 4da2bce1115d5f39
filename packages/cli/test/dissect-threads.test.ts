/**
 * `shoal dissect --threads N`: several threads, each following its share of the flows, print
 * byte for byte what one thread prints. The capture is every fixture capture of @shoal/dissect
 * merged into one by Wireshark's mergecap (HTTP/1, HTTP/2, gRPC, GraphQL, WebSocket, DNS over UDP
 * and TCP, TLS, ICMP; Ethernet, VLAN and Linux cooked link layers; flows that end, idle out and
 * stay open to the end), so that entries of every kind, emitted while packets are handled, when
 * timeouts are swept and at the end, are put back in order.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixtureAbs, parseNdjson, parseStats } from './helpers/fixtures.js';
import { REPO_ROOT, describeRun, lines, shoal, type ShoalRun } from './helpers/run-shoal.js';

const FIXTURES = path.join(REPO_ROOT, 'packages', 'dissect', 'test', 'fixtures');

/** Every capture file under the fixtures folder. */
function captures(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return captures(p);
    return /\.pcap(ng)?$/.test(d.name) ? [p] : [];
  });
}

async function ok(...args: string[]): Promise<ShoalRun> {
  const r = await shoal(...args);
  assert.equal(r.code, 0, describeRun(r));
  return r;
}

describe('shoal dissect --threads', () => {
  let dir = '';
  let merged = '';
  let single: ShoalRun;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-threads-'));
    merged = path.join(dir, 'merged.pcapng');
    execFileSync('mergecap', ['-w', merged, ...captures(FIXTURES)]);
    single = await ok('dissect', merged, '--format', 'ndjson', '--threads', '1', '--stats');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has a merged capture of many protocols and flows to split', () => {
    const entries = parseNdjson(single.stdout);
    const protocols = new Set(entries.map((e) => e.protocol.name));
    for (const p of ['http', 'http2', 'grpc', 'graphql', 'ws', 'dns', 'tls', 'icmp']) assert.ok(protocols.has(p), `a ${p} entry`);
    assert.ok(new Set(entries.map((e) => e.stream)).size > 50, 'more than 50 streams');
  });

  for (const threads of ['2', '3']) {
    it(`ndjson with ${threads} threads: the same bytes, ids and streams included, and the same counters`, async () => {
      const r = await ok('dissect', merged, '--format', 'ndjson', '--threads', threads, '--stats');
      assert.ok(r.stdout === single.stdout, 'the same ndjson');
      assert.deepEqual(parseStats(r.stderr), parseStats(single.stderr));
    });
  }

  it('table with 2 threads: the same rows', async () => {
    const [one, two] = await Promise.all([ok('dissect', merged, '--format', 'table', '--threads', '1'), ok('dissect', merged, '--format', 'table', '--threads', '2')]);
    assert.ok(lines(one.stdout).length > 100);
    assert.ok(two.stdout === one.stdout, 'the same table');
  });

  it('--limit and --protocol with 2 threads: the first entries, of that protocol', async () => {
    const limited = await ok('dissect', merged, '--format', 'ndjson', '--threads', '2', '--limit', '25');
    assert.deepEqual(lines(limited.stdout), lines(single.stdout).slice(0, 25));
    const [dnsOne, dnsTwo] = await Promise.all([
      ok('dissect', merged, '--format', 'ndjson', '--threads', '1', '--protocol', 'dns'),
      ok('dissect', merged, '--format', 'ndjson', '--threads', '2', '--protocol', 'dns'),
    ]);
    assert.ok(lines(dnsOne.stdout).length > 10);
    assert.ok(dnsTwo.stdout === dnsOne.stdout, 'the same DNS entries');
  });

  it('a capture cut in a record: the same entries and warning, exit 1', async () => {
    const bytes = fs.readFileSync(fixtureAbs('keep-alive.pcap'));
    const cut = path.join(dir, 'cut.pcap');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    const [one, two] = await Promise.all([shoal('dissect', cut, '--threads', '1'), shoal('dissect', cut, '--threads', '2')]);
    assert.equal(one.code, 1, describeRun(one));
    assert.equal(two.code, 1, describeRun(two));
    assert.match(two.stderr, /CAP_ERR_TRUNCATED/);
    assert.equal(two.stderr, one.stderr);
    assert.equal(two.stdout, one.stdout);
  });

  it('refuses a thread count out of range, and threads for json', async () => {
    for (const args of [['--threads', '0'], ['--threads', '17'], ['--threads', 'two'], ['--threads', '2', '--format', 'json']]) {
      const r = await shoal('dissect', merged, ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${describeRun(r)}`);
      assert.match(r.stderr, /--threads/);
    }
  });
});
