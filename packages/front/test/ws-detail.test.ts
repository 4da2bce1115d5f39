/**
 * The WebSocket detail view (src/domain/ws-detail.ts) on the entries the dissector made from real
 * `ws` peers (fixtures/ws): directions, opcodes, sizes, bodies, pairs in the order sent, and the
 * terms of its clickable values checked by the real filter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wsDetail } from '../src/domain/ws-detail.js';
import { assertTermsSelect, find, golden, texts } from './helpers/fixture-entries.js';

describe('WebSocket detail view', () => {
  const deflate = golden('ws', 'deflate');
  const plain = golden('ws', 'plain');

  it('shows a message with its direction, opcode, size inflated and compressed, and its text for the body viewer', () => {
    const view = wsDetail(find(deflate, '-> text 22 B'));
    assert.equal(view.messages.length, 1);
    const [m] = view.messages;
    assert.equal(m!.direction, 'Client → server');
    assert.deepEqual(texts(m!.rows), { opcode: 'text', payload: '22 B, 24 B compressed (permessage-deflate)' });
    assert.deepEqual(m!.body, { bodySize: 22, body: 'hello over a websocket' });
    assert.deepEqual(view.notes, []);
  });

  it('shows a fragmented message as such, and a binary one as base64 for the hex view', () => {
    assert.equal(texts(wsDetail(find(plain, '-> text 26 B')).messages[0]!.rows)['frames'], '3 (fragmented)');
    const binary = wsDetail(find(plain, '<- binary')).messages[0]!;
    assert.equal(binary.direction, 'Server → client');
    assert.deepEqual([binary.body!.bodyEncoding, Buffer.from(binary.body!.body!, 'base64').subarray(0, 4)], ['base64', Buffer.from([0, 1, 2, 3])]);
  });

  it('shows a ping and its pong, and a close and its answer, in the order they were sent', () => {
    const ping = wsDetail(find(plain, '<- ping'));
    assert.deepEqual(ping.messages.map((m) => [m.direction, texts(m.rows)['opcode']]), [['Server → client', 'ping'], ['Client → server', 'pong']]);
    const close = wsDetail(find(plain, '<- close 4001'));
    assert.deepEqual(texts(close.messages[0]!.rows), { opcode: 'close', payload: '11 B', 'close code': '4001 private use (4000-4999)', reason: 'feed over' });
    assert.equal(close.messages[0]!.body, null);
  });

  it('says what did not come', () => {
    const e = structuredClone(find(plain, '-> ping'));
    e.response = null;
    e.summary.text = '-> ping, no pong';
    assert.deepEqual(wsDetail(e).notes, ['No pong came from the server.']);
  });

  it('filters on the opcode and the close code only where the variables hold them', () => {
    for (const start of ['-> text 22 B', '<- binary', '<- ping', '<- close 4001', '-> close 1000']) {
      const e = find(plain, start);
      assertTermsSelect(e, wsDetail(e).messages.flatMap((m) => m.rows.map((r) => r.value)));
    }
    // The pong of a ping pair is not what ws_opcode holds (`ping`): shown, not clickable.
    const pong = wsDetail(find(plain, '<- ping')).messages[1]!.rows[0]!.value;
    assert.deepEqual(pong, { text: 'pong' });
  });
});
