/**
 * The hub's error counts (GET /servicemap, GET /stats) follow the model's one rule (model's
 * entry-outcome.ts), not the HTTP status alone: a real worker replays captures of real peers
 * (fixtures of @shoal/dissect) at their own times, and the hub walks its history. The
 * @grpc/grpc-js client made five calls, one answered NOT_FOUND over HTTP 200; the GraphQL client
 * made seven GraphQL requests over HTTP/1.1 and three over HTTP/2, one of each answered with an
 * error over HTTP 200, plus one plain JSON POST (an `http` entry, no error).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@shoal/testkit';
import { getJson, startCluster, type Cluster, type Json } from './helpers/cluster.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../dissect/test/fixtures/${name}.pcap`, import.meta.url));
/** The servers of the fixture generators (generate-grpc.sh, generate-graphql.sh): the worker's targets. */
const TARGETS = [
  { ip: '10.244.83.2', name: 'grpc-server', namespace: 'test' },
  { ip: '10.244.84.2', name: 'graphql-server', namespace: 'test' },
];
const ENTRIES = 5 + 8 + 3;

describe('hub error counts: failed gRPC calls and GraphQL errors count, over HTTP 200', () => {
  let c: Cluster;

  before(async () => {
    c = await startCluster(['node-a'], {}, { fileTime: true, targets: TARGETS });
    const w = c.workers[0]!;
    for (const name of ['grpc/calls', 'graphql/http1', 'graphql/http2']) await w.play(fixture(name));
    await waitFor(() => `stored: ${w.stored()}`, () => w.stored() === ENTRIES, 30_000);
    await waitFor('the worker up', () => c.hub.registry.up().length === 1);
  });

  after(async () => {
    await c?.close();
  });

  /** The whole history: from the epoch to now. */
  const range = (): string => `from=0&to=${Date.now()}`;

  it('GET /servicemap: the gRPC edge has one error in five calls, the GraphQL edge two in ten', async () => {
    const map = (await getJson(c.hubBase, `/servicemap?${range()}`)).body;
    const edges = Object.fromEntries(map.edges.map((e: Json) => [`${e.target} ${e.protocol}`, { count: e.count, errors: e.errors }]));
    assert.deepEqual(edges, {
      '10.244.83.2 grpc': { count: 5, errors: 1 },
      '10.244.84.2 graphql': { count: 10, errors: 2 },
      '10.244.84.2 http': { count: 1, errors: 0 },
    });
    assert.equal(map.entries, ENTRIES);
  });

  it('GET /stats: the same errors per protocol', async () => {
    const to = Date.now();
    const stats = (await getJson(c.hubBase, `/stats?from=0&to=${to}&bucket=${to}`)).body;
    assert.equal(stats.buckets.length, 1);
    const counts = Object.fromEntries(Object.entries(stats.buckets[0].protocols as Record<string, Json>).map(([p, v]) => [p, { count: v.count, errors: v.errors }]));
    assert.deepEqual(counts, { grpc: { count: 5, errors: 1 }, graphql: { count: 10, errors: 2 }, http: { count: 1, errors: 0 } });
  });
});
