import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import type { DetailTable } from '../src/domain/detail-table.js';
import { termText } from '../src/domain/filter-snippet.js';
import { mysqlDetail } from '../src/domain/mysql-detail.js';
import { assertTermsSelect, golden as goldenOf, texts } from './helpers/fixture-entries.js';

/** The reviewed golden entries of a MySQL fixture of @shoal/dissect (packages/dissect/test/fixtures/mysql). */
const golden = (name: string): Entry[] => goldenOf('mysql', name);
const cells = (t: DetailTable | undefined): string[][] => (t?.rows ?? []).map((r) => r.map((c) => c.text));
const BY_ID = 'SELECT id, name, joined FROM shoal_users WHERE id = ?';

describe('MySQL detail view', () => {
  const node = golden('node-mysql2');
  const executions = node.filter((e) => e.request?.['command'] === 'COM_STMT_EXECUTE' && e.request['query'] === BY_ID);

  it("shows an execution: the prepared statement's text and values, the rows under their columns", () => {
    const view = mysqlDetail(executions[1]!);
    assert.equal(view.request!.query!.text, BY_ID);
    assert.deepEqual(texts(view.request!.rows), { method: 'SELECT', command: 'COM_STMT_EXECUTE', statement: '1' });
    assert.deepEqual(cells(view.request!.tables.find((t) => t.key === 'parameters')), [['1', '2']]);
    assert.deepEqual(texts(view.response!.rows), { status: 'ok', rows: '1' });
    const rows = view.response!.tables.find((t) => t.key === 'rows')!;
    assert.deepEqual(rows.columns, ['id (INT)', 'name (VARCHAR)', 'joined (DATE)']);
    assert.deepEqual(cells(rows), [['2', 'Bo Reef', '2024-05-01']]);
    assert.deepEqual(view.notes, []);
  });

  it("shows an error's number, SQLSTATE and message; an INSERT's affected rows and id; a prepare's statement", () => {
    const failed = mysqlDetail(node.find((e) => e.summary.text.startsWith('INSERT INTO shoal_users (id, name) VALUES (?, ?) -> ERROR'))!);
    assert.deepEqual(texts(failed.response!.rows), { status: 'error', error: '1062', SQLSTATE: '23000', message: "Duplicate entry '1' for key 'PRIMARY'" });
    const insert = mysqlDetail(node.find((e) => e.summary.text.startsWith("INSERT INTO shoal_users (name) VALUES ('Nodie Maria')"))!);
    assert.deepEqual(texts(insert.response!.rows), { status: 'ok', 'affected rows': '1', 'insert id': '3' });
    const prepare = mysqlDetail(node.find((e) => e.summary.method === 'COM_STMT_PREPARE')!);
    assert.equal(texts(prepare.response!.rows)['statement'], '1: 1 parameters, 3 columns');
  });

  it('shows the handshake, the results of a query of several statements, and what gets no answer', () => {
    const handshake = mysqlDetail(node[0]!);
    assert.deepEqual([texts(handshake.request!.rows)['user'], texts(handshake.response!.rows)['authenticated']], ['app', 'yes']);
    assert.deepEqual(cells(handshake.request!.tables.find((t) => t.key === 'attributes')), [['_client_name', 'Node-MySQL-2'], ['_client_version', '3.26.1']]);
    const switched = mysqlDetail(golden('auth-switch')[0]!);
    assert.equal(texts(switched.response!.rows)['switched to'], 'client_ed25519');
    const several = mysqlDetail(golden('cli-native').find((e) => e.summary.method === 'BEGIN')!);
    assert.deepEqual(cells(several.response!.tables.find((t) => t.key === 'results')), [['1', 'OK, 0 affected'], ['2', 'OK, 1 affected'], ['3', 'OK, 0 affected']]);
    const close = mysqlDetail(node.find((e) => e.summary.method === 'COM_STMT_CLOSE')!);
    assert.equal(close.response, null);
    assert.deepEqual(close.notes, [], 'COM_STMT_CLOSE gets no answer: nothing is missing');
  });

  it('makes the verb, the statement, the error number and the rows filter terms the real filter keeps the entry with', () => {
    const failed = node.find((e) => e.summary.text.startsWith('SELECT * FROM no_such_table'))!;
    const view = mysqlDetail(failed);
    const terms = [...view.request!.rows, ...view.response!.rows].map((r) => r.value).concat(view.request!.query!);
    assert.deepEqual(
      terms.filter((c) => c.term !== undefined).map((c) => termText(c.term!)),
      ['method == "SELECT"', 'mysql_error_code == 1146', 'mysql_query == "SELECT * FROM no_such_table"'],
    );
    for (const e of [failed, executions[0]!, node[0]!]) {
      const v = mysqlDetail(e);
      assertTermsSelect(e, [...(v.request?.rows ?? []).map((r) => r.value), ...(v.request?.query ? [v.request.query] : []), ...(v.response?.rows ?? []).map((r) => r.value)]);
    }
  });
});
