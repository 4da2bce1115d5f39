/**
 * The MongoDB detail view (src/domain/mongodb-detail.ts) on the entries the dissector made from the
 * official driver's traffic against the fixture responder (fixtures/mongodb): command, database,
 * collection, the reply's status, error and cursor, the documents as JSON; the terms of its
 * clickable values checked by the real filter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toRow } from '../src/domain/entry-row.js';
import { mongodbDetail } from '../src/domain/mongodb-detail.js';
import { assertTermsSelect, find, golden, texts } from './helpers/fixture-entries.js';

describe('MongoDB detail view', () => {
  const insert = golden('mongodb', 'insert');
  const error = golden('mongodb', 'error');
  const cursor = golden('mongodb', 'find');

  it('shows an insert: command, database, collection, documents, and the sequence as JSON', () => {
    const [req, res] = mongodbDetail(find(insert, 'insert shop.orders'));
    assert.deepEqual(
      [texts(req!.rows)['command'], texts(req!.rows)['database'], texts(req!.rows)['collection'], texts(req!.rows)['documents'], texts(req!.rows)['opcode']],
      ['insert', 'shop', 'orders', '3', 'OP_MSG'],
    );
    const shown = JSON.parse(req!.body!.body!) as { $sequences: Array<{ identifier: string; documents: Array<{ _id: string }> }> };
    assert.deepEqual(shown.$sequences[0]!.documents.map((d) => d._id), ['order-1', 'order-2', 'order-3']);
    assert.deepEqual([texts(res!.rows)['status'], texts(res!.rows)['n']], ['ok (ok: 1)', '3']);
  });

  it('shows an error reply with its code and message, and a cursor with its id', () => {
    const [, res] = mongodbDetail(find(error, 'nope shop'));
    assert.deepEqual([texts(res!.rows)['status'], texts(res!.rows)['error'], texts(res!.rows)['message']], ['error (ok: 0)', '59 CommandNotFound', "no such command: 'nope'"]);
    const [, more] = mongodbDetail(find(cursor, 'getMore'));
    assert.equal(texts(more!.rows)['batch'], '2 documents');
  });

  it('gives a feed row the command as method, the namespace as text, and what came back', () => {
    const row = toRow(find(error, 'insert shop.orders'));
    assert.deepEqual([row.method, row.text, row.outcome], ['insert', 'shop.orders', 'error 11000']);
  });

  it('filters on what it shows: each clickable value keeps its entry', () => {
    for (const e of [find(insert, 'insert shop.orders'), find(error, 'nope shop')]) {
      assertTermsSelect(e, mongodbDetail(e).flatMap((s) => s.rows.map((r) => r.value)));
    }
  });
});
