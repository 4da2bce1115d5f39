/**
 * The PostgreSQL variables (KFL2's `postgresql_query`, and `postgresql_error_code`,
 * `postgresql_rows`) on entries the dissector made from real traffic, and their zero values on
 * every other kind of entry.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { compileFilter } from '@shoal/filter';
import * as D from './dns-entries.js';
import * as E from './entries.js';
import * as S from './sql-entries.js';
import * as W from './ws-entries.js';

function check(entry: Entry, filter: string, expected: boolean): void {
  const f = compileFilter(filter);
  assert.equal(f.matches(entry), expected, `${filter} on ${entry.summary.text}`);
  assert.equal(f.errorCount, 0, `${filter}: ${f.lastError?.error.message ?? ''}`);
}

describe('PostgreSQL variables', () => {
  it('postgresql_query: the statement, carried to an execution without its Parse', () => {
    check(S.pgLarge(), 'postgresql && postgresql_query.contains("generate_series") && method == "SELECT"', true);
    check(S.pgNamedAgain(), 'postgresql_query == "SELECT id, name, joined FROM shoal_users WHERE id = $1" && !("Parse" in request.messages)', true);
    check(S.pgStartup(), 'postgresql_query == "" && method == "StartupMessage" && request.user == "legacy"', true);
  });

  it('postgresql_error_code and response.status: the failed statement', () => {
    check(S.pgMissingTable(), 'postgresql_error_code == "42P01" && response.status == "error"', true);
    check(S.pgLarge(), 'postgresql_error_code == "" && response.status == "ok"', true);
  });

  it('postgresql_rows: the rows of the answer', () => {
    check(S.pgLarge(), 'postgresql_rows == 2000', true);
    check(S.pgMissingTable(), 'postgresql_rows == 0', true);
  });

  it('are zero values on every other entry, without evaluation errors', () => {
    const zero = 'postgresql_query == "" && postgresql_error_code == "" && postgresql_rows == 0 && !postgresql';
    for (const e of [E.plainGet(), E.notFound(), E.noResponse(), E.tcpFlow(), E.udpFlow(), D.cnameA(), W.clientText(), W.echo4()]) check(e, zero, true);
  });
});
