/**
 * HTTP/2 golden captures: every capture under test/fixtures/http2/ (made by
 * fixtures/generate-http2.sh: nghttp2's nghttpd answering curl, nghttp and h2load over h2c on a
 * 1500-MTU veth pair) is dissected with the default engine and compared with
 * `<name>.expected.json` beside it (`UPDATE_GOLDEN=1` rewrites them: read their diff). Then
 * independent checks: what a person read in the capture and the generator (REVIEWED, which a
 * wrong golden cannot satisfy), tshark's view of every stream (run here, on the same file), and
 * the same entries when the network's segments are cut smaller.
 */

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';
import { dataSegments, readCapture, resegment } from './helpers/capture-rewrite.js';
import { goldenCaptures } from './helpers/golden-captures.js';
import { dissectFile, dissectPackets, ofProtocol } from './helpers/dissect-capture.js';
import { asSummaryDetail } from './helpers/summary-detail.js';
import { rankedStreams } from './helpers/ranked-streams.js';
import { ourHttp2, tsharkHttp2 } from './helpers/tshark-http2.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/http2/', import.meta.url));

/**
 * What each capture holds, read from the generator's commands: the HTTP/2 summaries (sorted:
 * streams of one connection end in any order) with the malformed code where one is right, and
 * the HTTP/1 entries (the upgrade requests).
 */
const REVIEWED: Record<string, { http2: string[]; http: string[] }> = {
  'curl-prior-knowledge': { http2: ['GET /hello.txt -> 200', 'GET /large.txt -> 200', 'GET /missing -> 404'], http: [] },
  'nghttp-concurrent': {
    // hello, data (which pushes hello), large; the POST; the request with CONTINUATION.
    http2: ['GET /hello.txt -> 200', 'GET /data.json -> 200', 'GET /hello.txt -> 200', 'GET /large.txt -> 200', 'POST /upload -> 200', 'GET /hello.txt -> 200'],
    http: [],
  },
  'h2c-upgrade': {
    // Stream 1 answers the HTTP/1.1 request; nghttpd pushes hello.txt with data.json.
    http2: ['(upgraded request) -> 200', '(upgraded request) -> 200', 'GET /hello.txt -> 200'],
    http: ['GET /hello.txt -> 101', 'GET /data.json -> 101'],
  },
  h2load: { http2: Array<string>(24).fill('GET /data.json -> 200'), http: [] },
  abort: { http2: ['GET /large.txt -> 200 [DIS_ERR_TRUNCATED]'], http: [] },
};

/** The first 64 bytes of large.txt (generate-http2.sh): numbered lines of 63 digits. */
const LARGE_START = `${'0'.repeat(63)}\n`;

/** Header blocks longer than one frame: tshark 4.0 leaves HEADERS + CONTINUATION unreassembled. */
const continued = (e: Entry): boolean => (e.request?.['headersSize'] as number) > 16384 + 9;


const line = (e: { summary: { text: string }; malformed?: { code: string } }): string => e.summary.text + (e.malformed !== undefined ? ` [${e.malformed.code}]` : '');

