/**
 * The table's rows (output/table-formatter.ts) are encoded straight into the output buffer, cell
 * by cell: every row must be exactly the row built the plain way, as strings (each cell cut or
 * padded, then joined and encoded), for
 * every entry of every fixture capture (real peers, every protocol, dissected as `shoal dissect
 * --format table` does) and for entries made to reach the edges: names, IPv6, numbers too wide for
 * their cells, text beyond latin1, a malformed entry.
 */

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CaptureFileReader } from '@shoal/capture';
import { DEFAULT_ENGINE_OPTIONS, DissectEngine, defaultRegistry } from '@shoal/dissect';
import type { Entry } from '@shoal/model';
import { BufferedWriter } from '../dist/output/buffered-writer.js';
import { tableFormatter } from '../dist/output/table-formatter.js';

const FIXTURES = fileURLToPath(new URL('../../dissect/test/fixtures/', import.meta.url));
const WIDTHS = [15, 6, 22, 22, 44, 9, 7];

/** The row as strings: each cell cut to width - 1 and '…', or padded, then one space; the last cell as it is. */
function reference(e: Entry): string {
  const clock = new Date(e.timestamp).toISOString().slice(11, 23);
  const side = (s: Entry['src']): string => (s.name !== undefined ? `${s.name}:${s.port}` : s.ip.includes(':') ? `[${s.ip}]:${s.port}` : `${s.ip}:${s.port}`);
  const summary = e.malformed !== undefined ? `! ${e.malformed.code} ${e.summary.text}` : e.summary.text;
  const cells = [clock, e.protocol.abbr, side(e.src), side(e.dst), summary, `${e.elapsedMs.toFixed(1)}ms`, String(e.requestSize)];
  const fixed = cells.map((c, i) => (c.length > WIDTHS[i]! ? `${c.slice(0, WIDTHS[i]! - 1)}… ` : c.padEnd(WIDTHS[i]! + 1)));
  return fixed.join('') + String(e.responseSize);
}

/** The table formatter's rows of `entries`, and the entries, as strings. */
async function rows(entries: Entry[]): Promise<string[]> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const out = new BufferedWriter(sink);
  const formatter = tableFormatter();
  formatter.begin(out);
  for (const e of entries) formatter.entry(e, out);
  formatter.end(out);
  await out.flush();
  return Buffer.concat(chunks).toString('utf8').split('\n').slice(1, -1);
}

function dissected(file: string): Entry[] {
  const entries: Entry[] = [];
  const engine = new DissectEngine({ ...DEFAULT_ENGINE_OPTIONS, registry: defaultRegistry(), detail: 'summary' }, (e) => entries.push(e));
  const reader = CaptureFileReader.open(file);
  try {
    reader.readAll(engine);
  } finally {
    reader.close();
  }
  engine.finish();
  return entries;
}

function captures(): string[] {
  return fs.readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) =>
    fs.readdirSync(path.join(FIXTURES, d.name)).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => path.join(FIXTURES, d.name, f)),
  );
}

describe('table rows', () => {
  it('are the rows built as strings, for every entry of every fixture capture', async () => {
    const files = captures();
    assert.ok(files.length > 50, `${files.length} captures`);
    let count = 0;
    for (const file of files) {
      const entries = dissected(file);
      assert.deepEqual(await rows(entries), entries.map(reference), file);
      count += entries.length;
    }
    assert.ok(count > 500, `${count} entries`);
  });

  it('are the rows built as strings at the edges: names, IPv6, wide numbers, text beyond latin1, malformed', async () => {
    const base = dissected(path.join(FIXTURES, 'http1/keep-alive.pcap'))[0]!;
    const variants: Entry[] = [
      { ...base, src: { ...base.src, name: 'web-7f9c6d5b8-x2x4q', namespace: 'shop' }, dst: { ...base.dst, name: 'a-service-with-a-very-long-name-indeed' } },
      { ...base, src: { ip: 'fd00:100::2', port: 443 }, dst: { ip: '2001:db8:85a3::8a2e:370:7334', port: 65535 } },
      { ...base, requestSize: 123_456_789, responseSize: 98_765_432_101, elapsedMs: 12_345_678.96 },
      { ...base, requestSize: 1_234_567, elapsedMs: 99_999.95 },
      { ...base, elapsedMs: 0.05, requestSize: 0, responseSize: 0 },
      { ...base, summary: { text: 'GET /caf\u00e9/\u4e2d\u6587/\u{1F600} \u2192 200 and more text to be cut at the summary cell' } },
      { ...base, summary: { text: 'x'.repeat(43) + '\u{1F600}' } },
      { ...base, malformed: { code: 'DIS_ERR_TRUNCATED', at: 'response' } },
    ];
    assert.deepEqual(await rows(variants), variants.map(reference));
  });
});
