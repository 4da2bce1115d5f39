import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyReason } from '../src/domain/empty-window.js';
import { LIVE_STEP_MS, LIVE_WINDOW_MS, rangeSearch, timeWindow } from '../src/domain/time-window.js';

const NOW = 1_796_150_000_000;

describe('timeWindow', () => {
  it('is the last 15 minutes, live, when the URL has no range', () => {
    assert.deepEqual(timeWindow({}, NOW), { from: NOW - LIVE_WINDOW_MS, to: NOW, live: true });
  });
  it("is the URL's range, fixed, when it has one; a missing start is 15 minutes before the end", () => {
    assert.deepEqual(timeWindow({ from: 10, to: 500 }, NOW), { from: 10, to: 500, live: false });
    assert.deepEqual(timeWindow({ to: NOW - 5 }, NOW), { from: NOW - 5 - LIVE_WINDOW_MS, to: NOW - 5, live: false });
    assert.deepEqual(timeWindow({ from: NOW - 60_000 }, NOW), { from: NOW - 60_000, to: NOW, live: true });
  });
  it('ends a live window on the next whole step, so that tabs asking within one step ask the same', () => {
    assert.equal(NOW % LIVE_STEP_MS, 0);
    for (const now of [NOW + 1, NOW + 2_500.5, NOW + LIVE_STEP_MS - 1, NOW + LIVE_STEP_MS]) {
      assert.deepEqual(timeWindow({}, now), { from: NOW + LIVE_STEP_MS - LIVE_WINDOW_MS, to: NOW + LIVE_STEP_MS, live: true }, String(now));
    }
    assert.deepEqual(timeWindow({ from: NOW - 60_000 }, NOW + 1), { from: NOW - 60_000, to: NOW + LIVE_STEP_MS, live: true });
    assert.deepEqual(timeWindow({ to: NOW + 1 }, NOW + 2), { from: NOW + 1 - LIVE_WINDOW_MS, to: NOW + 1, live: false }, 'a fixed end stays as given');
  });
  it("gives the hub's range parameters", () => {
    assert.equal(rangeSearch('http', { from: 1.5, to: 9.2, live: false }, { bucket: '5' }), 'q=http&from=1&to=10&bucket=5');
  });
});

describe('emptyReason', () => {
  const window = { from: NOW - LIVE_WINDOW_MS, to: NOW };
  it('says the query matches nothing when the window has traffic', () => {
    assert.match(emptyReason({ q: 'dns', live: true, windowMs: LIVE_WINDOW_MS, unfiltered: 1200, newest: NOW }, window).text, /matches the query: 1,200 entries/);
  });
  it('says there is no traffic, and points at the newest stored entry when it lies elsewhere', () => {
    const r = emptyReason({ q: '', live: true, windowMs: LIVE_WINDOW_MS, newest: NOW - 86_400_000 }, window);
    assert.equal(r.text, 'No traffic in the last 15 minutes.');
    assert.deepEqual(r.suggest, { from: NOW - 86_400_000 + 1000 - LIVE_WINDOW_MS, to: NOW - 86_400_000 + 1000 });
    assert.equal(emptyReason({ q: '', live: false, windowMs: 5000, newest: NOW - 10 }, window).suggest, undefined);
  });
  it('says when nothing is stored at all', () => {
    assert.match(emptyReason({ q: '', live: true, windowMs: LIVE_WINDOW_MS, newest: null }, window).text, /stored no entries yet/);
  });
});
