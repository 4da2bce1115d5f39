import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DetailCell } from '../src/domain/detail-table.js';
import { toRow } from '../src/domain/entry-row.js';
import { termText } from '../src/domain/filter-snippet.js';
import { graphqlDetail } from '../src/domain/graphql-detail.js';
import { assertTermsSelect, golden } from './helpers/golden-entries.js';

const texts = (cells: { label: string; value: DetailCell }[]): string[][] => cells.map((r) => [r.label, r.value.text]);

describe('GraphQL detail view', () => {
  const h1 = golden('graphql', 'http1');
  const [named, shorthand, , failing, , , batch] = h1;

  it('shows the operation, the document and the variables', () => {
    const view = graphqlDetail(named!);
    assert.deepEqual(texts(view.operation), [['type', 'query'], ['name', 'GetBook']]);
    assert.equal(view.query, 'query GetBook($isbn: ID!) {\n  book(isbn: $isbn) { title author year }\n}');
    assert.equal(view.variables, '{"isbn":"978-1-000-00001-1"}');
    assert.deepEqual(texts(view.response!), [['data', 'yes'], ['errors', '0']]);
    assert.equal(view.errors, undefined);
    assert.deepEqual(texts(graphqlDetail(shorthand!).operation), [['type', 'query'], ['name', '(anonymous)']]);
    assert.deepEqual(texts(graphqlDetail(batch!).operation).at(-1), ['batch', '2 requests (the first one shown)']);
  });

  it('shows the errors as a table; a message filters as a member of gql_errors', () => {
    const errors = graphqlDetail(failing!).errors!;
    assert.deepEqual(errors.rows.map((r) => r.map((c) => c.text)), [['no book with ISBN 000', 'book', '2:17']]);
    assert.equal(termText(errors.rows[0]![0]!.term!), '"no book with ISBN 000" in gql_errors');
    for (const e of [...h1, ...golden('graphql', 'http2')].filter((x) => x.protocol.name === 'graphql')) {
      const view = graphqlDetail(e);
      assertTermsSelect(e, [...view.operation.map((r) => r.value), ...(view.errors?.rows.flat() ?? [])]);
    }
  });

  it('gives a feed row the operation beside the path', () => {
    assert.deepEqual([toRow(failing!).text, toRow(failing!).outcome], ['/graphql', 'query Missing (1 error)']);
    assert.equal(toRow(h1.at(-1)!).outcome, undefined, 'an HTTP entry has none');
  });
});
