import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketWidth, byteTicks, formatStep, linearScale, niceTicks, roundTimeStep, timeTicks } from '../src/domain/chart-scale.js';

describe('chart scales', () => {
  it('map a domain linearly onto pixels, upside down for a y axis', () => {
    const y = linearScale(0, 200, 100, 0);
    assert.equal(y(0), 100);
    assert.equal(y(200), 0);
    assert.equal(y(50), 75);
    assert.equal(linearScale(5, 5, 10, 20)(7), 10);
  });

  it('tick counts on a 1-2-5 step up to a round top at or above the max', () => {
    assert.deepEqual(niceTicks(7), [0, 2, 4, 6, 8]);
    assert.deepEqual(niceTicks(100), [0, 50, 100]);
    assert.deepEqual(niceTicks(1), [0, 1]);
    assert.deepEqual(niceTicks(0), [0, 1]);
    assert.deepEqual(niceTicks(3, 4), [0, 1, 2, 3]);
    assert.deepEqual(niceTicks(0.7, 4, false), [0, 0.2, 0.4, 0.6, 0.8]);
    assert.deepEqual(niceTicks(1_234_567, 4), [0, 500_000, 1_000_000, 1_500_000]);
  });

  it('choose round time steps, buckets and clock ticks', () => {
    assert.equal(roundTimeStep(12_000), 15_000);
    assert.equal(roundTimeStep(0.3), 1);
    assert.equal(bucketWidth(0, 15 * 60_000), 15_000);
    assert.equal(bucketWidth(0, 1_500), 50);
    const { step, ticks } = timeTicks(1_796_150_007_000, 1_796_150_907_000, 6);
    assert.equal(step, 300_000);
    assert.deepEqual(ticks, [1_796_150_100_000, 1_796_150_400_000, 1_796_150_700_000]);
  });
});

describe('byteTicks', () => {
  it('ticks bytes on round binary units', () => {
    assert.deepEqual(byteTicks(3958), [0, 1024, 2048, 3072, 4096]);
    assert.deepEqual(byteTicks(700), [0, 200, 400, 600, 800]);
    assert.deepEqual(byteTicks(3 * 1024 * 1024), [0, 1024 * 1024, 2 * 1024 * 1024, 3 * 1024 * 1024]);
  });
});

describe('formatStep', () => {
  it('says a bucket width in its unit', () => {
    assert.deepEqual([50, 15_000, 300_000, 3_600_000, 86_400_000].map(formatStep), ['50 ms', '15 s', '5 min', '1 h', '1 d']);
  });
});
