/**
 * The cases the SQL databases' golden captures share (PostgreSQL, MySQL), run for each capture
 * inside goldenCaptures' callback: the summaries a person reviewed, agreement with tshark on each
 * connection's facts, the same entries in detail `summary` and when every segment is cut into
 * 100-byte pieces, no other dissector claiming the first messages of a side, and every split of
 * the first kilobytes of each connection giving transactions.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Entry } from '@shoal/model';
import { defaultRegistry, type DissectorSpec } from '../../dist/index.js';
import { tls } from '../../dist/protocols/tls/index.js';
import { readCapture, resegment } from './capture-rewrite.js';
import { connections, firstBytes } from './connection-scripts.js';
import { dissectFile, dissectPackets, type Dissected } from './dissect-capture.js';
import { rankedStreams } from './ranked-streams.js';
import { replayAllSplits } from './split-replay.js';
import { asSummaryDetail } from './summary-detail.js';

export interface SqlGoldenOptions {
  /** The database's dissector (its name and probe). */
  spec: DissectorSpec;
  /** Per capture: each entry's summary (and malformed code) in order, a string or a pattern. */
  reviewed: Record<string, ReadonlyArray<string | RegExp>>;
  /** What tshark and Shoal must agree on (users, statements, tags, codes…), and how many at least. */
  facts: { what: string; min: number; tshark: (file: string) => unknown[]; ours: (entries: Entry[]) => unknown[] };
}

/** An entry as the reviewed lists spell it: its summary, and its malformed code in brackets. */
export const reviewedLine = (e: Entry): string => e.summary.text + (e.malformed !== undefined ? ` [${e.malformed.code}]` : '');

export function sqlGoldenCases(o: SqlGoldenOptions, name: string, file: string, result: () => Dissected): void {
  it('holds what a person read in the generator and its clients', () => {
    const got = result().entries.map(reviewedLine);
    const want = o.reviewed[name]!;
    assert.equal(got.length, want.length, got.join('\n'));
    want.forEach((w, i) => (typeof w === 'string' ? assert.equal(got[i], w) : assert.match(got[i]!, w)));
  });

  it(`agrees with tshark on every connection: ${o.facts.what}`, () => {
    const theirs = o.facts.tshark(file);
    assert.ok(theirs.length >= o.facts.min, `tshark found ${theirs.length} facts`);
    assert.deepEqual(o.facts.ours(result().entries), theirs);
  });

  it('gives the same entries in detail summary, without values, columns and rows', () => {
    assert.deepStrictEqual(dissectFile(file, { detail: 'summary' }).entries, asSummaryDetail(result().entries));
  });

  it('gives the same entries when every TCP segment is cut into 100-byte pieces', () => {
    assert.deepStrictEqual(rankedStreams(dissectPackets(resegment(readCapture(file), 100)).entries), rankedStreams(result().entries));
  });

  it('is claimed by no other dissector: the first messages of each side, cut anywhere', () => {
    const others = defaultRegistry().forLayer4('tcp').filter((spec) => spec.name !== o.spec.name);
    for (const script of connections(file)) {
      for (const st of script.slice(0, 2)) {
        if (st.kind !== 'data') continue;
        for (let n = 1; n <= Math.min(st.bytes.length, 2048); n++) {
          for (const spec of others) assert.ok(['no', 'more'].includes(spec.probe(st.bytes.subarray(0, n), 'tcp')), `${spec.name}, ${n} bytes`);
        }
      }
    }
  });

  it('gives the same transactions whatever the segmentation of the first kilobytes of each connection', () => {
    for (const script of connections(file)) {
      const out = replayAllSplits([o.spec, tls], firstBytes(script, 2048));
      assert.equal(out.unclaimed, false);
      assert.ok(out.transactions.length >= 1);
    }
  });
}
