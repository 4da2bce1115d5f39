/**
 * The WebSocket dissector on scripted connections: the handshake through http1, then frames
 * (RFC 6455 §5.7's and RFC 7692 §7.2.3's own examples as octets, others built by
 * helpers/ws-wire.ts), each connection replayed from an empty flow through detection and cut at
 * every position (replayAllSplits): masking, fragmentation with control frames between fragments,
 * ping/pong and close pairing, permessage-deflate as negotiated by the 101, bounds, losses.
 */

import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { describe, it } from 'node:test';
import type { Transaction } from '../dist/dissector.js';
import { http1 } from '../dist/protocols/http1/index.js';
import { ws } from '../dist/protocols/ws/index.js';
import { probe } from '../dist/protocols/ws/probe.js';
import { c, close, gap, prng, replay, replayAllSplits, s, tick, type Step } from './helpers/split-replay.js';
import { BINARY, CLOSE, CONT, PING, PONG, TEXT, cf, closeBody, frame, handshake } from './helpers/ws-wire.js';

const line = (t: Transaction): string => t.summary.text + (t.malformed !== undefined ? ` [${t.malformed.code}]` : '');
const lines = (ts: Transaction[]): string[] => ts.map(line);
const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const UPGRADE = 'GET /chat -> 101';
const both = [http1, ws];

/** The handshake (with `extensions` accepted by the server), at times 1 and 2. */
function open(extensions?: string): Step[] {
  const h = handshake('/chat', extensions);
  return [c(1, h.request), s(2, h.response)];
}

/** The WebSocket transactions (after the upgrade's HTTP one, which is checked to come first). */
function wsOf(ts: Transaction[]): Transaction[] {
  assert.equal(ts[0] !== undefined && line(ts[0]), UPGRADE);
  return ts.slice(1);
}

