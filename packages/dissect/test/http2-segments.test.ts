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
import { connections } from './helpers/connection-scripts.js';
import { close, replayAllSplits, type Step } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/http2/', import.meta.url));
/** Bytes of each connection cut at every position: its first kilobytes. */
const FIRST_BYTES = 4096;

/** The script's data up to `limit` bytes (the last step cut there), then a close. */
function firstBytes(script: readonly Step[], limit: number): Step[] {
  const out: Step[] = [];
  let total = 0;
  for (const step of script) {
    if (step.kind !== 'data') continue;
    const take = Math.min(step.bytes.length, limit - total);
    out.push({ ...step, bytes: step.bytes.subarray(0, take) });
    total += take;
    if (total === limit) break;
  }
  const last = out[out.length - 1]!;
  return [...out, close(last.ts + 1)];
}

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
