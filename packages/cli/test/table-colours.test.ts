/**
 * The table's row colours (output/table-formatter.ts, on a terminal) follow the model's one error
 * rule (model's entry-outcome.ts): real peers' captures dissected as `shoal dissect --format
 * table` does (detail `summary`), formatted with colour. The @grpc/grpc-js call answered
 * NOT_FOUND over HTTP 200 and the GraphQL query answered with an error are red, nginx's 404
 * yellow, everything else plain.
 */

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CaptureFileReader } from '@shoal/capture';
import { DEFAULT_ENGINE_OPTIONS, DissectEngine, defaultRegistry } from '@shoal/dissect';
import { BufferedWriter } from '../dist/output/buffered-writer.js';
import { tableFormatter } from '../dist/output/table-formatter.js';

const FIXTURES = fileURLToPath(new URL('../../dissect/test/fixtures/', import.meta.url));
const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';

/** The coloured table of `files`, one row a line, without its heading. */
async function table(files: string[]): Promise<string[]> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const out = new BufferedWriter(sink);
  const formatter = tableFormatter({ color: true });
  formatter.begin(out);
  for (const file of files) {
    const engine = new DissectEngine({ ...DEFAULT_ENGINE_OPTIONS, registry: defaultRegistry(), detail: formatter.detail }, (e) => formatter.entry(e, out));
    const reader = CaptureFileReader.open(`${FIXTURES}${file}`);
    try {
      reader.readAll(engine);
    } finally {
      reader.close();
    }
    engine.finish();
  }
  formatter.end(out);
  await out.flush();
  return Buffer.concat(chunks).toString('utf8').split('\n').slice(1, -1);
}

describe('table row colours', () => {
  it('failed gRPC calls and GraphQL errors over HTTP 200 are red like server errors; 404 yellow', async () => {
    const rows = await table(['grpc/calls.pcap', 'graphql/http2.pcap', 'http1/keep-alive.pcap']);
    const colour = (row: string): string => (row.startsWith(RED) ? 'red' : row.startsWith(YELLOW) ? 'yellow' : 'plain');
    // The summary cell: after the colour, the time (16), protocol (7) and two endpoint (23) cells.
    const summary = (row: string): string => row.slice(RED.length + 69, RED.length + 69 + 44).trim();
    const coloured = rows.filter((r) => colour(r) !== 'plain').map((r) => `${colour(r)} ${summary(r)}`);
    assert.deepEqual(coloured.sort(), [
      'red /shoal.fixture.Library/GetBook -> NOT_FOUND',
      'red query Missing -> 200 (1 error)',
      'yellow GET /missing -> 404',
    ]);
    assert.equal(rows.length, 5 + 3 + 4);
  });
});
