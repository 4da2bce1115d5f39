/**
 * GraphQL golden captures: every capture under test/fixtures/graphql/ (made by
 * fixtures/generate-graphql.sh: the `graphql` reference implementation served over HTTP/1.1 and
 * HTTP/2 by Node, a client sending what GraphQL clients send, on a 1500-MTU veth pair) is
 * dissected with the default engine and compared with `<name>.expected.json` beside it
 * (`UPDATE_GOLDEN=1` rewrites them: read their diff). Then independent checks: what a person read
 * in the generator's client (REVIEWED and the details below, which a wrong golden cannot
 * satisfy), tshark's HTTP, HTTP/2 and JSON dissectors on the same file, and the same entries when
 * the network's segments are cut smaller.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Entry, GraphqlRequestJson, GraphqlResponseJson } from '@shoal/model';
import { readCapture, resegment } from './helpers/capture-rewrite.js';
import { dissectFile, dissectPackets } from './helpers/dissect-capture.js';
import { goldenCaptures } from './helpers/golden-captures.js';
import { asSummaryDetail } from './helpers/summary-detail.js';
import { ourGraphql, tsharkGraphql } from './helpers/tshark-graphql.js';
import { ourHttp2, tsharkHttp2 } from './helpers/tshark-http2.js';
import { rankedStreams } from './helpers/ranked-streams.js';
import { summarize } from './helpers/tshark-summary.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/graphql/', import.meta.url));
/** generate-graphql.sh's server ports. */
const PORTS: Record<string, number> = { http1: 4000, http2: 4001 };

/** The requests of clients/graphql-client.mjs, in order: protocol and summary. */
const REVIEWED: Record<string, string[]> = {
  http1: [
    'graphql query GetBook -> 200',
    'graphql query -> 200',
    'graphql mutation AddBook -> 200',
    'graphql query Missing -> 200 (1 error)',
    'graphql query Titles -> 200',
    'graphql query Years -> 200',
    'graphql query GetBook (batch of 2) -> 200',
    'http POST /search -> 200',
  ],
  http2: ['graphql query GetBook -> 200', 'graphql mutation AddBook -> 200', 'graphql query Missing -> 200 (1 error)'],
};

const gql = (e: Entry) => ({ req: e.request!['graphql'] as GraphqlRequestJson, res: e.response?.['graphql'] as GraphqlResponseJson | undefined });

describe('GraphQL golden captures', () => {
  it('holds what the client sent and the server answered, over HTTP/1.1 and HTTP/2', () => {
    const h1 = dissectFile(`${FIXTURES}http1.pcap`).entries;
    const [named, shorthand, mutation, failing, get, raw, batch, search] = h1;
    assert.deepEqual(gql(named!).req.variables, { isbn: '978-1-000-00001-1' });
    assert.deepEqual([gql(named!).res!.data, gql(named!).res!.errorCount], [true, 0]);
    assert.deepEqual([named!.protocol.abbr, named!.summary.method, named!.summary.path, named!.request!['body'] !== undefined], ['GQL', 'POST', '/graphql', true], 'the HTTP fields stay');
    assert.deepEqual([gql(shorthand!).req.type, gql(shorthand!).req.name], ['query', undefined]);
    assert.deepEqual(gql(mutation!).req.variables, { book: { isbn: '978-1-000-00009-9', title: 'New Waves', author: 'Cy Tide' } });
    assert.deepEqual(gql(failing!).res, { data: true, errorCount: 1, errors: [{ message: 'no book with ISBN 000', path: ['book'], locations: [{ line: 2, column: 17 }] }] });
    assert.deepEqual([get!.summary.method, gql(get!).req.name, gql(get!).req.query], ['GET', 'Titles', 'query Titles { books { title } }']);
    assert.equal(gql(raw!).req.query, 'query Years { books { year } }', 'an application/graphql body is the document');
    assert.deepEqual([gql(batch!).req.batch, gql(batch!).req.name, gql(batch!).req.variables], [2, 'GetBook', { isbn: '978-1-000-00002-2' }]);
    assert.deepEqual([search!.protocol.name, search!.request!['graphql']], ['http', undefined], 'a JSON query that is not GraphQL stays HTTP');

    const h2 = dissectFile(`${FIXTURES}http2.pcap`).entries;
    assert.deepEqual(h2.map((e) => [e.request!['httpVersion'], e.request!['streamId']]), [['HTTP/2', 1], ['HTTP/2', 3], ['HTTP/2', 5]]);
    assert.deepEqual(gql(h2[2]!).res!.errors!.map((x) => x.message), ['no book with ISBN 000']);
  });

  goldenCaptures(FIXTURES, REVIEWED, (name, file, result) => {
    it('holds what a person read in the generator', () => {
      assert.deepEqual(result().entries.map((e) => `${e.protocol.name} ${e.summary.text}${e.malformed !== undefined ? ` [${e.malformed.code}]` : ''}`), REVIEWED[name]);
    });

    it("agrees with tshark's JSON dissector on every request's query and every response's error messages", () => {
      const theirs = tsharkGraphql(file, PORTS[name]!);
      assert.ok(theirs.queries.length >= 3, 'tshark found the bodies');
      assert.deepEqual(ourGraphql(result().entries), theirs);
    });

    it("agrees with tshark's HTTP on every request and status", () => {
      const entries = result().entries;
      if (name === 'http2') {
        const ours = ourHttp2(entries, ['graphql']);
        const theirs = tsharkHttp2(file);
        assert.deepEqual([ours.requests.sort(), ours.responses.sort()], [theirs.requests.sort(), theirs.responses.sort()]);
      } else {
        const theirs = summarize(file);
        assert.deepEqual(entries.map((e) => `${e.request!['method']} ${e.request!['url']}`), theirs.requests);
        assert.deepEqual(entries.map((e) => e.response!['status']), theirs.responses);
      }
    });

    it('gives the same entries in detail summary: operation, batch and error count, no document, variables, errors or bodies', () => {
      assert.deepStrictEqual(dissectFile(file, { detail: 'summary' }).entries, asSummaryDetail(result().entries));
    });

    it('gives the same entries when every TCP segment is cut into 100-byte pieces', () => {
      assert.deepStrictEqual(rankedStreams(dissectPackets(resegment(readCapture(file), 100)).entries), rankedStreams(result().entries));
    });
  });
});
