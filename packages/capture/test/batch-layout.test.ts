/**
 * The batch record layout, C against TypeScript, without root or a live capture: gcc builds
 * native/batch.c with test/native/batch-layout.c, which prints offsetof/sizeof of the record
 * header and a batch filled by batch_append; the reader (src/live/batch-records.ts) must agree
 * with both. A change on one side only fails here, not as garbled packets on a live capture.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deliverBatch, RECORD_ALIGN_BYTES, RECORD_FIELD_OFFSETS, RECORD_HEADER_BYTES } from '../dist/live/batch-records.js';
import { CollectSink } from './helpers/collect-sink.js';

const NATIVE = fileURLToPath(new URL('../native/', import.meta.url));
const PROGRAM = fileURLToPath(new URL('../test/native/batch-layout.c', import.meta.url));

interface Layout {
  header: number;
  size: number;
  align: number;
  offsets: Record<string, number>;
}

/** Records as the capture thread would append them (values at the edges of their ranges). */
const RECORDS = [
  { caplen: 5, wirelen: 60, sec: 1_700_000_000, nsec: 123_456_789, ifindex: 3, linkType: 1 },
  { caplen: 8, wirelen: 8, sec: 1_700_000_001, nsec: 0, ifindex: 4, linkType: 276 },
  { caplen: 0, wirelen: 0, sec: 0, nsec: 999_999_999, ifindex: 0, linkType: 101 },
  { caplen: 1514, wirelen: 9000, sec: 4_294_967_295, nsec: 1, ifindex: 4_294_967_295, linkType: 113 },
  { caplen: 1, wirelen: 65_535, sec: 12, nsec: 500_000_000, ifindex: 7, linkType: 228 },
];

describe('batch layout, C and TypeScript', () => {
  let dir = '';
  let layout: Layout;
  let batch: ArrayBuffer;

  // One compile and run for the file: both tests read what the C side printed.
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-batch-layout-'));
    const exe = path.join(dir, 'batch-layout');
    execFileSync('gcc', ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-I', NATIVE, '-o', exe, PROGRAM, path.join(NATIVE, 'batch.c')], { timeout: 60_000 });
    const args = RECORDS.flatMap((r) => [r.caplen, r.wirelen, r.sec, r.nsec, r.ifindex, r.linkType].map(String));
    const [first, second] = execFileSync(exe, args, { encoding: 'utf8', timeout: 10_000 }).split('\n');
    layout = JSON.parse(first!) as Layout;
    batch = new Uint8Array(Buffer.from(second!, 'hex')).buffer;
  });
  after(() => {
    if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the reader uses the header size, alignment and field offsets the C compiler gives', () => {
    assert.equal(layout.header, RECORD_HEADER_BYTES, 'SHOAL_RECORD_HEADER');
    assert.equal(layout.size, RECORD_HEADER_BYTES, 'sizeof(shoal_record_header)');
    assert.equal(layout.align, RECORD_ALIGN_BYTES, 'SHOAL_RECORD_ALIGN');
    assert.deepEqual(layout.offsets, RECORD_FIELD_OFFSETS);
  });

  it('the reader gets back every record batch_append wrote, and the padding is zero', () => {
    const sink = new CollectSink();
    assert.equal(deliverBatch(batch, sink), RECORDS.length);
    const payload = (r: (typeof RECORDS)[number], k: number): string => Buffer.from(Array.from({ length: r.caplen }, (_, i) => (i + k) & 0xff)).toString('hex');
    assert.deepEqual(
      sink.packets,
      RECORDS.map((r, k) => ({ linkType: r.linkType, timestampMs: r.sec * 1000 + r.nsec / 1e6, hex: payload(r, k), capturedLength: r.caplen, originalLength: r.wirelen })),
    );
    // What the sink is not given, and what lies between records, read where the reader's table says.
    const bytes = Buffer.from(batch);
    let at = 0;
    for (const [k, r] of RECORDS.entries()) {
      assert.equal(bytes.readUInt32LE(at + RECORD_FIELD_OFFSETS.interfaceIndex), r.ifindex, `record ${k}: interface index`);
      const end = at + RECORD_HEADER_BYTES + r.caplen;
      const next = at + RECORD_HEADER_BYTES + Math.ceil(r.caplen / RECORD_ALIGN_BYTES) * RECORD_ALIGN_BYTES;
      assert.ok(bytes.subarray(end, next).every((b) => b === 0), `record ${k}: zero padding`);
      at = next;
    }
    assert.equal(at, bytes.length, 'the batch ends with the last record');
  });
});
