/**
 * The PostgreSQL variables (KFL2's `postgresql_query`, and `postgresql_error_code`,
 * `postgresql_rows`) and the MySQL ones (KFL2's `mysql_query`, `mysql_error_code`, `mysql_rows`) on
 * entries the dissector made from real traffic, and their zero values on every other kind of entry.
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
    for (const e of [E.plainGet(), E.notFound(), E.noResponse(), E.tcpFlow(), E.udpFlow(), D.cnameA(), W.clientText(), W.echo4(), S.myLarge()]) check(e, zero, true);
  });
});

describe('MySQL variables', () => {
  it('mysql_query: the prepared statement\'s text on its execution, the verb as method', () => {
    check(S.myLarge(), 'mysql && mysql_query.contains("seq_1_to_2000") && method == "SELECT" && request.command == "COM_STMT_EXECUTE"', true);
    check(S.myPing(), 'mysql_query == "" && method == "COM_PING"', true);
  });

  it('mysql_error_code, mysql_rows and response.status', () => {
    check(S.myDuplicate(), 'mysql_error_code == 1062 && response.status == "error" && response.error.sqlState == "23000"', true);
    check(S.myLarge(), 'mysql_rows == 2000 && mysql_error_code == 0 && response.status == "ok"', true);
  });

  it('are zero values on every other entry, without evaluation errors', () => {
    const zero = 'mysql_query == "" && mysql_error_code == 0 && mysql_rows == 0 && !mysql';
    for (const e of [E.plainGet(), E.tcpFlow(), D.cnameA(), W.clientText(), S.pgLarge()]) check(e, zero, true);
  });
});