describe('HTTP/2 golden captures', () => {
  it('holds the details the generator put there', () => {
    const byPath = (name: string): Entry[] => ofProtocol(dissectFile(path.join(FIXTURES, `${name}.pcap`)), 'http2');
    const [hello, large, missing] = byPath('curl-prior-knowledge');
    assert.deepEqual([hello!.response!['body'], hello!.response!['headers'] !== undefined], ['hello over h2\n', true]);
    assert.equal(hello!.protocol.abbr, 'HTTP/2');
    assert.equal(hello!.request!['headers'] !== undefined && (hello!.request!['headers'] as Record<string, string>)[':scheme'], 'http');
    // 256 KiB in 16 KiB DATA frames cut into 1448-byte segments; the body is kept up to the cap.
    assert.equal(large!.response!['bodySize'], 262144);
    assert.ok((large!.response!['body'] as string).startsWith(LARGE_START + `${'0'.repeat(62)}1\n`));
    assert.equal(large!.response!['truncated'], true);
    assert.equal(missing!.response!['status'], 404);

    const nghttp = byPath('nghttp-concurrent');
    const post = nghttp.find((e) => e.summary.method === 'POST')!;
    assert.equal(post.request!['body'], 'posted body from nghttp\n');
    assert.deepEqual(post.request!['trailers'], { 'x-checksum': '42' });
    assert.equal(post.response!['body'], 'posted body from nghttp\n', 'nghttpd --echo-upload');
    assert.deepEqual(post.response!['trailers'], { 'x-served-by': 'nghttpd' });
    const pushed = nghttp.filter((e) => e.request?.['pushed'] === true);
    assert.deepEqual(pushed.map((e) => [e.request!['streamId'], e.summary.text]), [[2, 'GET /hello.txt -> 200']]);
    const big = nghttp.filter(continued);
    assert.equal(big.length, 1, 'one request header block continued in CONTINUATION frames');
    const fields = Object.entries(big[0]!.request!['headers'] as Record<string, string>).filter(([k]) => k.startsWith('continuation-test-'));
    assert.deepEqual(fields.map(([k, v]) => [k, v.length]), [1, 2, 3, 4, 5, 6].map((i) => [`continuation-test-${i}`, 4096]));
  });

  goldenCaptures(FIXTURES, REVIEWED, (name, file, result) => {
    it('holds what a person read in the capture', () => {
      const reviewed = REVIEWED[name]!;
      assert.deepEqual(ofProtocol(result(), 'http2').map(line).sort(), [...reviewed.http2].sort());
      assert.deepEqual(ofProtocol(result(), 'http').map(line), reviewed.http);
      assert.deepEqual(result().entries.filter((e) => e.protocol.name !== 'http2' && e.protocol.name !== 'http').map(line), [], 'every flow is HTTP');
    });

    it('agrees with tshark on every stream: id, method, path, status', () => {
      const ours = ourHttp2(result().entries);
      const theirs = tsharkHttp2(file);
      const unseen = new Set(ourHttp2(result().entries.filter(continued), ['http2'], result().entries).requests);
      assert.deepEqual(ours.requests.filter((r) => !unseen.has(r)).sort(), [...theirs.requests].sort());
      assert.deepEqual([...ours.responses].sort(), [...theirs.responses].sort());
    });

    it('gives the same entries in detail summary, without header fields and bodies', () => {
      assert.deepStrictEqual(dissectFile(file, { detail: 'summary' }).entries, asSummaryDetail(result().entries));
    });

    it('gives the same entries when every TCP segment is cut into 100-byte pieces', () => {
      assert.deepStrictEqual(rankedStreams(dissectPackets(resegment(readCapture(file), 100)).entries), rankedStreams(result().entries));
    });
  });
});

describe('HTTP/2 joined mid-way, from a real capture', () => {
  // h2load's connection (24 requests on streams 1 to 47, 8 at a time): its first client write
  // holds the preface, SETTINGS and the first requests, which fill the HPACK table the later
  // requests refer to. A capture that starts after it has neither. How the writes of both sides
  // interleave depends on the run, so the checks are rules every cut must satisfy.
  const packets = readCapture(path.join(FIXTURES, 'h2load.pcap'));
  const segments = [...dataSegments(packets)];
  const client = segments.find(([direction]) => direction.startsWith('10.244.82.1:'))![1];
  const line = (e: Entry): string => `${e.protocol.name} ${e.summary.text}${e.malformed !== undefined ? ` [${e.malformed.code}]` : ''}`;
  const idOf = (e: Entry): number => (e.request ?? e.response)!['streamId'] as number;

  /** Every stream once, the requests seen a run of the last ones; each entry marked incomplete. */
  function checkJoined(entries: Entry[], shapes: RegExp): void {
    assert.ok(entries.length > 0 && entries.every((e) => shapes.test(line(e))), entries.map(line).join('\n'));
    const ids = entries.map(idOf);
    assert.equal(new Set(ids).size, ids.length, 'one entry per stream');
    const asked = entries.filter((e) => e.request !== null).map(idOf).sort((a, b) => a - b);
    assert.ok(asked.length >= 8, `${asked.length} requests decoded`);
    assert.deepEqual(asked, Array.from({ length: asked.length }, (_, i) => 47 - 2 * (asked.length - 1 - i)), 'the last requests, in a row');
  }

  it('starting at the second write of the client: what decodes shown, the rest marked (DIS_ERR_GAP, DIS_ERR_NO_REQUEST)', () => {
    const entries = dissectPackets(packets.slice(client[1]!)).entries;
    checkJoined(entries, /^http2 (GET \/data\.json -> 200 \[DIS_ERR_GAP\]|\(no request\) -> 200 \[DIS_ERR_(NO_REQUEST|GAP)\])$/);
    // Fields encoded with the static table or as literals are there; those from table entries
    // made before the capture are not.
    const answered = entries.find((e) => e.request !== null)!;
    assert.equal((answered.response!['headers'] as Record<string, string>)[':status'], '200');
    assert.equal(answered.response!['body'], '{"items":[1,2,3]}\n');
  });

  it('starting inside frames (segments cut to 100 bytes, the capture starting at the tenth): found again, marked', () => {
    const cut = resegment(packets, 100);
    const tenth = [...dataSegments(cut).values()].flat().sort((a, b) => a - b)[9]!;
    // A response whose head was missed but whose trailers came shows that its status is unknown.
    checkJoined(
      dissectPackets(cut.slice(tenth)).entries,
      /^http2 (GET \/data\.json -> 200 \[DIS_ERR_GAP\]|\(no request\) -> (200|\(status not decoded\)) \[DIS_ERR_(NO_REQUEST|GAP)\])$/,
    );
  });
});
