/**
 * Golden captures: every pcap/pcapng under test/fixtures/http1/ (made by fixtures/generate.sh from
 * real servers and clients; the DNS ones have dns-golden.test.ts) is dissected with the default engine, and the entries and counters are
 * compared with `<name>.expected.json` beside it. `UPDATE_GOLDEN=1` rewrites the expected files:
 * read their diff, they are the reviewed truth.
 *
 * A second, independent check: tshark's view of the same capture (`<name>.tshark.json`, written by
 * the generator) must list the same requests and response statuses as our HTTP entries.
 */

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';
import { readCapture } from './helpers/capture-rewrite.js';
import { dissectFile, ofProtocol, type Dissected } from './helpers/dissect-capture.js';
import { withBodiesAbbreviated } from './helpers/golden-captures.js';
import { asSummaryDetail } from './helpers/summary-detail.js';
import type { TsharkSummary } from './helpers/tshark-summary.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
/** Captures rewritten to lose or repeat data (helpers/derive-fixtures.ts); the rest are clean. */
const DAMAGED = new Set(['gap-response', 'gap-request']);
const REWRITTEN = new Set(['out-of-order', 'retransmission', ...DAMAGED]);
const KEEP_ALIVE = ['GET / -> 200', 'GET /api/users -> 200', 'GET /missing -> 404', 'POST /api/orders -> 201'];
const USERS_MISSING = ['GET /api/users -> 200', 'GET /missing -> 404'];
/** The veth pair of the mtu-* captures (lab/lib/veth-pair.sh, addresses set in generate.sh). */
const MTU_HOSTS = ['10.244.80.1 -> 10.244.80.2'];
/**
 * The summary of an mtu-start-line-N request: generate.sh fills its request line to exactly N
 * bytes with a query of this 64-character alphabet repeated (the server's reply says N too).
 */
function startLine(n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const target = `/start-line/${n}?sig=`;
  const fill = 'GET '.length + target.length + ' HTTP/1.1'.length;
  const query = Array.from({ length: n - fill }, (_, i) => alphabet[i % alphabet.length]).join('');
  return `GET ${target}${query} -> 200`;
}
const twice = (summary: string): string[] => [summary, summary];
/**
 * What each capture holds, as read from the capture and the generator script by a person: the
 * HTTP summaries in order (with the malformed code when one is right), and the client -> server
 * pairs. Independent of the expected files, so a golden rewritten from a wrong output still fails.
 */
