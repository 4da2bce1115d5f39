/**
 * `matches()` has RE2 semantics: linear-time matching, so a pattern that makes a backtracking
 * engine (JavaScript's RegExp) run for longer than anyone waits answers at once here; what RE2
 * does not have (backreferences, lookaround, possessive quantifiers) is refused at compile time
 * with a positioned FLT_ERR_REGEX; a pattern computed at evaluation goes through RE2 too.
 * The tests assert results, never times: on the old engine the pathological ones never end.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { compileFilter, compileRegex, FilterErrorCodes, isFilterError, RegexCache, type FilterError } from '@shoal/filter';
import * as E from './entries.js';

function withPath(path: string): Entry {
  const e = E.plainGet();
  e.summary.path = path;
  return e;
}

function compileError(text: string): FilterError {
  try {
    compileFilter(text);
  } catch (err) {
    assert.ok(isFilterError(err), String(err));
    return err;
  }
  assert.fail(`compiled: ${text}`);
}

const A = withPath(`${'a'.repeat(50_000)}!`);
const X = withPath(`${'x'.repeat(50_000)}!`);

describe('matches() is RE2', () => {
  it('answers pathological patterns on a 50,000-character path', () => {
    const cases: [filter: string, entry: Entry, expected: boolean][] = [
      ['path.matches("^(a+)+$")', A, false],
      ['path.matches("(a|aa)*c")', A, false],
      ['path.matches("(x+x+)+y")', X, false],
      ['path.matches("^(a|a?)+$")', A, false],
      ['path.matches("^(a+)+!$")', A, true],
      ['path.matches("(x+x+)+!")', X, true],
    ];
    for (const [filter, entry, expected] of cases) {
      const f = compileFilter(filter);
      assert.equal(f.matches(entry), expected, filter);
      assert.equal(f.errorCount, 0, filter);
    }
  });

  it('uses RE2 for a pattern computed at evaluation, inside macros too', () => {
    const computed = compileFilter('["^(a+)+$", "(a|aa)*c"].exists(p, path.matches(p))');
    assert.equal(computed.matches(A), false);
    assert.equal(computed.errorCount, 0);
    const fromEntry = compileFilter('path.matches("(?i)" + method + "$")');
    assert.equal(fromEntry.matches(withPath('/get')), true, 'RE2 syntax that RegExp refuses works at evaluation');
  });

  it('refuses a computed pattern RE2 does not have: that entry fails, counted, never thrown', () => {
    const f = compileFilter('path.matches("^/" + method + "(?=x)") || http');
    assert.equal(f.matches(E.plainGet()), true, 'absorbed by ||');
    assert.equal(f.errorCount, 0);
    const g = compileFilter('path.matches("(" + method + ")\\\\1")');
    assert.equal(g.matches(E.plainGet()), false);
    assert.equal(g.errorCount, 1);
    const last = g.lastError!;
    assert.equal(last.error.code, FilterErrorCodes.FLT_ERR_EVAL);
    assert.match(last.error.reason, /the pattern "\(GET\)\\1" given to matches\(\) is not an RE2 regular expression: `\\1` is a backreference/);
    assert.deepEqual(last.error.position, { offset: 13, line: 1, column: 14 });
  });

  it('accepts RE2 syntax that JavaScript lacks', () => {
    const yes = (filter: string, path: string): void => assert.equal(compileFilter(filter).matches(withPath(path)), true, filter);
    yes('path.matches("(?i)^/API/")', '/api/orders');
    yes('path.matches(r"^/api\\z")', '/api');
    yes('path.matches(r"^\\pL+$")', 'Grüße');
    yes('path.matches(r"^(?P<v>v[0-9]+)/")', 'v2/items');
    yes('path.matches(r"\\Q.*\\E")', '/a.*b');
    assert.equal(compileFilter('path.matches(r"^/api$")').matches(withPath('/api\n')), false, '$ is the end of the text');
    const dyn = compileFilter('request.method.matches("(?i)^get$")');
    assert.equal(dyn.matches(E.plainGet()), true, 'a receiver typed only at evaluation (dyn) too');
    assert.equal(dyn.errorCount, 0);
  });
});

describe('matches() refuses what RE2 does not have, where it is', () => {
  const cases: [filter: string, column: number, excerpt: string, reason: RegExp][] = [
    ['path.matches(r"(\\w+)/\\1")', 22, '^~', /`\\1` is a backreference, which RE2 does not have/],
    ['path.matches("(a)\\\\1")', 18, '^~~', /`\\1` is a backreference/],
    ['path.matches(r"(?<n>a)\\k<n>")', 23, '^~', /`\\k<name>` is a backreference/],
    ['path.matches("^/api(?=/v1)")', 20, '^~~', /`\(\?=` is a lookahead, which RE2 does not have/],
    ['path.matches("^/api(?!/v1)")', 20, '^~~', /`\(\?!` is a lookahead/],
    ['path.matches("(?<=/api)/v1")', 15, '^~~~', /`\(\?<=` is a lookbehind/],
    ['path.matches("(?<!/api)/v1")', 15, '^~~~', /`\(\?<!` is a lookbehind/],
    ['path.matches("a++b")', 16, '^~', /`\+\+` is a possessive quantifier/],
    ['path.matches("a{2,}+")', 16, '^~~~~', /`\{2,\}\+` is a possessive quantifier/],
    ['path.matches("(?>a+)b")', 15, '^~~', /`\(\?>` is an atomic group/],
    ['path.matches(r"\\d+\\Z")', 19, '^~', /`\\Z` is not RE2: use `\\z`/],
    ['path.matches("\\u00e9(?=b)")', 21, '^~~', /lookahead/],
  ];
  for (const [filter, column, caret, reason] of cases) {
    it(filter, () => {
      const err = compileError(filter);
      assert.equal(err.code, FilterErrorCodes.FLT_ERR_REGEX);
      assert.match(err.reason, /^expected an RE2 regular expression for matches\(\): /);
      assert.match(err.reason, reason);
      assert.deepEqual(err.position, { offset: column - 1, line: 1, column });
      assert.equal(err.excerpt, `  ${filter}\n  ${' '.repeat(column - 1)}${caret}`);
    });
  }

  it('positions a refusal on a later line', () => {
    const err = compileError('http &&\n  path.matches("(a)\\\\1")');
    assert.deepEqual([err.position.line, err.position.column], [2, 20]);
  });
});

describe('compileRegex', () => {
  it('gives the problem and where it is in the pattern, never throws', () => {
    const r = compileRegex('^(\\w+)-\\1$');
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.deepEqual({ offset: r.problem.offset, length: r.problem.length }, { offset: 7, length: 2 });
    const escaped = compileRegex('\\++ a++');
    assert.ok(!escaped.ok);
    assert.equal(escaped.problem.offset, 5, 'an escaped `\\+` followed by `+` is not the possessive one');
    const ok = compileRegex('^web-');
    assert.ok(ok.ok);
    assert.equal(ok.regex.test('web-1'), true);
    assert.equal(ok.regex.test('db-0'), false);
  });
});

describe('RegexCache', () => {
  it('keeps at most its capacity, dropping the least recently used', () => {
    const cache = new RegexCache(3);
    const first = cache.get('^a');
    cache.get('^b');
    cache.get('^c');
    assert.equal(cache.get('^a'), first, 'a hit compiles nothing');
    cache.get('^d'); // drops ^b, the least recently used
    assert.equal(cache.size, 3);
    assert.equal(cache.get('^a'), first);
    const b = cache.get('^b');
    assert.ok(b.ok);
    assert.equal(cache.size, 3);
    for (let i = 0; i < 100; i++) cache.get(`^p${i}`);
    assert.equal(cache.size, 3);
  });

  it('keeps refusals too', () => {
    const cache = new RegexCache(2);
    const refused = cache.get('(?=a)');
    assert.equal(refused.ok, false);
    assert.equal(cache.get('(?=a)'), refused);
  });
});
