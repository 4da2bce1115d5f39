import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeedBuffer } from '../src/domain/feed-buffer.js';

const all = <T>(b: FeedBuffer<T>): T[] => Array.from({ length: b.length }, (_, i) => b.at(i)!);

describe('FeedBuffer', () => {
  it('keeps rows in order and drops the oldest when full', () => {
    const b = new FeedBuffer<number>(5);
    b.append([1, 2, 3]);
    assert.deepEqual(all(b), [1, 2, 3]);
    assert.equal(b.append([4, 5, 6, 7]), 2);
    assert.deepEqual(all(b), [3, 4, 5, 6, 7]);
    assert.equal(b.dropped, 2);
    assert.equal(b.first(), 3);
    assert.equal(b.last(), 7);
    assert.equal(b.at(5), undefined);
    assert.equal(b.at(-1), undefined);
  });

  it('puts older rows before the head while there is room, keeping the newest of them', () => {
    const b = new FeedBuffer<number>(6);
    b.append([10, 11, 12]);
    assert.equal(b.prepend([5, 6, 7, 8, 9]), 3);
    assert.deepEqual(all(b), [7, 8, 9, 10, 11, 12]);
    assert.equal(b.prepend([1]), 0);
    // Live rows still push the oldest out after a prepend wrapped the ring.
    b.append([13]);
    assert.deepEqual(all(b), [8, 9, 10, 11, 12, 13]);
  });

  it('holds 300,000 rows, reads any by index, and bumps its version on change only', () => {
    const b = new FeedBuffer<number>();
    const rows = Array.from({ length: 310_000 }, (_, i) => i);
    const v = b.version;
    b.append(rows);
    assert.equal(b.length, 300_000);
    assert.equal(b.dropped, 10_000);
    assert.equal(b.at(0), 10_000);
    assert.equal(b.at(299_999), 309_999);
    assert.equal(b.version, v + 1);
    b.append([]);
    assert.equal(b.version, v + 1);
    b.clear();
    assert.equal(b.length, 0);
    assert.equal(b.dropped, 0);
  });

  it('lets go of every row on clear, the ring wrapped or not, and fills again from empty', () => {
    const b = new FeedBuffer<object>(4);
    b.append([{}, {}, {}, {}, {}, {}]); // wrapped: the head is in the middle of the slots
    b.clear();
    // The slots are the ring's only hold on the rows: none may keep one alive after a clear.
    assert.deepEqual((b as unknown as { slots: unknown[] }).slots, [undefined, undefined, undefined, undefined]);
    const row = { n: 1 };
    b.append([row]);
    assert.deepEqual(all(b), [row]);
  });

  it('refuses a capacity that is not a positive whole number', () => {
    assert.throws(() => new FeedBuffer(0), RangeError);
    assert.throws(() => new FeedBuffer(1.5), RangeError);
  });
});
