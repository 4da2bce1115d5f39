/**
 * gRPC from the real captures (fixtures/grpc: @grpc/grpc-js peers on a 1500-MTU veth pair),
 * replayed from an empty flow through detection and the HTTP/2 dissector: the first kilobytes of
 * each connection cut at every position of every step (replayAllSplits, which also compares
 * detail `summary`), so that a length prefix, a message or a trailer block split anywhere gives
 * the same calls as the network's own segmentation. Whole connections are checked with 100-byte
 * segments by grpc-golden.test.ts.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { http2 } from '../dist/protocols/http2/index.js';
import { connections, firstBytes } from './helpers/connection-scripts.js';
import { replayAllSplits } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/grpc/', import.meta.url));
/** Bytes of each connection cut at every position: its first kilobytes. */
const FIRST_BYTES = 4096;

describe('gRPC from real captures, the first kilobytes cut at every position', () => {
  for (const [capture, expected] of [
    // The first 4 KB end inside ListBooks (its 20 KB message): the calls before it whole.
    ['calls', ['/shoal.fixture.Library/GetBook -> OK', '/shoal.fixture.Library/GetBook -> NOT_FOUND']],
    ['gzip', ['/shoal.fixture.Library/GetBook -> OK', '/shoal.fixture.Library/ListBooks -> OK']],
  ] as const) {
    it(`${capture}: the same calls whatever the segmentation`, () => {
      const out = replayAllSplits(http2, firstBytes(connections(`${FIXTURES}${capture}.pcap`)[0]!, FIRST_BYTES));
      assert.equal(out.unclaimed, false);
      assert.ok(out.transactions.every((t) => t.protocol.name === 'grpc'));
      assert.deepEqual(out.transactions.slice(0, expected.length).map((t) => t.summary.text), expected);
    });
  }
});
