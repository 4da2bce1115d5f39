import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { feedWindow, slotOf } from '../src/domain/feed-window.js';

const base = { rowHeight: 20, height: 100, overscan: 2 };

describe('feedWindow', () => {
  it('shows the last rows when following, whatever the scroll offset says', () => {
    const w = feedWindow({ ...base, total: 1000, scrollTop: 0, following: true });
    assert.equal(w.tailTop, 1000 * 20 - 100);
    assert.equal(w.last, 1000);
    assert.equal(w.first, 1000 - 5 - 2, "the 5 rows that fill the viewport and the overscan above");
    assert.ok(w.last - w.first <= w.slots);
  });

  it('shows the rows at the scroll offset when paused, with overscan on both sides', () => {
    const w = feedWindow({ ...base, total: 1000, scrollTop: 2000, following: false });
    assert.equal(w.first, 100 - 2);
    assert.equal(w.last, 98 + w.slots);
    assert.ok(w.last * 20 >= 2000 + 100 + 2 * 20, 'rows cover the viewport and the overscan below');
  });

  it('clamps an offset left over from a longer feed (the feed was cleared by a new query)', () => {
    const w = feedWindow({ ...base, total: 10, scrollTop: 1_000_000, following: false });
    assert.equal(w.last, 10);
    assert.ok(w.first < 10);
    assert.equal(feedWindow({ ...base, total: 0, scrollTop: 500, following: false }).last, 0);
  });

  it('gives the rows of a window distinct slots, and a row keeps its slot as the window moves', () => {
    const a = feedWindow({ ...base, total: 500, scrollTop: 0, following: true });
    const b = feedWindow({ ...base, total: 503, scrollTop: 0, following: true });
    const slots = (w: typeof a) => new Set(Array.from({ length: w.last - w.first }, (_, k) => slotOf(w.first + k, w.slots)));
    assert.equal(slots(a).size, a.last - a.first);
    assert.equal(slots(b).size, b.last - b.first);
    assert.equal(a.slots, b.slots);
    // Row 499 is in both windows and has the same slot in both.
    assert.equal(slotOf(499, a.slots), slotOf(499, b.slots));
  });
});
