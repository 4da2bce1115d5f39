/**
 * gRPC golden captures: every capture under test/fixtures/grpc/ (made by
 * fixtures/generate-grpc.sh: a @grpc/grpc-js client and server, servers/library.proto, over h2c
 * on a 1500-MTU veth pair) is dissected with the default engine and compared with
 * `<name>.expected.json` beside it (`UPDATE_GOLDEN=1` rewrites them: read their diff). Then
 * independent checks: what a person read in the generator and its peers (REVIEWED and the
 * details below, which a wrong golden cannot satisfy), tshark's view of every call (its gRPC and
 * protobuf dissectors, run here on the same file), detail `summary`, and the same entries when
 * the network's segments are cut smaller.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Entry, GrpcRequestJson, GrpcResponseJson, ProtoFieldJson } from '@shoal/model';
import { dataSegments, readCapture, resegment } from './helpers/capture-rewrite.js';
import { dissectFile, dissectPackets, ofProtocol } from './helpers/dissect-capture.js';
import { goldenCaptures } from './helpers/golden-captures.js';
import { asSummaryDetail } from './helpers/summary-detail.js';
import { ourGrpc, tsharkGrpc } from './helpers/tshark-grpc.js';
import { rankedStreams } from './helpers/ranked-streams.js';
import { ourHttp2, tsharkHttp2 } from './helpers/tshark-http2.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/grpc/', import.meta.url));
/** generate-grpc.sh's server port. */
const PORT = 50051;

/** The calls of clients/grpc-client.mjs, in the order it makes them, one connection each. */
const REVIEWED: Record<string, string[]> = {
  calls: [
    '/shoal.fixture.Library/GetBook -> OK',
    '/shoal.fixture.Library/GetBook -> NOT_FOUND',
    '/shoal.fixture.Library/ListBooks -> OK (1 -> 3 messages)',
    '/shoal.fixture.Library/AddBooks -> OK (3 -> 1 messages)',
    '/shoal.fixture.Library/Chat -> OK (3 -> 3 messages)',
  ],
  gzip: ['/shoal.fixture.Library/GetBook -> OK', '/shoal.fixture.Library/ListBooks -> OK'],
};

const grpcOf = (e: Entry) => ({ req: e.request!['grpc'] as GrpcRequestJson, res: e.response!['grpc'] as GrpcResponseJson });
/** A message's top-level fields as `number: value` (strings, numbers; nested and bytes by kind). */
const flat = (fields: ProtoFieldJson[] | undefined): Record<number, unknown> =>
  Object.fromEntries((fields ?? []).map((f) => [f.number, f.string ?? (f.fields !== undefined ? 'message' : f.bytes !== undefined ? 'bytes' : f.double ?? f.value)]));

/** The 20,000-byte cover of servers/library-data.mjs. */
const COVER = Buffer.from(Array.from({ length: 20000 }, (_, i) => (i * 7) % 251));

