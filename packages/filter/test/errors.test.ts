/**
 * Compile errors: a code, the position in the ORIGINAL text (1-based line:column), what was
 * expected, a caret excerpt. Evaluation errors: never thrown, the entry does not match, counted.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { compileFilter, FilterErrorCodes, isFilterError, type FilterError } from '@shoal/filter';
import * as E from './entries.js';

function compileError(text: string): FilterError {
  try {
    compileFilter(text);
  } catch (err) {
    assert.ok(isFilterError(err), String(err));
    return err;
  }
  assert.fail(`compiled: ${text}`);
}

type Expect = [text: string, code: string, line: number, column: number, reason: RegExp];

const CASES: Expect[] = [
  ['method == "GET" && (', 'FLT_ERR_SYNTAX', 1, 21, /expected a value.*found the end of the filter \(the `\(` at 1:20 is still open\)/],
  ['(method == "GET"', 'FLT_ERR_SYNTAX', 1, 17, /expected `\)` to close the `\(` at 1:1, found the end of the filter/],
  ['path.startsWith("/api"', 'FLT_ERR_SYNTAX', 1, 23, /expected `\)` to close the `\(` at 1:16/],
  ['status_code === 200', 'FLT_ERR_SYNTAX', 1, 15, /expected `==` to compare, found `=`/],
  ['method = "GET"', 'FLT_ERR_SYNTAX', 1, 8, /expected `==`/],
  ['http & tcp', 'FLT_ERR_SYNTAX', 1, 6, /expected `&&`, found a single `&`/],
  ['"unterminated', 'FLT_ERR_SYNTAX', 1, 1, /expected a closing quote/],
  ['method == "GET" status_code == 1', 'FLT_ERR_SYNTAX', 1, 17, /expected an operator .* found `status_code`/],
  ['http &&\n  status_code >= 500 &&\n  path.startsWith(/api)', 'FLT_ERR_SYNTAX', 3, 19, /found `\/`/],
  ['namespace == "shop"', 'FLT_ERR_SYNTAX', 1, 1, /reserved word/],
  ['methd == "GET"', 'FLT_ERR_UNKNOWN', 1, 1, /unknown variable `methd`; did you mean `method`\?/],
  ['src_ip == "10.0.0.1"', 'FLT_ERR_UNKNOWN', 1, 1, /did you mean `src.ip`\?/],
  ['http && src.prot == 80', 'FLT_ERR_UNKNOWN', 1, 13, /`src` has no field `prot`; did you mean `port`\?; it has `ip`, `port`/],
  ['dst.pod.nmae == "x"', 'FLT_ERR_UNKNOWN', 1, 9, /`dst.pod` has no field `nmae`; did you mean `name`\?/],
  ['path.startswith("/api")', 'FLT_ERR_UNKNOWN', 1, 6, /unknown function `startswith`; did you mean `startsWith`\?/],
  ['status_code == "200"', 'FLT_ERR_TYPE', 1, 1, /type mismatch: .*int == string; numbers are written without quotes/],
  ['status_code.contains("2")', 'FLT_ERR_TYPE', 1, 13, /`contains` does not take these argument types/],
  ['method', 'FLT_ERR_TYPE', 1, 1, /expected a condition \(bool\).*type string/],
  ['has(method)', 'FLT_ERR_TYPE', 1, 5, /expected a field selection/],
  ['http &&\n\tpath.matches("(unclosed")', 'FLT_ERR_REGEX', 2, 16, /expected an RE2 regular expression for matches\(\): missing closing \): `\(unclosed`/],
];

describe('compile errors', () => {
  for (const [text, code, line, column, reason] of CASES) {
    it(`${code} ${JSON.stringify(text)}`, () => {
      const err = compileError(text);
      assert.equal(err.code, code);
      assert.deepEqual([err.position.line, err.position.column], [line, column]);
      assert.match(err.reason, reason);
      assert.equal(err.name, 'ShoalError');
      assert.ok(err.message.startsWith(`${err.reason} (at ${line}:${column})\n`));
      // the caret sits under the reported column of the reported line
      const [shown, caret] = err.excerpt.split('\n') as [string, string];
      assert.equal(shown.slice(2), text.split('\n')[line - 1]);
      assert.equal(caret.indexOf('^') - 2, column - 1);
    });
  }

  it('keeps tabs in the caret line so it lines up', () => {
    const err = compileError('http &&\n\tpath.matches("(unclosed")');
    assert.equal(err.excerpt, '  \tpath.matches("(unclosed")\n  \t              ^~~~~~~~~');
  });

  it('rejects over-long filters as too complex', () => {
    const err = compileError(`http || ${'"a" == "a" || '.repeat(1500)}tcp`);
    assert.equal(err.code, FilterErrorCodes.FLT_ERR_TOO_COMPLEX);
    const deep = compileError(`${'('.repeat(200)}http${')'.repeat(200)}`);
    assert.equal(deep.code, FilterErrorCodes.FLT_ERR_TOO_COMPLEX);
  });

  it('an empty filter matches everything', () => {
    for (const text of ['', '   ', '\n// only a comment\n']) {
      const f = compileFilter(text);
      assert.deepEqual(f.variables, []);
      assert.equal(f.matches(E.tcpFlow()), true);
      assert.equal(f.matches(E.resolvedPost()), true);
    }
  });
});

describe('evaluation errors', () => {
  const entries = [E.plainGet(), E.resolvedPost(), E.tcpFlow()];

  it('make the entry not match, are counted, never thrown', () => {
    const f = compileFilter('request.headers["content-type"] == "application/json"');
    assert.deepEqual(entries.map((e) => f.matches(e)), [false, true, false]);
    assert.equal(f.errorCount, 2);
    const last = f.lastError;
    assert.ok(last);
    assert.equal(last.entryId, 'dissect/2'); // the websocket fixture's TCP flow entry
    assert.equal(last.error.code, FilterErrorCodes.FLT_ERR_EVAL);
    assert.match(last.error.reason, /on entry dissect\/2: No such key: content-type \(test with `in` or has\(\) first\)/);
    assert.deepEqual(last.error.position, { offset: 0, line: 1, column: 1 });
    f.resetErrors();
    assert.equal(f.errorCount, 0);
    assert.equal(f.lastError, undefined);
  });

  it('an error absorbed by || or && is not an error (CEL semantics)', () => {
    const f = compileFilter('request.headers["x-missing"] == "a" || http');
    assert.deepEqual(entries.map((e) => f.matches(e)), [true, true, false]);
    assert.equal(f.errorCount, 1); // the TCP flow: error || false
    const g = compileFilter('"content-type" in request.headers && request.headers["content-type"] == "application/json"');
    assert.deepEqual(entries.map((e) => g.matches(e)), [false, true, false]);
    assert.equal(g.errorCount, 0);
  });

  it('a result that is not a bool is counted, not matched', () => {
    const f = compileFilter('request.method');
    assert.equal(f.matches(E.resolvedPost()), false);
    assert.equal(f.errorCount, 1);
    assert.match(f.lastError!.error.reason, /gave a string, not true or false/);
  });

  it('a broken entry is counted, not thrown', () => {
    const f = compileFilter('method == "GET" && dst.pod.name == ""');
    const broken = { id: 'x/1' } as unknown as Entry;
    assert.equal(f.matches(broken), false);
    assert.equal(f.errorCount, 1);
    assert.equal(f.lastError!.entryId, 'x/1');
    assert.equal(f.matches(E.plainGet()), true);
  });
});
