/** The reorder window on a hand-driven clock: order within the window, late entries, the bound. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MergeWindow } from '../dist/index.js';

function windowOf(windowMs: number, maxHeld = 100) {
  const out: number[] = [];
  let now = 1000;
  const w = new MergeWindow<{ timestamp: number }>(windowMs, maxHeld, (e) => out.push(e.timestamp), () => now);
  return { w, out, advance: (ms: number) => ((now += ms), w.tick()) };
}

describe('MergeWindow', () => {
  it('puts entries from two sources in time order when they arrive within the window', () => {
    const { w, out, advance } = windowOf(500);
    w.push({ timestamp: 10 });
    w.push({ timestamp: 30 });
    advance(100);
    w.push({ timestamp: 20 });
    w.push({ timestamp: 40 });
    advance(399);
    assert.deepEqual(out, []);
    advance(1);
    // 10 and 30 are due; 20 is released with them because it comes before 30.
    assert.deepEqual(out, [10, 20, 30]);
    advance(100);
    assert.deepEqual(out, [10, 20, 30, 40]);
  });

  it('delivers a late entry at once instead of holding it', () => {
    const { w, out, advance } = windowOf(500);
    w.push({ timestamp: 100 });
    advance(500);
    assert.deepEqual(out, [100]);
    w.push({ timestamp: 50 });
    assert.deepEqual(out, [100, 50]);
    assert.equal(w.late, 1);
  });

  it('holds an entry from a clock running ahead no longer than the window', () => {
    const { w, out, advance } = windowOf(500);
    w.push({ timestamp: 1_000_000 });
    advance(250);
    w.push({ timestamp: 5 });
    advance(250);
    assert.deepEqual(out, [5, 1_000_000]);
  });

  it('releases the oldest arrivals early past maxHeld, keeping the order', () => {
    const { w, out } = windowOf(500, 3);
    for (const ts of [1, 2, 3, 4]) w.push({ timestamp: ts });
    assert.equal(w.size, 3);
    assert.deepEqual(out, [1]);
    // Each push past the bound releases the oldest arrival: 2, then 3, then 4.
    for (const ts of [7, 6, 5].map((t) => t + 100)) w.push({ timestamp: ts });
    assert.equal(w.size, 3);
    assert.deepEqual(out, [1, 2, 3, 4]);
    w.flushAll();
    assert.deepEqual(out, [1, 2, 3, 4, 105, 106, 107]);
  });
});