describe('gRPC golden captures', () => {
  it('holds what the peers sent and answered', () => {
    const [get, missing, list, add, chat] = ofProtocol(dissectFile(`${FIXTURES}calls.pcap`), 'grpc');
    // Unary: the request's ISBN, the book with every wire type, status OK in the trailers.
    const g = grpcOf(get!);
    assert.deepEqual([g.req.service, g.req.method, get!.request!['path'], get!.summary.method], ['shoal.fixture.Library', 'GetBook', '/shoal.fixture.Library/GetBook', 'POST']);
    assert.deepEqual(flat(g.req.messages![0]!.fields), { 1: '978-1-000-00001-1' });
    assert.deepEqual(flat(g.res.messages![0]!.fields), {
      1: '978-1-000-00001-1', 2: 'Packets in the Cluster', 3: 'Ada Shoal', 4: 2024, 5: 'kubernetes', 6: 'message', 7: 4.5, 8: 312, 9: 5,
    });
    const book = g.res.messages![0]!.fields!;
    assert.deepEqual(book.filter((f) => f.number === 5).map((f) => f.string), ['networking', 'kubernetes'], 'a repeated field, in order');
    assert.deepEqual(flat(book.find((f) => f.number === 6)!.fields), { 1: 'Reef Press', 2: 12000, 3: 1 }, 'the nested Details');
    assert.equal(book.find((f) => f.number === 9)!.value, 5, 'sint64 -3 is zigzag 5 on the wire');
    assert.deepEqual([g.res.status, g.res.statusName, g.res.trailersOnly], [0, 'OK', undefined]);
    assert.equal(get!.response!['trailers'] !== undefined, true);
    assert.equal(get!.request!['body'], undefined, 'messages, not a body');

    // The error: Trailers-Only, the message percent-decoded.
    const m = grpcOf(missing!);
    assert.deepEqual([m.res.status, m.res.statusName, m.res.message, m.res.trailersOnly, m.res.messageCount], [5, 'NOT_FOUND', 'no book with ISBN 000 (« introuvable », 100%)', true, 0]);

    // Server streaming: 3 books, the third with the 20 KB cover, cut over DATA frames and segments.
    const l = grpcOf(list!);
    assert.deepEqual(l.res.messages!.map((x) => flat(x.fields)[2]), ['Packets in the Cluster', 'Streams and Frames', 'Cover Art']);
    const cover = l.res.messages![2]!.fields!.find((f) => f.number === 10)!;
    assert.deepEqual([cover.length, cover.bytes], [20000, COVER.toString('base64')]);
    assert.ok(l.res.messages!.every((x, i) => i === 0 || x.at >= l.res.messages![i - 1]!.at), 'in the order they came');

    // Client streaming: 3 books up, one reply with the count and the ISBNs.
    const a = grpcOf(add!);
    assert.deepEqual([a.req.messageCount, a.res.messageCount], [3, 1]);
    const reply = a.res.messages![0]!.fields!;
    assert.deepEqual([reply[0]!.value, reply.slice(1).map((f) => f.string)], [3, ['978-1-000-00001-1', '978-1-000-00002-2', '978-1-000-00003-3']]);

    // Bidirectional: each message answered before the next, so the times interleave.
    const c = grpcOf(chat!);
    assert.deepEqual(c.res.messages!.map((x) => flat(x.fields)), [1, 2, 3].map((n) => ({ 1: `echo: ${['hello', 'how are you?', 'bye'][n - 1]}`, 2: 1000 + n })));
    const times = [...c.req.messages!.map((x) => ['req', x.at] as const), ...c.res.messages!.map((x) => ['res', x.at] as const)].sort((p, q) => p[1] - q[1]);
    assert.deepEqual(times.map(([side]) => side), ['req', 'res', 'req', 'res', 'req', 'res']);

    // gzip: the requests' messages inflated (36 bytes on the wire, 19 decoded).
    const [zipped] = ofProtocol(dissectFile(`${FIXTURES}gzip.pcap`), 'grpc');
    const z = grpcOf(zipped!);
    assert.deepEqual([z.req.encoding, z.req.messages![0]!.compressed, z.req.messages![0]!.decodedLength], ['gzip', true, 19]);
    assert.deepEqual(flat(z.req.messages![0]!.fields), { 1: '978-1-000-00004-4' });
  });

  goldenCaptures(FIXTURES, REVIEWED, (name, file, result) => {
    it('holds what a person read in the generator', () => {
      assert.deepEqual(result().entries.map((e) => `${e.protocol.name} ${e.summary.text}${e.malformed !== undefined ? ` [${e.malformed.code}]` : ''}`), REVIEWED[name]!.map((t) => `grpc ${t}`));
    });

    it("agrees with tshark's gRPC and protobuf dissectors: every message's length, flag and fields, every grpc-status", () => {
      const ours = ourGrpc(result().entries);
      const theirs = tsharkGrpc(file, PORT);
      assert.ok(theirs.messages.length >= 2, 'tshark found the messages');
      assert.deepEqual(ours, theirs);
    });

    it("agrees with tshark's HTTP/2 on every stream: id, method, path, status", () => {
      const ours = ourHttp2(result().entries, ['grpc']);
      assert.deepEqual(ours.requests.sort(), tsharkHttp2(file).requests.sort());
      assert.deepEqual(ours.responses.sort(), tsharkHttp2(file).responses.sort());
    });

    it('gives the same entries in detail summary, without header fields, bodies and messages', () => {
      assert.deepStrictEqual(dissectFile(file, { detail: 'summary' }).entries, asSummaryDetail(result().entries));
    });

    it('gives the same entries when every TCP segment is cut into 100-byte pieces', () => {
      assert.deepStrictEqual(rankedStreams(dissectPackets(resegment(readCapture(file), 100)).entries), rankedStreams(result().entries));
    });
  });
});

describe('gRPC joined mid-way, from the real capture', () => {
  // grpc-js sends content-type, te and grpc-status as HPACK references to entries its first
  // header blocks made: a capture that starts after them decodes :method, :path and :status (the
  // static table) but cannot see that a stream is gRPC. Those calls are shown as the HTTP/2
  // streams they are, marked; once the header blocks that fill the table are seen, calls are gRPC.
  const packets = readCapture(`${FIXTURES}calls.pcap`);
  const client = [...dataSegments(packets)].find(([direction]) => direction.startsWith('10.244.83.1:'))![1];

  it('starting at the client\'s third write: the calls after it as HTTP/2 streams with their paths, marked DIS_ERR_GAP', () => {
    const entries = dissectPackets(packets.slice(client[2]!)).entries;
    assert.deepEqual(
      entries.map((e) => `${e.protocol.name} ${e.summary.text} [${e.malformed?.code}]`),
      ['GetBook', 'ListBooks', 'AddBooks', 'Chat'].map((m) => `http2 POST /shoal.fixture.Library/${m} -> 200 [DIS_ERR_GAP]`),
    );
  });

  it('starting at the second write (the preface missed, the first call\'s headers seen: they fill the table): every call gRPC', () => {
    assert.deepEqual(dissectPackets(packets.slice(client[1]!)).entries.map((e) => `grpc ${e.summary.text}`), REVIEWED['calls']!.map((t) => `grpc ${t}`));
  });
});
