import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromLocalInput, PRESETS, presetWindow, toLocalInput, windowOf } from '../src/domain/time-range.js';

describe('time range', () => {
  it('is a window only with both ends, in order', () => {
    assert.deepEqual(windowOf(1000, 2000), { from: 1000, to: 2000 });
    assert.equal(windowOf(1000, undefined), undefined);
    assert.equal(windowOf(undefined, 2000), undefined);
    assert.equal(windowOf(2000, 1000), undefined);
  });

  it('turns a "last N" preset into a fixed window ending now', () => {
    const fifteen = PRESETS.find((p) => p.label === 'Last 15 min')!;
    assert.deepEqual(presetWindow(fifteen.ms, 10_000_000), { from: 10_000_000 - 900_000, to: 10_000_000 });
  });

  it('reads back the datetime-local text it writes, to the second', () => {
    const ms = new Date(2026, 11, 1, 14, 5, 9).getTime();
    assert.equal(toLocalInput(ms), '2026-12-01T14:05:09');
    assert.equal(fromLocalInput(toLocalInput(ms)), ms);
    assert.equal(fromLocalInput('2026-12-01T14:05'), new Date(2026, 11, 1, 14, 5).getTime());
    assert.equal(fromLocalInput(''), undefined);
    assert.equal(fromLocalInput('yesterday'), undefined);
  });
});
