/**
 * HTTP/2 from the real captures (fixtures/http2: nghttp2 and curl on a 1500-MTU veth pair),
 * replayed from an empty flow through detection and the dissector: the first kilobytes of each
 * prior-knowledge connection cut at every position of every step (replayAllSplits), so that the
 * preface, a frame header, a HEADERS block or a Huffman string split anywhere gives the same
 * transactions as the network's own segmentation. Whole connections are checked with 100-byte
 * segments by http2-golden.test.ts.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { http2 } from '../dist/protocols/http2/index.js';
import { connections, firstBytes } from './helpers/connection-scripts.js';
import { replayAllSplits } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/http2/', import.meta.url));
/** Bytes of each connection cut at every position: its first kilobytes. */
const FIRST_BYTES = 4096;

describe('HTTP/2 from real captures, the first kilobytes cut at every position', () => {
  for (const [capture, connection, expected] of [
    ['curl-prior-knowledge', 0, ['GET /hello.txt -> 200']],
    ['curl-prior-knowledge', 1, ['GET /large.txt -> 200 [DIS_ERR_TRUNCATED]']],
    ['curl-prior-knowledge', 2, ['GET /missing -> 404']],
    ['h2load', 0, null],
    ['nghttp-concurrent', 0, null],
    ['nghttp-concurrent', 1, ['POST /upload -> 200']],
  ] as const) {
    it(`${capture}, connection ${connection + 1}: the same transactions whatever the segmentation`, () => {
      const script = firstBytes(connections(`${FIXTURES}${capture}.pcap`)[connection]!, FIRST_BYTES);
      const out = replayAllSplits(http2, script);
      assert.equal(out.unclaimed, false);
      assert.ok(out.transactions.length > 0);
      const got = out.transactions.map((t) => t.summary.text + (t.malformed ? ` [${t.malformed.code}]` : ''));
      if (expected !== null) assert.deepEqual(got, expected);
      else assert.ok(got.every((t) => t.startsWith('GET /')), got.join('\n'));
    });
  }
});