const REVIEWED: Record<string, { http: string[]; hosts: string[] }> = {
  'keep-alive': { http: KEEP_ALIVE, hosts: ['127.0.0.1 -> 127.0.0.1'] },
  pipelining: {
    http: ['GET / -> 200', 'GET /api/users -> 200', 'POST /api/orders -> 201', 'GET /missing -> 404'],
    hosts: ['127.0.0.1 -> 127.0.0.1'],
  },
  'chunked-trailers': { http: ['GET /chunked -> 200', 'GET /chunked -> 200'], hosts: ['127.0.0.1 -> 127.0.0.1'] },
  gzip: { http: ['GET / -> 200', 'GET /api/users -> 200'], hosts: ['127.0.0.1 -> 127.0.0.1'] },
  brotli: { http: ['GET /br -> 200', 'GET /deflate -> 200'], hosts: ['127.0.0.1 -> 127.0.0.1'] },
  'large-body': { http: ['GET /big.txt -> 200', 'POST /upload -> 201'], hosts: ['127.0.0.1 -> 127.0.0.1'] },
  'expect-100': { http: ['POST /upload -> 201', 'POST /upload -> 201'], hosts: ['127.0.0.1 -> 127.0.0.1'] },
  head: { http: ['HEAD / -> 200', 'HEAD /api/users -> 200', 'GET / -> 200'], hosts: ['127.0.0.1 -> 127.0.0.1'] },
  'status-204-304': {
    http: ['GET /health -> 204', 'GET / -> 304', 'GET / -> 304', 'GET /api/users -> 200'],
    hosts: ['127.0.0.1 -> 127.0.0.1'],
  },
  'connection-close': {
    http: ['GET / -> 200', 'GET /api/users -> 200', 'GET /close-delimited -> 200'],
    hosts: ['127.0.0.1 -> 127.0.0.1'],
  },
  ipv6: { http: ['GET / -> 200', 'GET /api/users -> 200', 'POST /api/orders -> 201'], hosts: ['::1 -> ::1'] },
  websocket: { http: ['GET /ws -> 101'], hosts: ['127.0.0.1 -> 127.0.0.1'] },
  sll: { http: USERS_MISSING, hosts: ['127.0.0.1 -> 127.0.0.1'] },
  sll2: { http: USERS_MISSING, hosts: ['127.0.0.1 -> 127.0.0.1'] },
  dumpcap: { http: USERS_MISSING, hosts: ['127.0.0.1 -> 127.0.0.1'] },
  nanosecond: { http: ['GET /api/users -> 200', 'GET /health -> 204'], hosts: ['127.0.0.1 -> 127.0.0.1'] },
  'nanosecond-editcap': { http: ['GET /api/users -> 200', 'GET /health -> 204'], hosts: ['127.0.0.1 -> 127.0.0.1'] },
  vlan: {
    http: ['GET / -> 200', 'GET /api/users -> 200', 'GET /api/users -> 200'],
    hosts: ['10.100.0.1 -> 10.100.0.2', 'fd00:100::1 -> fd00:100::2'],
  },
  qinq: { http: USERS_MISSING, hosts: ['10.200.0.1 -> 10.200.0.2'] },
  'mtu-start-line-1536': { http: twice(startLine(1536)), hosts: MTU_HOSTS },
  'mtu-start-line-4096': { http: twice(startLine(4096)), hosts: MTU_HOSTS },
  'mtu-start-line-8192': { http: twice(startLine(8192)), hosts: MTU_HOSTS },
  'mtu-start-line-16384': { http: twice(startLine(16384)), hosts: MTU_HOSTS },
  'mtu-status-line': { http: ['GET /reason/4096 -> 200', 'GET /reason/12288 -> 200'], hosts: MTU_HOSTS },
  'mtu-header-block': { http: twice('GET /headers/10240 -> 200'), hosts: MTU_HOSTS },
  'mtu-pipelining': {
    http: ['GET / -> 200', 'GET /api/users -> 200', 'POST /api/orders -> 201', 'GET /missing -> 404'],
    hosts: MTU_HOSTS,
  },
  'out-of-order': { http: KEEP_ALIVE, hosts: ['127.0.0.1 -> 127.0.0.1'] },
  retransmission: { http: KEEP_ALIVE, hosts: ['127.0.0.1 -> 127.0.0.1'] },
  'gap-response': {
    http: ['GET / -> 200 [DIS_ERR_GAP]', 'GET /api/users -> 200', 'GET /missing -> 404', 'POST /api/orders -> 201'],
    hosts: ['127.0.0.1 -> 127.0.0.1'],
  },
  'gap-request': {
    http: ['GET / -> 200', '(lost request) -> 200 [DIS_ERR_GAP]', 'GET /missing -> 404', 'POST /api/orders -> 201'],
    hosts: ['127.0.0.1 -> 127.0.0.1'],
  },
};


function captures(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && /\.(pcap|pcapng)$/.test(d.name))
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
}

const stem = (file: string): string => file.replace(/\.(pcap|pcapng)$/, '');

/** What the expected file holds: the counters and every entry, long bodies abbreviated. */
function golden(d: Dissected): unknown {
  return { warnings: d.warnings, stats: d.stats, entries: withBodiesAbbreviated(d.entries) };
}

/** Every item of `theirs` is in `ours`, counting repeats. */
function assertIncludes<T>(ours: T[], theirs: T[], what: string): void {
  const left = [...ours];
  for (const item of theirs) {
    const i = left.indexOf(item);
    assert.ok(i >= 0, `${what}: tshark found ${String(item)}, we did not (ours: ${ours.join(', ')})`);
    left.splice(i, 1);
  }
}

const files = captures(path.join(FIXTURES, 'http1'));

