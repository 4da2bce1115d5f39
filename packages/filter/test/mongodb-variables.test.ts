/**
 * The MongoDB variables (`mongodb_*`) on entries the dissector made from real traffic (the
 * official driver against the fixture responder: packages/dissect/test/fixtures/mongodb/
 * *.expected.json, made by generate-mongodb.sh), and their zero values on every other entry.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { compileFilter } from '@shoal/filter';
import * as D from './dns-entries.js';
import * as E from './entries.js';
import { fixtureEntries } from './fixture-entries.js';

/** The entry of `capture` whose summary starts with `summary`. */
function pick(capture: string, summary: string): Entry {
  const e = fixtureEntries('mongodb', capture).find((x) => x.summary.text.startsWith(summary));
  if (!e) throw new Error(`fixture mongodb/${capture} has no entry "${summary}"`);
  return e;
}

function check(entry: Entry, filter: string, expected: boolean): void {
  const f = compileFilter(filter);
  assert.equal(f.matches(entry), expected, `${filter} on ${entry.summary.text}`);
  assert.equal(f.errorCount, 0, `${filter}: ${f.lastError?.error.message ?? ''}`);
}

describe('MongoDB variables', () => {
  it('the command, database, collection and opcode', () => {
    check(pick('find', 'find shop.orders'), 'mongodb && mongodb_command == "find" && mongodb_database == "shop" && mongodb_collection == "orders" && mongodb_op_code == "OP_MSG"', true);
    check(pick('hello', 'ismaster admin'), 'mongodb_op_code == "OP_QUERY" && mongodb_command == "ismaster" && mongodb_collection == ""', true);
    check(pick('find', 'find shop.orders'), 'method == "find" && path == "shop.orders"', true);
  });

  it('errors: ok 0 and a write error, with code and message', () => {
    check(pick('error', 'nope shop'), 'mongodb_error_code == 59 && mongodb_errmsg.contains("no such command")', true);
    check(pick('error', 'insert shop.orders'), 'mongodb_error_code == 11000 && mongodb_errmsg.contains("duplicate key")', true);
    check(pick('insert', 'insert shop.orders'), 'mongodb_error_code != 0', false);
  });

  it('are zero values on other entries, without evaluation errors', () => {
    const zero = 'mongodb_command == "" && mongodb_database == "" && mongodb_collection == "" && mongodb_op_code == "" && mongodb_error_code == 0 && mongodb_errmsg == ""';
    for (const e of [E.plainGet(), E.notFound(), E.tcpFlow(), E.udpFlow(), D.cnameA()]) check(e, zero, true);
  });
});
