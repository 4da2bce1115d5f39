import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DetailCell } from '../src/domain/detail-table.js';
import { toRow } from '../src/domain/entry-row.js';
import { fieldLines, grpcDetail, MAX_LINES } from '../src/domain/grpc-detail.js';
import { assertTermsSelect, golden } from './helpers/golden-entries.js';

const rows = (r: { label: string; value: DetailCell }[]): Record<string, string> => Object.fromEntries(r.map((x) => [x.label, x.value.text]));

describe('gRPC detail view', () => {
  const [get, missing, list, , chat] = golden('grpc', 'calls');

  it('shows the call: service, method, timeout, status; an error with its message, Trailers-Only said', () => {
    assert.deepEqual(rows(grpcDetail(get!).call), { service: 'shoal.fixture.Library', method: 'GetBook', timeout: (get!.request!['grpc'] as { timeout: string }).timeout, status: '0 OK', message: 'OK' });
    const error = rows(grpcDetail(missing!).call);
    assert.deepEqual([error['status'], error['message'], error['answer']], ['5 NOT_FOUND', 'no book with ISBN 000 (« introuvable », 100%)', 'Trailers-Only (no messages, status in the one header block)']);
  });

  it('shows each message as a field tree: numbers with their nesting, wire types, values in their readings', () => {
    const response = grpcDetail(get!).sides[1]!;
    assert.equal(response.count, '1 message');
    const lines = response.messages[0]!.lines!.map((l) => [l.depth, l.path, l.wireType, l.value]);
    assert.deepEqual(lines.slice(0, 2), [[0, '1', 'len', '"978-1-000-00001-1"'], [0, '2', 'len', '"Packets in the Cluster"']]);
    assert.deepEqual(lines.filter((l) => String(l[1]).startsWith('6')), [
      [0, '6', 'len', 'message, 3 fields'],
      [1, '6.1', 'len', '"Reef Press"'],
      [1, '6.2', 'varint', '12000'],
      [1, '6.3', 'varint', '1'],
    ]);
    assert.deepEqual(lines.find((l) => l[1] === '7'), [0, '7', 'i64', '4616752568008179712 (double 4.5)']);
    // The 20 KB cover: bytes shown as the first of them in hex.
    const cover = grpcDetail(list!).sides[1]!.messages[2]!.lines!.find((l) => l.path === '10')!;
    assert.match(cover.value, /^20000 bytes: 00 07 0e 15 1c /);
    assert.equal(grpcDetail(list!).sides[1]!.count, '3 messages');
    const chatSides = grpcDetail(chat!).sides;
    assert.deepEqual([chatSides[0]!.count, chatSides[1]!.count, chatSides[0]!.messages[0]!.at], ['3 messages', '3 messages', '+0.000 ms']);
  });

  it('shows metadata without pseudo-header fields, and the trailers', () => {
    const [request, response] = grpcDetail(get!).sides;
    const sent = Object.keys(get!.request!['headers'] as object);
    assert.ok(sent.includes(':path') && sent.includes('grpc-timeout'));
    assert.deepEqual(request!.metadata.map((r) => r.label), sent.filter((h) => !h.startsWith(':')));
    assert.ok(response!.trailers.some((r) => r.label === 'grpc-status' && r.value.text === '0'));
    assert.ok(response!.trailers.every((r) => r.value.term === undefined), 'no variable holds trailers');
  });

  it("makes the service, method, status and metadata values filter terms the real filter keeps the entry with", () => {
    for (const e of golden('grpc', 'calls')) {
      const view = grpcDetail(e);
      const cells = [...view.call.map((r) => r.value), ...view.sides.flatMap((s) => s.metadata.map((r) => r.value))];
      assert.ok(cells.filter((c) => c.term !== undefined).length >= 4, 'service, method, status and metadata are clickable');
      assertTermsSelect(e, cells);
    }
  });

  it('bounds a field tree; says when messages were dropped, not recorded, or bytes lost', () => {
    const many = Array.from({ length: MAX_LINES + 5 }, (_, i) => ({ number: i + 1, wireType: 'varint' as const, value: i }));
    assert.deepEqual([fieldLines(many).lines.length, fieldLines(many).more], [MAX_LINES, 5]);
    const side = (grpc: object) => grpcDetail({ request: { headers: {}, grpc: { service: 's', method: 'm', ...grpc } }, response: null }).sides[0]!;
    assert.equal(side({ messageCount: 100, messages: [], dropped: { count: 36, bytes: 252 } }).count, '0 of 100 messages shown (36 dropped, 252 B)');
    assert.deepEqual(side({ messageCount: 2 }).notes, ['Messages are not recorded in this detail.']);
    assert.match(side({ messageCount: 1, messages: [], incomplete: true }).notes[0]!, /lost/);
    assert.deepEqual(grpcDetail({ request: null, response: null }).sides[0]!.notes, ['The request was not seen (the capture began after it, or it was lost).']);
  });

  it('gives a feed row the call status beside the path', () => {
    assert.deepEqual([toRow(missing!).text, toRow(missing!).outcome], ['/shoal.fixture.Library/GetBook', 'NOT_FOUND']);
    assert.equal(toRow(list!).outcome, 'OK (1 -> 3 messages)');
    // HTTP says 200 for both; the call status says which one failed.
    assert.deepEqual([toRow(missing!).status, toRow(missing!).result], [200, 'error']);
    assert.deepEqual([toRow(list!).status, toRow(list!).result], [200, 'ok']);
  });
});
