import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeedBuffer } from '../src/domain/feed-buffer.js';
import { locate, moveSelection } from '../src/domain/row-selection.js';

type Row = { id: string; gap?: boolean };
const buffer = (ids: string[], capacity = 10) => {
  const b = new FeedBuffer<Row>(capacity);
  b.append(ids.map((id) => ({ id, gap: id.startsWith('gap') })));
  return b;
};
const selectable = (r: Row) => r.gap !== true;

describe('row selection', () => {
  it('starts on the newest row, then moves by one, stopping at the ends', () => {
    const rows = buffer(['a', 'b', 'c']);
    let s = moveSelection(rows, undefined, -1);
    assert.deepEqual(s, { id: 'c', index: 2 });
    s = moveSelection(rows, s, -1);
    s = moveSelection(rows, s, -1);
    assert.deepEqual(s, { id: 'a', index: 0 });
    assert.deepEqual(moveSelection(rows, s, -1), { id: 'a', index: 0 });
    assert.deepEqual(moveSelection(rows, { id: 'c', index: 2 }, 1), { id: 'c', index: 2 });
    assert.equal(moveSelection(buffer([]), undefined, 1), undefined);
  });

  it('skips rows that cannot be selected (gap markers)', () => {
    const rows = buffer(['a', 'gap-1', 'b']);
    assert.deepEqual(moveSelection(rows, { id: 'b', index: 2 }, -1, selectable), { id: 'a', index: 0 });
    assert.deepEqual(moveSelection(rows, { id: 'a', index: 0 }, 1, selectable), { id: 'b', index: 2 });
  });

  it('finds the selected row again after rows dropped or were prepended', () => {
    const rows = buffer(['a', 'b', 'c'], 3);
    const s = { id: 'c', index: 2 };
    rows.append([{ id: 'd' }]);
    assert.equal(locate(rows, s), 1);
    assert.deepEqual(moveSelection(rows, s, 1), { id: 'd', index: 2 });
    rows.append([{ id: 'e' }, { id: 'f' }]);
    assert.equal(locate(rows, s), undefined, 'its row has gone');
    assert.deepEqual(moveSelection(rows, s, -1), { id: 'f', index: 2 }, 'then it starts over on the newest');
  });
});
