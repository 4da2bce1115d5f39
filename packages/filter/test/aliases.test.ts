/** KFL1 aliases `and`, `or`, `not`: rewritten outside string literals and comments only. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter, scanAliases } from '@shoal/filter';
import * as E from './entries.js';

const R = E.resolvedPost(); // POST /api/orders -> 201
const N = E.notFound(); // GET /missing -> 404

describe('scanAliases', () => {
  it('rewrites the three words, keeping every offset', () => {
    const src = 'http and not malformed or tcp';
    const s = scanAliases(src);
    assert.equal(s.text, 'http &&  !   malformed || tcp');
    assert.equal(s.text.length, src.length);
    assert.deepEqual(
      s.rewrites.map((r) => [r.offset, r.word, r.operator]),
      [[5, 'and', '&&'], [9, 'not', '!'], [23, 'or', '||']],
    );
  });

  it('leaves words inside string literals of every kind untouched', () => {
    for (const lit of ['" and "', "' or '", 'r"not and"', "R'or'", 'b"and"', 'rb"\\d and"', '"""a\nand\nb"""', "'''or'''", '"\\" and not"']) {
      const src = `summary.contains(${lit}) and http`;
      const s = scanAliases(src);
      assert.equal(s.text, `summary.contains(${lit}) &&  http`, lit);
      assert.equal(s.rewrites.length, 1, lit);
    }
  });

  it('leaves comments, longer identifiers and field names after a dot untouched', () => {
    const src = 'android == band // and or not\n&& request.headers.and == "x" && x.not';
    const s = scanAliases(src);
    assert.equal(s.text, src);
    assert.equal(s.rewrites.length, 0);
  });

  it('reports brackets still open and blank texts', () => {
    assert.deepEqual(scanAliases('a && (b || [c').open.map((o) => [o.offset, o.char]), [[5, '('], [11, '[']]);
    assert.deepEqual(scanAliases('f(")") && (x)').open, []);
    assert.equal(scanAliases('  // nothing here\n\t').blank, true);
    assert.equal(scanAliases('http').blank, false);
  });
});

describe('aliases in filters', () => {
  it('and / or / not behave as && / || / !', () => {
    const f = compileFilter('http and not (status_code >= 400) and (method == "GET" or method == "POST")');
    assert.equal(f.matches(R), true);
    assert.equal(f.matches(N), false);
    assert.equal(compileFilter('not http or malformed').matches(R), false);
  });

  it('an `and` inside a string literal stays text', () => {
    const e = { ...R, summary: { ...R.summary, text: 'cats and dogs' } };
    assert.equal(compileFilter('summary == "cats and dogs"').matches(e), true);
    assert.equal(compileFilter('summary.contains(" and ") and http').matches(e), true);
    assert.equal(compileFilter('summary == "cats && dogs"').matches(e), false);
  });

  it('mixes with the symbols and with KFL1-style raw regex literals', () => {
    assert.equal(compileFilter('http && path.matches(r"^/api/\\w+$") and status_code == 201').matches(R), true);
    assert.equal(compileFilter('path.matches(r"^/api/\\d+$")').matches(R), false);
  });

  it('a compile error after an alias points at the original text', () => {
    assert.throws(() => compileFilter('http and\nmethod == and'), (err: Error & { position?: unknown; excerpt?: string }) => {
      assert.deepEqual(err.position, { offset: 19, line: 2, column: 11 });
      assert.match(err.message, /found `and`/);
      assert.equal(err.excerpt, '  method == and\n            ^~~');
      return true;
    });
  });

  it('explains `not` binding tighter than `==`', () => {
    assert.throws(() => compileFilter('not method == "GET"'), /`not` is `!`, which binds tighter than `==`/);
    assert.equal(compileFilter('not (method == "GET")').matches(R), true);
  });
});
