/**
 * celString: a literal whose value the filter engine reads back exactly, whatever the text holds
 * (quotes, backslashes, line breaks, characters beyond the Basic Multilingual Plane), and that
 * never ends early: what the hub relies on to put a user's namespaces into a filter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { celString, compileFilter } from '../dist/index.js';
import { plainGet } from './entries.js';

const ODD = ['shop', '', 'a"b', "a'b", 'a\\b', 'a\\"', 'line\nbreak', 'tab\there', '" || true || "', '") || true || ("', 'ünïcödé', 'emoji-😀', 'nul\u0000x', 'r"raw"', '\\u0022', 'a/b:c@d e.f_g-h'];

describe('celString', () => {
  for (const value of ODD) {
    it(`reads back ${JSON.stringify(value)} exactly`, () => {
      const entry = plainGet();
      entry.summary.path = value;
      assert.equal(compileFilter(`path == ${celString(value)}`).matches(entry), true);
      entry.summary.path = `${value}x`;
      assert.equal(compileFilter(`path == ${celString(value)}`).matches(entry), false, 'another value does not match');
    });
  }

  it('is one token: nothing in the value reaches the expression around it', () => {
    for (const value of ODD) assert.match(celString(value), /^"[A-Za-z0-9._\-/:@ \\]*"$/, 'only safe characters and escapes inside the quotes');
    assert.equal(celString('" || true || "'), '"\\u0022 \\u007c\\u007c true \\u007c\\u007c \\u0022"');
  });

  it('writes a lone surrogate as U+FFFD, which the engine accepts', () => {
    const entry = plainGet();
    entry.summary.path = '\ufffd';
    assert.equal(compileFilter(`path == ${celString('\ud800')}`).matches(entry), true);
  });
});
