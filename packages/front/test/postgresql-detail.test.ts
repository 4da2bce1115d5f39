import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import type { DetailTable } from '../src/domain/detail-table.js';
import { termText } from '../src/domain/filter-snippet.js';
import { toRow } from '../src/domain/entry-row.js';
import { postgresqlDetail } from '../src/domain/postgresql-detail.js';
import { assertTermsSelect, golden as goldenOf, texts } from './helpers/fixture-entries.js';

/** The reviewed golden entries of a PostgreSQL fixture of @shoal/dissect (packages/dissect/test/fixtures/postgresql). */
const golden = (name: string): Entry[] => goldenOf('postgresql', name);
const cells = (t: DetailTable | undefined): string[][] => (t?.rows ?? []).map((r) => r.map((c) => c.text));

describe('PostgreSQL detail view', () => {
  const node = golden('node-md5');
  const byId = node.filter((e) => e.request?.['statement'] === 'user-by-id');

  it('shows the statement, its messages and values, and the answer with its rows under their columns', () => {
    const view = postgresqlDetail(byId[1]!);
    assert.equal(view.request!.query!.text, 'SELECT id, name, joined FROM shoal_users WHERE id = $1');
    assert.deepEqual(texts(view.request!.rows), { method: 'SELECT', messages: 'Bind, Describe, Execute, Sync', statement: 'user-by-id' });
    assert.deepEqual(cells(view.request!.tables.find((t) => t.key === 'parameters')), [['$1', '2']]);
    assert.deepEqual(texts(view.response!.rows), { status: 'ok', commands: 'SELECT 1', rows: '1', transaction: 'idle' });
    const rows = view.response!.tables.find((t) => t.key === 'rows')!;
    assert.deepEqual(rows.columns, ['id (int4)', 'name (text)', 'joined (date)']);
    assert.deepEqual(cells(rows), [['2', 'Bo Reef', '2024-05-01']]);
    assert.deepEqual(view.notes, []);
  });

  it('says how many rows a large answer had beside the first ones it shows', () => {
    const large = postgresqlDetail(node.find((e) => e.summary.text.startsWith('SELECT g AS n'))!);
    const rows = large.response!.tables.find((t) => t.key === 'rows')!;
    assert.equal(rows.title, 'Rows (the first 20 of 2000)');
    assert.equal(rows.rows.length, 20);
  });

  it("shows an error's SQLSTATE and fields, and a notice and a notification as tables", () => {
    const failed = postgresqlDetail(node.find((e) => e.summary.text.startsWith('SELECT * FROM no_such_table'))!);
    const r = texts(failed.response!.rows);
    assert.deepEqual([r['status'], r['SQLSTATE'], r['severity'], r['message'], r['position']], ['error', '42P01', 'ERROR', 'relation "no_such_table" does not exist', '15']);
    const notice = postgresqlDetail(node.find((e) => e.summary.method === 'DO')!);
    assert.deepEqual(cells(notice.response!.tables.find((t) => t.key === 'notices')), [['NOTICE', '00000', 'hello from plpgsql']]);
    const notify = postgresqlDetail(node.find((e) => e.summary.method === 'NOTIFY')!);
    assert.deepEqual(cells(notify.response!.tables.find((t) => t.key === 'notifications')).map((row) => row.slice(0, 2)), [['shoal_events', 'stock changed']]);
  });

  it('shows the start-up, and an SSLRequest and a CancelRequest in words', () => {
    const startup = postgresqlDetail(node[0]!);
    assert.deepEqual([texts(startup.request!.rows)['user'], texts(startup.response!.rows)['authentication'], texts(startup.response!.rows)['authenticated']], ['legacy', 'MD5', 'yes']);
    assert.ok(cells(startup.response!.tables.find((t) => t.key === 'server-parameters')).some(([name]) => name === 'server_version'));
    const ssl = postgresqlDetail(golden('psql-scram')[0]!);
    assert.equal(texts(ssl.response!.rows)['answer'], 'N: refused, the start-up follows in clear');
    const cancel = postgresqlDetail(golden('cancel').find((e) => e.summary.method === 'CancelRequest')!);
    assert.match(texts(cancel.request!.rows)['process to cancel']!, /^\d+$/);
    assert.equal(cancel.response, null);
    assert.deepEqual(cancel.notes, [], 'a CancelRequest gets no answer: nothing is missing');
  });

  it('makes the verb, the statement, the SQLSTATE and the rows filter terms the real filter keeps the entry with', () => {
    const failed = node.find((e) => e.summary.text.startsWith('SELECT * FROM no_such_table'))!;
    const view = postgresqlDetail(failed);
    const terms = [...view.request!.rows, ...view.response!.rows].map((r) => r.value).concat(view.request!.query!);
    assert.deepEqual(
      terms.filter((c) => c.term !== undefined).map((c) => termText(c.term!)),
      ['method == "SELECT"', 'postgresql_error_code == "42P01"', 'postgresql_rows == 0', 'postgresql_query == "SELECT * FROM no_such_table"'],
    );
    for (const e of [failed, byId[1]!, node[0]!]) {
      const v = postgresqlDetail(e);
      assertTermsSelect(e, [...(v.request?.rows ?? []).map((r) => r.value), ...(v.request?.query ? [v.request.query] : []), ...(v.response?.rows ?? []).map((r) => r.value)]);
    }
  });

  it("gives a feed row the statement's summary as its text (a statement has a verb but no path)", () => {
    const select = node.find((e) => e.summary.method === 'SELECT')!;
    const row = toRow(select);
    assert.equal(row.method, 'SELECT');
    assert.equal(row.text, select.summary.text);
    assert.ok(row.text.includes('SELECT'), row.text);
  });

  it('says when the request was not seen, and when the server sent something unasked', () => {
    const unseen = { summary: { text: '(request not seen) -> SELECT 1' }, request: null, response: { status: 'ok', commands: ['SELECT 1'], rowCount: 1 } };
    assert.deepEqual(postgresqlDetail(unseen).notes, [{ side: 'request', text: 'The request was not seen (the capture began after it, or it was lost).' }]);
    const pushed = { summary: { method: 'NotificationResponse', text: '<- NOTIFY a: b' }, request: null, response: { status: 'ok', notifications: [{ processId: 1, channel: 'a', payload: 'b' }] } };
    assert.deepEqual(postgresqlDetail(pushed).notes, [{ side: 'request', text: 'The server sent this unasked: no request goes with it.' }]);
  });
});
