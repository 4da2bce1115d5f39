/**
 * A caller's scope as a filter (access/view-scope.ts): the CEL condition of its namespaces,
 * quoted safely whatever the names hold, and joined with the caller's own filter so that no
 * filter text can widen it. Checked by compiling with the filter package the workers and the
 * hub run, against entries in and out of scope.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter } from '@shoal/filter';
import type { Entry } from '@shoal/model';
import { ViewScope, scopeCondition } from '../dist/access/view-scope.js';
import { callEntry } from './helpers/call-entry.js';

function between(src: string | undefined, dst: string | undefined, path = '/x'): Entry {
  const e = callEntry('node-a', 1000, ['node-a', 'node-b'], path);
  if (src !== undefined) e.src.namespace = src;
  if (dst !== undefined) e.dst.namespace = dst;
  return e;
}

const ODD = ['a"b', 'a\\b', 'line\nbreak', '" || true || "', '") || true || ("', 'ünïcödé', 'emoji-😀', "it's"];

describe('scope condition', () => {
  it('sees an entry when its source or its destination is in scope, keeping the other side', () => {
    const scope = new ViewScope(['shop']);
    assert.equal(scope.sees(between('shop', 'bank')), true);
    assert.equal(scope.sees(between('bank', 'shop')), true);
    assert.equal(scope.sees(between('bank', 'data')), false);
    assert.equal(scope.sees(between(undefined, undefined)), false, 'unnamed sides are in no scope');
  });

  it('an empty list sees nothing; "" in the list does not make unnamed sides visible', () => {
    assert.equal(scopeCondition([]), 'false');
    assert.equal(scopeCondition(['']), 'false');
    assert.equal(new ViewScope(['', 'shop']).sees(between(undefined, undefined)), false);
  });

  it('"*" sees everything and changes no filter', () => {
    assert.equal(ViewScope.ALL.all, true);
    assert.equal(ViewScope.ALL.sees(between(undefined, undefined)), true);
    assert.equal(ViewScope.ALL.narrow('path == "/x"'), 'path == "/x"');
  });

  for (const name of ODD) {
    it(`quotes the namespace ${JSON.stringify(name)}: it matches itself and nothing else`, () => {
      const scope = new ViewScope([name]);
      compileFilter(scope.condition!);
      assert.equal(scope.sees(between(name, 'other')), true);
      assert.equal(scope.sees(between('other', name)), true);
      assert.equal(scope.sees(between('other', 'another')), false);
      assert.equal(scope.sees(between(`${name} `, 'other')), false);
    });
  }
});

describe('a filter narrowed to a scope', () => {
  const scope = new ViewScope(['shop']);
  const check = (filter: string, entry: Entry): boolean => compileFilter(scope.narrow(filter)).matches(entry);

  it('keeps the filter and adds the scope', () => {
    assert.equal(check('path == "/x"', between('shop', 'bank')), true);
    assert.equal(check('path == "/y"', between('shop', 'bank')), false);
    assert.equal(check('path == "/x"', between('bank', 'data')), false);
    assert.equal(check('', between('bank', 'data')), false, 'an empty filter is the scope alone');
    assert.equal(check('  ', between('shop', 'data')), true);
  });

  it('an `||` in the filter does not reach past the scope', () => {
    assert.equal(check('true || true', between('bank', 'data')), false);
    assert.equal(check('path == "/x" || true', between('bank', 'data')), false);
  });

  it('a filter ending with a comment does not swallow the scope', () => {
    assert.equal(check('true // all of it', between('bank', 'data')), false);
    assert.equal(check('true // all of it', between('shop', 'data')), true);
  });
});

describe('one scope, one text', () => {
  it('the same namespaces in another order, or repeated, give the same condition (one shared live query)', () => {
    assert.equal(scopeCondition(['shop', 'bank']), scopeCondition(['bank', 'shop', 'bank']));
  });
});
