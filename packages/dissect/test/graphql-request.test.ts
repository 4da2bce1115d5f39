/**
 * GraphQL (protocols/graphql): a document's operations from its tokens, and GraphQL requests and
 * responses on scripted HTTP/1.1 connections, each replayed from an empty flow through detection
 * and cut at every position (replayAllSplits, which also compares detail `summary`): the ways
 * HTTP carries a request, what stays HTTP, errors, and random documents and bodies.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import type { GraphqlRequestJson, GraphqlResponseJson } from '@shoal/model';
import type { Transaction } from '../dist/dissector.js';
import { documentOperations } from '../dist/protocols/graphql/document.js';
import { http1 } from '../dist/protocols/http1/index.js';
import { c, close, prng, replay, replayAllSplits, s } from './helpers/split-replay.js';

const post = (path: string, type: string, body: Buffer | string, more = ''): Buffer => {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: api\r\nContent-Type: ${type}\r\nContent-Length: ${b.length}\r\n${more}\r\n`), b]);
};
const ok = (body: Buffer | string, more = ''): Buffer => {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${b.length}\r\n${more}\r\n`), b]);
};
const line = (t: Transaction): string => `${t.protocol.name} ${t.summary.text}`;
const gql = (t: Transaction) => ({ req: t.request!['graphql'] as GraphqlRequestJson, res: t.response!['graphql'] as GraphqlResponseJson | undefined });

describe('GraphQL documents, from their tokens', () => {
  it('finds each operation: type and name, the query shorthand, fragments skipped', () => {
    assert.deepEqual(documentOperations('{ books { title } }'), [{ type: 'query' }]);
    assert.deepEqual(documentOperations('query { a }'), [{ type: 'query' }]);
    assert.deepEqual(documentOperations('mutation AddBook($b: NewBook! = {title: "x {"}) @live { addBook(book: $b) { isbn } }'), [{ type: 'mutation', name: 'AddBook' }]);
    assert.deepEqual(documentOperations('subscription OnBook { added { ...F } }\nfragment F on Book @x(a: 1) { title }'), [{ type: 'subscription', name: 'OnBook' }]);
    assert.deepEqual(documentOperations('\uFEFF# comment {\nquery A { a(s: "}", b: """ block } \\""" """) }, query B { b }'), [{ type: 'query', name: 'A' }, { type: 'query', name: 'B' }]);
  });

  it('says null for what is not an executable document', () => {
    for (const text of [
      '',
      '# only a comment',
      'SELECT title FROM books',
      'type Book { title: String }',
      'fragment F on Book { title }',
      'query A { unclosed',
      'query A { a(s: "unterminated) }',
      'query A }',
      '{ a } trailing',
      'query A ( { a }',
      '{"query": "{ a }"}',
    ]) {
      assert.equal(documentOperations(text), null, text);
    }
  });

  it('never throws on random text, and finds operations only in texts with braces', () => {
    const rnd = prng(16);
    const alphabet = '{}()[]"#:$@!=|&.,\n query mutation fragment on A b 1 \\';
    for (let round = 0; round < 20_000; round++) {
      const n = Math.floor(rnd() * 40);
      let text = '';
      for (let i = 0; i < n; i++) text += alphabet[Math.floor(rnd() * alphabet.length)];
      const ops = documentOperations(text);
      if (ops !== null) assert.ok(text.includes('{') && ops.length > 0, text);
    }
  });
});

describe('GraphQL over HTTP/1.1', () => {
  it('a POST of JSON: operation, variables, errors; the HTTP fields stay', () => {
    const body = JSON.stringify({ query: 'query GetBook($isbn: ID!) { book(isbn: $isbn) { title } }', operationName: 'GetBook', variables: { isbn: '1' } });
    const answer = JSON.stringify({ errors: [{ message: 'no book', path: ['book', 0, 'title'], locations: [{ line: 1, column: 30 }], extensions: { code: 'NOT_FOUND' } }], data: { book: null } });
    const out = replayAllSplits(http1, [c(1, post('/graphql', 'application/json', body)), s(2, ok(answer)), close(3)]);
    assert.deepEqual(out.transactions.map(line), ['graphql query GetBook -> 200 (1 error)']);
    const [t] = out.transactions;
    assert.deepEqual(t!.protocol, { name: 'graphql', abbr: 'GQL', layer4: 'tcp' });
    assert.deepEqual(t!.summary, { text: 'query GetBook -> 200 (1 error)', method: 'POST', path: '/graphql', status: 200 });
    assert.deepEqual(gql(t!).req, { type: 'query', query: 'query GetBook($isbn: ID!) { book(isbn: $isbn) { title } }', name: 'GetBook', variables: { isbn: '1' } });
    assert.deepEqual(gql(t!).res, { data: true, errorCount: 1, errors: [{ message: 'no book', path: ['book', 0, 'title'], locations: [{ line: 1, column: 30 }], extensions: { code: 'NOT_FOUND' } }] });
    assert.equal(t!.request!['body'], body);
  });

  it('operationName picks the operation of a document with several; a gzip response is read decoded', () => {
    const body = JSON.stringify({ query: 'query A { a } mutation B { b }', operationName: 'B' });
    const out = replayAllSplits(http1, [
      c(1, post('/api', 'application/json; charset=utf-8', body)),
      s(2, ok(zlib.gzipSync(JSON.stringify({ data: null, errors: [{ message: 'x' }, { message: 'y' }] })), 'Content-Encoding: gzip\r\n')),
      close(3),
    ]);
    assert.deepEqual(out.transactions.map(line), ['graphql mutation B -> 200 (2 errors)']);
    assert.equal(gql(out.transactions[0]!).res!.data, false);
  });

  it('a GET with ?query=, and variables as JSON text; an application/graphql body', () => {
    const get = `GET /graphql?query=${encodeURIComponent('{ me { id } }')}&variables=${encodeURIComponent('{"a":1}')} HTTP/1.1\r\nHost: api\r\n\r\n`;
    const out = replayAllSplits(http1, [
      c(1, get),
      s(2, ok('{"data":{"me":{"id":1}}}')),
      c(3, post('/graphql', 'application/graphql', 'mutation Ping { ping }')),
      s(4, ok('{"data":{"ping":true}}')),
      close(5),
    ]);
    assert.deepEqual(out.transactions.map(line), ['graphql query -> 200', 'graphql mutation Ping -> 200']);
    assert.deepEqual(gql(out.transactions[0]!).req.variables, { a: 1 });
    assert.deepEqual(gql(out.transactions[0]!).res, { data: true, errorCount: 0 });
  });

  it('stays HTTP: a JSON query that is not GraphQL, a body over the cap, a PUT, a response that is not JSON', () => {
    const big = JSON.stringify({ query: `{ ${'a '.repeat(600)}}` });
    const out = replayAllSplits(http1, [
      c(1, post('/search', 'application/json', '{"query":"SELECT 1"}')),
      s(2, ok('{"rows":[]}')),
      c(3, post('/graphql', 'application/json', big)),
      s(4, ok('{"data":{}}')),
      c(5, Buffer.from('PUT /graphql HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"query":"{a}"}'.replace('13', '15'))),
      s(6, ok('{"data":{}}')),
      c(7, post('/graphql', 'application/json', '{"query":"{ a }"}')),
      s(8, Buffer.from('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 4\r\n\r\noops')),
      close(9),
    ], { bodyCapBytes: 1000 });
    assert.deepEqual(out.transactions.map(line), ['http POST /search -> 200', 'http POST /graphql -> 200', 'http PUT /graphql -> 200', 'graphql query -> 502']);
    assert.equal(out.transactions[3]!.response!['graphql'], undefined, 'no GraphQL response part when the body is not one');
  });

  it('a batch: the first operation, and how many', () => {
    const body = JSON.stringify([{ query: 'query One { a }' }, { query: '{ b }' }, { query: '{ c }' }]);
    const out = replayAllSplits(http1, [c(1, post('/graphql', 'application/json', body)), s(2, ok('[{"data":{}},{"errors":[{"message":"m"}]},{"data":{}}]')), close(3)]);
    assert.deepEqual(out.transactions.map(line), ['graphql query One (batch of 3) -> 200 (1 error)']);
  });

  it('never throws on random JSON-ish bodies posted as GraphQL', () => {
    const rnd = prng(7);
    const pieces = ['{', '}', '[', ']', '"query"', ':', '"{ a }"', '"query X { y }"', ',', '"operationName"', '"X"', '"variables"', 'null', '1', '"errors"', '"data"', '"message"'];
    for (let round = 0; round < 300; round++) {
      const text = Array.from({ length: 1 + Math.floor(rnd() * 20) }, () => pieces[Math.floor(rnd() * pieces.length)]).join('');
      const out = replay(http1, [c(1, post('/graphql', 'application/json', text)), s(2, ok(text)), close(3)]);
      assert.equal(out.transactions.length, 1);
      assert.ok(['http', 'graphql'].includes(out.transactions[0]!.protocol.name));
      JSON.stringify(out.transactions);
    }
  });
});
