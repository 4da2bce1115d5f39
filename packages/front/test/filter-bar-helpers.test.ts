import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter } from '@shoal/filter';
import { FILTER_EXAMPLES } from '../src/domain/filter-examples.js';
import { underlineRange } from '../src/domain/filter-underline.js';
import { HISTORY_SIZE, parseHistory, remember } from '../src/domain/query-history.js';
import { SeenValues, ROWS_READ, VALUES_KEPT } from '../src/domain/seen-values.js';
import type { EntryRow } from '../src/domain/entry-row.js';

describe('query history', () => {
  it('puts the newest first, once, trimmed; empty queries are not remembered', () => {
    let list = remember([], 'http');
    list = remember(list, ' dns ');
    list = remember(list, 'http');
    list = remember(list, '   ');
    assert.deepEqual(list, ['http', 'dns']);
  });

  it('keeps HISTORY_SIZE queries', () => {
    let list: string[] = [];
    for (let i = 0; i < HISTORY_SIZE + 5; i++) list = remember(list, `status_code == ${i}`);
    assert.equal(list.length, HISTORY_SIZE);
    assert.equal(list[0], `status_code == ${HISTORY_SIZE + 4}`);
  });

  it('reads only a JSON list of strings from storage', () => {
    assert.deepEqual(parseHistory(null), []);
    assert.deepEqual(parseHistory('not json'), []);
    assert.deepEqual(parseHistory('{"a":1}'), []);
    assert.deepEqual(parseHistory('["http", 3, "dns"]'), ['http', 'dns']);
  });
});

describe('underlineRange', () => {
  it('marks the token at the offset, from the offset', () => {
    assert.deepEqual(underlineRange('status_code == "x"', 0), { start: 0, end: 11 });
    assert.deepEqual(underlineRange('http && bogus', 8), { start: 8, end: 13 });
  });

  it('marks a dotted name whole: the hub points at its start', () => {
    assert.deepEqual(underlineRange('http && dst.port == "8080"', 8), { start: 8, end: 16 });
    assert.deepEqual(underlineRange('request.headers.cookie == 1', 0), { start: 0, end: 22 });
    assert.deepEqual(underlineRange('src.pod.name.size() > 1', 0), { start: 0, end: 12 });
  });

  it('marks the last character for an error at the end, and a space as itself', () => {
    assert.deepEqual(underlineRange('http &&', 7), { start: 6, end: 7 });
    assert.deepEqual(underlineRange('a  b', 1), { start: 1, end: 2 });
    assert.deepEqual(underlineRange('', 0), { start: 0, end: 0 });
  });

  it("agrees with the filter package's own error offsets", () => {
    const text = 'http and status_code == "x"';
    const error = (() => {
      try {
        compileFilter(text);
      } catch (e) {
        return e as { position: { offset: number } };
      }
      return undefined;
    })();
    assert.ok(error !== undefined);
    const range = underlineRange(text, error.position.offset);
    assert.ok(range.end > range.start && range.start >= 0 && range.end <= text.length);
  });
});

describe('cheat-sheet examples', () => {
  it('every example compiles', () => {
    for (const e of FILTER_EXAMPLES) assert.doesNotThrow(() => compileFilter(e.filter), e.filter);
  });
});

describe('SeenValues', () => {
  const row = (method: string, i: number): EntryRow => ({
    kind: 'entry', id: String(i), stream: 's', timestamp: i, elapsedMs: 1, protocol: 'http', abbr: 'HTTP', method, text: '/', result: 'ok',
    src: { label: 'a', ip: '1.1.1.1', port: 1 }, dst: { label: 'b', ip: '2.2.2.2', port: 2 }, node: 'n', bytes: 1, malformed: false,
  });

  it('reads the newest ROWS_READ rows only', () => {
    const rows = [...Array.from({ length: ROWS_READ }, (_, i) => row('GET', i)), row('PATCH', -1)];
    assert.deepEqual(new SeenValues(rows).valuesFor('method').map((v) => v.value), ['GET']);
  });

  it('keeps VALUES_KEPT values per kind', () => {
    const rows = Array.from({ length: VALUES_KEPT + 20 }, (_, i) => row(`M${i}`, i));
    assert.equal(new SeenValues(rows).valuesFor('method').length, VALUES_KEPT);
  });
});