describe('WebSocket frames and messages', () => {
  it("RFC 6455 §5.7's examples: masked and unmasked text, fragments, ping and pong, 256 and 64 KiB binary", () => {
    const big = Buffer.alloc(65536, 0x61);
    const out = replayAllSplits(both, [
      ...open(),
      c(3, hex('81 85 37 fa 21 3d 7f 9f 4d 51 58')),
      s(4, hex('81 05 48 65 6c 6c 6f')),
      s(5, hex('01 03 48 65 6c 80 02 6c 6f')),
      s(6, hex('89 05 48 65 6c 6c 6f')),
      c(7, hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58')),
      s(8, Buffer.concat([hex('82 7e 01 00'), Buffer.alloc(256, 7)])),
      s(9, Buffer.concat([hex('82 7f 00 00 00 00 00 01 00 00'), big])),
      close(10),
    ]);
    assert.deepEqual(lines(wsOf(out.transactions)), [
      '-> text 5 B: Hello',
      '<- text 5 B: Hello',
      '<- text 5 B: Hello',
      '<- ping, -> pong',
      '<- binary 256 B',
      '<- binary 65536 B',
    ]);
    const [masked, , fragmented, ping, b256, b64k] = wsOf(out.transactions);
    assert.deepEqual(masked!.request, { opcode: 'text', frames: 1, compressed: false, bodySize: 5, body: 'Hello' });
    assert.equal(masked!.response, null);
    assert.deepEqual([masked!.protocol, masked!.requestSize, masked!.responseSize], [{ name: 'ws', version: '13', abbr: 'WS', layer4: 'tcp' }, 11, 0]);
    assert.deepEqual(fragmented!.response, { opcode: 'text', frames: 2, compressed: false, bodySize: 5, body: 'Hello' });
    assert.deepEqual([ping!.response!['opcode'], ping!.request!['opcode'], ping!.request!['body'], ping!.timestamp, ping!.endTimestamp], ['ping', 'pong', 'Hello', 6, 7]);
    assert.deepEqual([b256!.response!['body'], b256!.response!['bodyEncoding'], b256!.responseSize], [Buffer.alloc(256, 7).toString('base64'), 'base64', 260]);
    assert.deepEqual([b64k!.response!['bodySize'], b64k!.responseSize], [65536, 65546]);
  });

  it('a fragmented message with a ping between its fragments: one message, the ping paired apart', () => {
    const out = replayAllSplits(both, [
      ...open(),
      c(3, Buffer.concat([cf(TEXT, 'frag', { fin: false }), cf(PING, 'p1'), cf(CONT, 'mented', { fin: false })])),
      s(4, frame(PONG, 'p1')),
      c(5, cf(CONT, ' message')),
      close(6),
    ]);
    assert.deepEqual(lines(wsOf(out.transactions)), ['-> ping, <- pong', '-> text 18 B: fragmented message']);
    assert.equal(wsOf(out.transactions)[1]!.request!['frames'], 3);
  });

  it('close with a code and a reason, answered: one entry, code in words', () => {
    const out = replayAllSplits(both, [...open(), c(3, cf(CLOSE, closeBody(1000, 'done'))), s(4, frame(CLOSE, closeBody(1000))), close(5)]);
    const [t] = wsOf(out.transactions);
    assert.equal(line(t!), '-> close 1000 "done", <- close 1000');
    assert.deepEqual(t!.request, { opcode: 'close', frames: 1, compressed: false, bodySize: 6, closeCode: 1000, closeCodeName: 'normal closure', closeReason: 'done' });
    assert.deepEqual(t!.response!['closeCode'], 1000);
  });

  it('a ping nobody answers: DIS_ERR_NO_RESPONSE after the timeout, or when the connection ends', () => {
    const out = replayAllSplits(both, [...open(), c(3, cf(PING, '')), tick(3 + 30_001), c(40_000, cf(PING, 'x')), close(40_001)], { responseTimeoutMs: 30_000 });
    assert.deepEqual(lines(wsOf(out.transactions)), ['-> ping, no pong [DIS_ERR_NO_RESPONSE]', '-> ping, no pong [DIS_ERR_NO_RESPONSE]']);
    assert.equal(wsOf(out.transactions)[0]!.malformed!.at, 'response');
  });

  it('a pong nobody asked for is a heartbeat of its own; a pong answers the latest ping with its payload', () => {
    const out = replayAllSplits(both, [...open(), s(3, frame(PONG, 'beat')), c(4, Buffer.concat([cf(PING, 'a'), cf(PING, 'b')])), s(5, frame(PONG, 'b')), close(6)]);
    assert.deepEqual(lines(wsOf(out.transactions)), ['<- pong', '-> ping, <- pong', '-> ping, no pong [DIS_ERR_NO_RESPONSE]']);
    assert.equal(wsOf(out.transactions)[1]!.request!['body'], 'b');
  });

  it('text that is not UTF-8, a client frame not masked, a reserved opcode: DIS_ERR_SYNTAX, the framing followed', () => {
    const out = replayAllSplits(both, [
      ...open(),
      c(3, cf(TEXT, Buffer.from([0xff, 0xfe]))),
      c(4, frame(TEXT, 'plain')),
      c(5, cf(0x3, 'odd')),
      c(6, cf(BINARY, 'ok')),
      close(7),
    ]);
    assert.deepEqual(lines(wsOf(out.transactions)), [
      '-> text 2 B [DIS_ERR_SYNTAX]',
      '-> text 5 B: plain [DIS_ERR_SYNTAX]',
      '-> reserved-3 3 B [DIS_ERR_SYNTAX]',
      '-> binary 2 B',
    ]);
    assert.deepEqual([wsOf(out.transactions)[0]!.request!['body'], wsOf(out.transactions)[0]!.request!['bodyEncoding']], ['//4=', 'base64']);
  });

  it('a message cut by the end of the connection: DIS_ERR_TRUNCATED, what came is shown', () => {
    const whole = cf(TEXT, 'the end never came');
    const out = replayAllSplits(both, [...open(), c(3, whole.subarray(0, whole.length - 5)), close(4)]);
    const [t] = wsOf(out.transactions);
    assert.equal(line(t!), '-> text 13 B: the end never... [DIS_ERR_TRUNCATED]');
    assert.deepEqual([t!.request!['body'], t!.request!['truncated']], ['the end never', true]);
  });

  it('bodies are cut at the body cap, sizes whole; detail summary drops only the bodies', () => {
    const out = replayAllSplits(both, [...open(), s(3, frame(TEXT, 'x'.repeat(100))), close(4)], { bodyCapBytes: 10 });
    const [t] = wsOf(out.transactions);
    assert.deepEqual(t!.response, { opcode: 'text', frames: 1, compressed: false, bodySize: 100, body: 'xxxxxxxxxx', truncated: true });
    assert.equal(line(t!), '<- text 100 B: xxxxxxxxxx...');
  });
});

describe('WebSocket losses and joins', () => {
  it('a gap inside a payload keeps the framing: that message DIS_ERR_GAP, the next ones whole', () => {
    const long = cf(TEXT, 'a'.repeat(300));
    const out = replay(both, [
      ...open(),
      c(3, long.subarray(0, 100)),
      gap(0, 100, 4),
      c(5, Buffer.concat([long.subarray(200), cf(TEXT, 'after')])),
      close(6),
    ]);
    assert.deepEqual(lines(wsOf(out.transactions)), [`-> text 300 B: ${'a'.repeat(60)}... [DIS_ERR_GAP]`, '-> text 5 B: after']);
  });

  it('a gap across frame boundaries: the frames after it are found again, whatever the segmentation', () => {
    const frames = [1, 2, 3, 4, 5].map((i) => frame(TEXT, `message number ${i}`));
    const lost = Buffer.concat(frames.slice(0, 3));
    const out = replayAllSplits(both, [
      ...open(),
      s(3, lost.subarray(0, 5)),
      gap(1, lost.length - 5 + 3, 4),
      s(5, Buffer.concat([frames[3]!.subarray(3), frames[4]!, frame(TEXT, 'and six')])),
      close(6),
    ]);
    // The first message is cut by the loss; the fourth's header was lost: found again at the fifth.
    assert.deepEqual(lines(wsOf(out.transactions)), ['<- text 16 B: mes... [DIS_ERR_GAP]', '<- text 16 B: message number 5', '<- text 7 B: and six']);
  });

  it('joined after the handshake: found by its frames (masked: the client), compression assumed possible', () => {
    const out = replayAllSplits(ws, [
      c(1, cf(TEXT, '{"op":"subscribe"}')),
      s(2, Buffer.concat([frame(TEXT, 'tick 1'), frame(TEXT, 'tick 2')])),
      c(3, cf(PING, '')),
      s(4, Buffer.concat([frame(PONG, ''), frame(TEXT, 'tick 3')])),
      close(5),
    ]);
    assert.equal(out.unclaimed, false);
    assert.deepEqual(lines(out.transactions), ['-> text 18 B: {"op":"subscribe"}', '<- text 6 B: tick 1', '<- text 6 B: tick 2', '-> ping, <- pong', '<- text 6 B: tick 3']);
  });

  it('the probe: two whole frames with more evidence (masking, text), or three; one message waits for the next', () => {
    assert.equal(probe(cf(TEXT, 'subscribe')), 'more');
    assert.equal(probe(Buffer.concat([cf(TEXT, 'subscribe'), cf(BINARY, 'x')])), 'client');
    assert.equal(probe(Buffer.concat([frame(BINARY, 'a'), frame(BINARY, 'b')])), 'more');
    assert.equal(probe(Buffer.concat([frame(BINARY, 'a'), frame(BINARY, 'b'), frame(PING, '')])), 'server');
    assert.equal(probe(Buffer.concat([frame(TEXT, 'price 101.5'), frame(BINARY, 'b')])), 'server');
    // Rules of §5: a continuation first, a fragmented control frame, masked and unmasked mixed.
    assert.equal(probe(Buffer.concat([frame(CONT, 'a'), frame(BINARY, 'b'), frame(BINARY, 'c')])), 'no');
    assert.equal(probe(Buffer.concat([frame(PING, 'a', { fin: false }), frame(BINARY, 'b'), frame(BINARY, 'c')])), 'no');
    assert.equal(probe(Buffer.concat([cf(BINARY, 'a'), frame(BINARY, 'b'), frame(BINARY, 'c')])), 'no');
    // Random bytes, as a stream joined mid-way in another protocol's encrypted data shows them.
    const rnd = prng(6455);
    let claims = 0;
    for (let i = 0; i < 20_000; i++) {
      const v = probe(Buffer.from(Array.from({ length: 1448 }, () => Math.floor(rnd() * 256))));
      if (v === 'client' || v === 'server') claims++;
    }
    assert.equal(claims, 0);
  });
});

describe('permessage-deflate (RFC 7692)', () => {
  // §7.2.3.1: "Hello" compressed, then "Hello" again referring to the first (the window kept).
  const hello1 = hex('c1 07 f2 48 cd c9 c9 07 00');
  const hello2 = hex('c1 05 f2 00 11 00 00');

  it("RFC 7692 §7.2.3's examples: context takeover, a stored block, fragments, BFINAL", () => {
    const out = replayAllSplits(both, [
      ...open('permessage-deflate'),
      s(3, hello1),
      s(4, hello2),
      s(5, hex('c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00')),
      s(6, hex('41 03 f2 48 cd 80 04 c9 c9 07 00')),
      s(7, hex('c1 08 f3 48 cd c9 c9 07 00 00')),
      close(8),
    ]);
    assert.deepEqual(lines(wsOf(out.transactions)), Array<string>(5).fill('<- text 5 B: Hello'));
    const [first, second] = wsOf(out.transactions);
    assert.deepEqual(first!.response, { opcode: 'text', frames: 1, compressed: true, bodySize: 7, decodedSize: 5, body: 'Hello' });
    assert.equal(second!.response!['bodySize'], 5);
  });

  it('server_no_context_takeover read from the 101: a message that refers back does not decode', () => {
    const out = replayAllSplits(both, [...open('permessage-deflate; server_no_context_takeover'), s(3, hello1), s(4, hello2), close(5)]);
    const [, second] = wsOf(out.transactions);
    assert.equal(line(second!), '<- text 5 B');
    assert.match(second!.response!['decodeError'] as string, /^deflate: invalid distance too far back/);
    assert.equal(second!.response!['truncated'], true);
  });

  it('each direction keeps its own window (the client masks its compressed frames)', () => {
    const masked = (f: Buffer): Buffer => cf(TEXT, f.subarray(2), { rsv1: true });
    const out = replayAllSplits(both, [...open('permessage-deflate'), c(3, masked(hello1)), s(4, hello1), c(5, masked(hello2)), s(6, hello2), close(7)]);
    assert.deepEqual(lines(wsOf(out.transactions)), ['-> text 5 B: Hello', '<- text 5 B: Hello', '-> text 5 B: Hello', '<- text 5 B: Hello']);
  });

  it('RSV1 without permessage-deflate in the 101 is a protocol error', () => {
    const out = replayAllSplits(both, [...open(), s(3, hello1), close(4)]);
    assert.deepEqual(lines(wsOf(out.transactions)), ['<- text 7 B [DIS_ERR_SYNTAX]']);
  });

  it('a message that refers 19 KB back, past the first window tried, is inflated with the whole window', () => {
    // The sender's window kept: the second message is compressed against the first, as a preset
    // dictionary; its start repeats the first message's start, 19,000 octets back.
    const rnd = prng(7);
    const first = Buffer.from(Array.from({ length: 20_000 }, () => 97 + Math.floor(rnd() * 26)));
    const second = Buffer.concat([first.subarray(0, 1000), Buffer.from(' and more')]);
    const deflate = (data: Buffer, dictionary?: Buffer): Buffer => {
      const out = zlib.deflateRawSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH, ...(dictionary !== undefined ? { dictionary } : {}) });
      return out.subarray(0, out.length - 4);
    };
    const m2 = deflate(second, first);
    assert.ok(m2.length < 200, `${m2.length} octets: the repeat is a back-reference`);
    const out = replayAllSplits(both, [...open('permessage-deflate'), s(3, frame(TEXT, deflate(first), { rsv1: true })), s(4, frame(TEXT, m2, { rsv1: true })), close(5)]);
    const [, again] = wsOf(out.transactions);
    assert.deepEqual([again!.response!['decodedSize'], again!.response!['body']], [1009, second.toString()]);
  });

  it('a decompression bomb stops at the bound; the window is then unknown, never guessed', () => {
    const bomb = zlib.deflateRawSync(Buffer.alloc(8 << 20), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const payload = bomb.subarray(0, bomb.length - 4);
    const out = replay(both, [...open('permessage-deflate'), s(3, frame(BINARY, payload, { rsv1: true })), s(4, hello1), s(5, hello2), close(6)], { bodyCapBytes: 1024 });
    const [boom, first, second] = wsOf(out.transactions);
    assert.deepEqual([boom!.response!['decodeError'], boom!.response!['bodySize'], boom!.response!['decodedSize']], ['deflate: over 1048576 bytes once decoded: not decoded', payload.length, undefined]);
    // "Hello" alone decodes; the second refers back into it, which is known again.
    assert.deepEqual([line(first!), line(second!)], ['<- text 5 B: Hello', '<- text 5 B: Hello']);
  });

  it('a message lost in a gap: the next one that refers back says why it does not decode', () => {
    const out = replay(both, [...open('permessage-deflate'), s(3, hello1.subarray(0, 4)), gap(1, hello1.length - 4, 4), s(5, hello2), close(6)]);
    const [, second] = wsOf(out.transactions);
    assert.equal(second!.response!['decodeError'], 'deflate: refers to earlier messages that were not decoded (the capture began after them, or one was lost)');
  });
});