describe('golden captures', () => {
  it('has captures, each with a name of its own', () => {
    assert.ok(files.length >= 20, `only ${files.length} captures under ${FIXTURES}`);
    const stems = files.map((f) => path.basename(stem(f)));
    assert.deepEqual([...new Set(stems)].sort(), [...stems].sort(), 'two captures would share an expected file');
  });

  for (const file of files) {
    const name = path.basename(stem(file));
    describe(path.relative(FIXTURES, file), () => {
      // Dissected on first use, inside a test: an engine that throws fails that test only.
      let memo: Dissected | undefined;
      const result = (): Dissected => (memo ??= dissectFile(file));
      const expectedFile = `${stem(file)}.expected.json`;

      it('gives the expected entries', () => {
        const actual = golden(result());
        if (UPDATE) fs.writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + '\n');
        assert.ok(fs.existsSync(expectedFile), `${expectedFile} is missing: run with UPDATE_GOLDEN=1 and review it`);
        assert.deepStrictEqual(actual, JSON.parse(fs.readFileSync(expectedFile, 'utf8')));
      });

      it('gives the same entries in detail summary, without header fields and bodies', () => {
        const full = result();
        const summary = dissectFile(file, { detail: 'summary' });
        assert.deepStrictEqual(summary, { ...full, entries: asSummaryDetail(full.entries) });
      });

      it('holds what a person read in the capture', () => {
        const reviewed = REVIEWED[name];
        assert.ok(reviewed !== undefined, `add ${name} to REVIEWED in golden.test.ts after reading the capture`);
        const got = result();
        const http = ofProtocol(got, 'http');
        const text = http.map((e) => e.summary.text + (e.malformed !== undefined ? ` [${e.malformed.code}]` : ''));
        assert.deepEqual(text, reviewed.http);
        const hosts = [...new Set(got.entries.map((e) => `${e.src.ip} -> ${e.dst.ip}`))].sort();
        assert.deepEqual(hosts, [...reviewed.hosts].sort());
      });

      it('has entries inside the capture, in time: 0 ≤ elapsedMs, first packet ≤ start ≤ end ≤ last packet', () => {
        const times = readCapture(file).map((p) => p.tsMs);
        const [first, last] = [Math.min(...times), Math.max(...times)];
        for (const e of result().entries) {
          const what = `${e.id} ${e.summary.text}`;
          assert.ok(e.elapsedMs >= 0, `${what}: elapsedMs ${e.elapsedMs}`);
          assert.ok(e.timestamp >= first && e.timestamp + e.elapsedMs <= last + 0.001, `${what}: outside the capture`);
        }
      });

      it('agrees with tshark on requests and response statuses', () => {
        const summaryFile = `${stem(file)}.tshark.json`;
        assert.ok(fs.existsSync(summaryFile), `${summaryFile} is missing: fixtures/generate.sh writes it`);
        const t = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as TsharkSummary;
        const http = ofProtocol(result(), 'http');
        const requests = http.flatMap((e) => (e.request !== null ? [`${e.request['method']} ${e.request['url']}`] : []));
        const responses = http.flatMap((e) => (e.response !== null ? [e.response['status'] as number] : []));
        const interim = http.flatMap((e) => (e.response?.['interim'] as number[] | undefined) ?? []);
        if (DAMAGED.has(name)) {
          // tshark stops dissecting a direction at its first hole; we resynchronise, so we must
          // find at least everything it found.
          assertIncludes(requests, t.requests, 'requests (method and target)');
          assertIncludes(responses, t.responses, 'final response statuses');
          return;
        }
        assert.equal(http.length, Math.max(t.requests.length, t.responses.length), 'HTTP entries vs tshark transactions');
        assert.deepEqual([...requests].sort(), [...t.requests].sort(), 'requests (method and target)');
        assert.deepEqual([...responses].sort(), [...t.responses].sort(), 'final response statuses');
        assert.deepEqual([...interim].sort(), [...t.interim].sort(), 'interim (1xx) statuses');
      });

      if (!REWRITTEN.has(name)) {
        it('is clean: no gap, no malformed entry, no request without response', () => {
          const got = result();
          assert.equal(got.stats['gaps'], 0);
          assert.equal(got.stats['malformed'], 0);
          const unpaired = ofProtocol(got, 'http').filter((e: Entry) => e.request === null || e.response === null);
          assert.deepEqual(unpaired.map((e) => e.summary.text), []);
        });
      }
    });
  }

  it('gives the same entries for a pcap and its pcapng conversion (editcap)', () => {
    const pcap = files.find((f) => f.endsWith('/nanosecond.pcap'));
    const pcapng = files.find((f) => f.endsWith('/nanosecond-editcap.pcapng'));
    assert.ok(pcap !== undefined && pcapng !== undefined, 'nanosecond.pcap and nanosecond-editcap.pcapng');
    assert.deepStrictEqual(dissectFile(pcapng).entries, dissectFile(pcap).entries);
  });
});
