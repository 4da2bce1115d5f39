/**
 * History walks meet entries newest first, yet leave out the same copies of a call captured on
 * two nodes as the live feed, which decides oldest first (history/history-copies.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { CrossNodeCopies } from '../dist/feed/cross-node-copies.js';
import { HistoryCopies } from '../dist/history/history-copies.js';
import { callEntry } from './helpers/call-entry.js';

/** One call a second on one keep-alive connection for `n` seconds: the client's node (node-2) sees each 0.3 ms before the server's. */
function calls(n: number): Entry[] {
  const out: Entry[] = [];
  for (let i = 0; i < n; i++) out.push(callEntry('node-2', 1000 * i), callEntry('node-1', 1000 * i + 0.3));
  return out;
}

const newestFirst = (entries: Entry[]): Entry[] => [...entries].sort((a, b) => b.timestamp - a.timestamp);

describe('HistoryCopies', () => {
  it('keeps what the feed keeps: the client node\'s copy of each call, each call once', () => {
    const all = calls(10);
    const kept: Entry[] = [];
    const copies = new HistoryCopies((e) => kept.push(e));
    for (const e of newestFirst(all)) {
      copies.push(e);
      copies.advance(e.timestamp);
    }
    copies.flush();
    const feed = new CrossNodeCopies();
    const fedOldestFirst = [...all].sort((a, b) => a.timestamp - b.timestamp).filter((e) => !feed.isCopy(e));
    assert.deepEqual(kept.map((e) => e.id).sort(), fedOldestFirst.map((e) => e.id).sort());
    assert.deepEqual(kept.map((e) => e.worker), Array(10).fill('node-2'));
    assert.equal(copies.left, 10);
  });

  it('decides a call once the walk is COPY_TOLERANCE_MS past its oldest entry, without waiting for the end', () => {
    const kept: Entry[] = [];
    const copies = new HistoryCopies((e) => kept.push(e));
    // Two calls: /a at 9 s, /b at 8 s, each seen by both nodes.
    const a = [callEntry('node-1', 9000.3, undefined, '/a'), callEntry('node-2', 9000, undefined, '/a')];
    const b = [callEntry('node-1', 8000.3, undefined, '/b'), callEntry('node-2', 8000, undefined, '/b')];
    for (const e of [...a, ...b]) copies.push(e);
    copies.advance(8000);
    assert.equal(kept.length, 0, 'an older copy of either may still come');
    copies.advance(7000);
    assert.deepEqual(kept, [a[1]], '/a is decided, /b not yet');
    copies.advance(6000);
    assert.deepEqual(kept, [a[1], b[1]]);
  });

  it('holds the entries of one connection\'s identical calls until the walk is past the oldest', () => {
    const kept: Entry[] = [];
    const copies = new HistoryCopies((e) => kept.push(e));
    for (const e of newestFirst(calls(3))) copies.push(e);
    copies.advance(0);
    assert.equal(kept.length, 0, 'the call at 0 s may still have an older copy');
    copies.advance(-2000);
    assert.deepEqual(kept.map((e) => e.timestamp).sort((x, y) => x - y), [0, 1000, 2000]);
  });

  it('passes at once what cannot have a copy', () => {
    const kept: Entry[] = [];
    const copies = new HistoryCopies((e) => kept.push(e));
    const local = callEntry('node-1', 5000, ['node-1', 'node-1']);
    const unnamed = callEntry('node-1', 4000, [undefined, 'node-1']);
    copies.push(local);
    copies.push(unnamed);
    assert.deepEqual(kept, [local, unnamed]);
  });
});
