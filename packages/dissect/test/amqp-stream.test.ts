/**
 * The AMQP 0-9-1 stream dissector (protocols/amqp) on connections written octet by octet
 * (helpers/amqp-wire.ts): synchronous methods paired per channel, no-wait, a refusal by
 * channel.close, content across frames and channels, deliveries settled by acks (one, and
 * `multiple`), publisher confirms, auto-ack consumers, timeouts, losses inside and across frames.
 * Each script is replayed cut at every position (split-replay.ts), in detail `full` and
 * `summary`. Then the probe, and random bytes.
 */

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PROBE_LIMIT, type Transaction } from '../dist/dissector.js';
import { amqp } from '../dist/protocols/amqp/index.js';
import { FrameReader, type Frame } from '../dist/protocols/amqp/frames.js';
import { probe } from '../dist/protocols/amqp/probe.js';
import * as A from './helpers/amqp-wire.js';
import { connections } from './helpers/connection-scripts.js';
import { feedRandomly, noise as randomBytes } from './helpers/random-input.js';
import { c, close, gap, prng, replay, replayAllSplits, s, tick, type Step } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const line = (t: Transaction): string => t.summary.text + (t.malformed !== undefined ? ` [${t.malformed.code}]` : '');
const run = (script: Step[], options = {}): Transaction[] => {
  const out = replayAllSplits(amqp, script, options);
  assert.equal(out.unclaimed, false);
  return out.transactions;
};
const opened = (): Step[] => [c(1, Buffer.concat([A.PROTOCOL_HEADER, A.channelOpen(1)])), s(2, A.channelOpenOk(1))];

describe('AMQP stream: exchanges', () => {
  it('pairs synchronous methods per channel, in order; no-wait expects nothing; heartbeats are no entries', () => {
    const ts = run([
      ...opened(),
      c(3, Buffer.concat([A.channelOpen(2), A.queueDeclare(1, 'a'), A.queueDeclare(2, 'b'), A.queueDeclare(1, 'c', false, true), A.heartbeat()])),
      s(4, Buffer.concat([A.queueDeclareOk(2, 'b', 5, 1), A.channelOpenOk(2), A.queueDeclareOk(1, 'a'), A.heartbeat()])),
      close(5),
    ]);
    assert.deepEqual(ts.map(line), ['channel.open -> channel.open-ok', 'queue.declare c', 'queue.declare b -> queue.declare-ok (5 messages, 1 consumers)', 'channel.open -> channel.open-ok', 'queue.declare a -> queue.declare-ok (0 messages, 0 consumers)']);
    assert.deepEqual(ts[2]!.request, { method: 'queue.declare', channel: 2, queue: 'b', passive: false, durable: false, exclusive: false, autoDelete: false, noWait: false, arguments: {}, path: 'b' });
    assert.deepEqual(ts[2]!.response, { method: 'queue.declare-ok', channel: 2, queue: 'b', messageCount: 5, consumerCount: 1, status: 'ok' });
  });

  it("a refusal: the channel.close answers what waited on the channel (an error), and is an exchange with its close-ok", () => {
    const ts = run([...opened(), c(3, A.queueDeclare(1, 'nope', true)), s(4, A.channelClose(1, 404, "NOT_FOUND - no queue 'nope'", 50, 10)), c(5, A.channelCloseOk(1)), close(6)]);
    assert.deepEqual(ts.slice(1).map(line), ["queue.declare nope -> channel.close 404 NOT_FOUND - no queue 'nope'", "channel.close 404 NOT_FOUND - no queue 'nope' -> channel.close-ok"]);
    assert.deepEqual([ts[1]!.response!['status'], ts[2]!.response!['status'], ts[2]!.client], ['error', 'ok', 1]);
  });

  it('gathers content across frames, interleaved with another channel; keeps the body cap', () => {
    const body = 'x'.repeat(3000);
    const frames = A.content(1, body, 'text/plain', 1000);
    // The content header (33 octets) and the first body frame (1,008), then the other channel's frames.
    const first = 33 + 1008;
    const ts = run(
      [...opened(), c(3, Buffer.concat([A.publish(1, '', 'q'), frames.subarray(0, first), A.publish(2, 'ex', 'k'), A.content(2, '{}', 'application/json'), frames.subarray(first)])), close(4)],
      { bodyCapBytes: 2048 },
    );
    assert.deepEqual(ts.slice(1).map(line), ['basic.publish ex (2 B)', 'basic.publish q (3000 B)']);
    assert.deepEqual([ts[2]!.request!['bodySize'], (ts[2]!.request!['body'] as string).length, ts[2]!.request!['truncated'], ts[2]!.request!['properties']], [3000, 2048, true, { contentType: 'text/plain' }]);
    assert.equal(ts[1]!.request!['body'], '{}');
  });

  it('settles deliveries by their ack (one, and multiple), alone for an auto-ack consumer; confirms publishes', () => {
    const ts = run([
      ...opened(),
      c(3, Buffer.concat([A.consume(1, 'q', false), A.consume(1, 'r', true), A.confirmSelect(1)])),
      s(4, Buffer.concat([A.consumeOk(1, 'ct-q'), A.consumeOk(1, 'ct-r'), A.confirmSelectOk(1)])),
      s(5, Buffer.concat([...[1, 2, 3].flatMap((t) => [A.deliver(1, t, 'ct-q', '', 'q'), A.content(1, `m${t}`)]), A.deliver(1, 4, 'ct-r', '', 'r'), A.content(1, 'auto')])),
      c(6, Buffer.concat([A.ack(1, 1), A.ack(1, 3, true), A.publish(1, 'ex', 'k'), A.content(1, 'p1'), A.publish(1, 'ex', 'k'), A.content(1, 'p2')])),
      s(7, A.nack(1, 2, true)),
      close(8),
    ]);
    assert.deepEqual(ts.slice(4).map(line), [
      'basic.deliver r (4 B)',
      'basic.deliver q (2 B) -> basic.ack',
      'basic.deliver q (2 B) -> basic.ack',
      'basic.deliver q (2 B) -> basic.ack',
      'basic.publish ex (2 B) -> basic.nack',
      'basic.publish ex (2 B) -> basic.nack',
    ]);
    assert.deepEqual([ts[4]!.client, ts[8]!.response!['status']], [1, 'error']);
  });
});

describe('AMQP stream: what is missing', () => {
  it('a synchronous method without answer after the timeout, an unsettled delivery at the end, an answer nothing waited for', () => {
    const ts = run([...opened(), c(3, A.get(1, 'q')), tick(40_000), s(40_001, Buffer.concat([A.getEmpty(1), A.deliver(1, 9, 'ct', '', 'q'), A.content(1, 'x')])), close(40_002)]);
    assert.deepEqual(ts.slice(1).map(line), ['basic.get q -> no response [DIS_ERR_NO_RESPONSE]', '(no request) -> basic.get-empty [DIS_ERR_NO_REQUEST]', 'basic.deliver q (1 B) -> not acknowledged']);
  });

  it('a gap inside a body frame costs only its message; a gap across frames is searched past', () => {
    const big = Buffer.concat([A.publish(1, '', 'q'), A.content(1, 'b'.repeat(2000))]);
    const ts = run([...opened(), c(3, big.subarray(0, 500)), gap(0, 300, 4), c(5, big.subarray(800)), gap(0, 20, 6), c(7, Buffer.concat([Buffer.from('junk'), A.queueDeclare(1, 'z'), A.queueDeclare(1, 'y')])), s(8, Buffer.concat([A.queueDeclareOk(1, 'z'), A.queueDeclareOk(1, 'y')])), close(9)]);
    assert.deepEqual(ts.slice(1).map(line), ['basic.publish q (2000 B) [DIS_ERR_GAP]', 'queue.declare z -> queue.declare-ok (0 messages, 0 consumers)', 'queue.declare y -> queue.declare-ok (0 messages, 0 consumers)']);
  });
});

describe('AMQP probe', () => {
  it("claims the client's protocol header and the server's connection.start, and waits for their bytes", () => {
    const start = A.method(0, 10, 10, A.octet(0), A.octet(9), A.emptyTable(), A.longstr('PLAIN'), A.longstr('en_US'));
    assert.equal(probe(A.PROTOCOL_HEADER), 'client');
    assert.equal(probe(start), 'server');
    for (let n = 0; n < 8; n++) assert.equal(probe(A.PROTOCOL_HEADER.subarray(0, n)), 'more');
    for (let n = 0; n < 13; n++) assert.equal(probe(start.subarray(0, n)), 'more');
  });

  it("claims nothing else: other AMQP versions, other frames, other protocols, no direction of the other protocols' real captures", () => {
    for (const bytes of [Buffer.from('AMQP\x00\x01\x00\x00', 'latin1'), Buffer.from('AMQP\x01\x01\x00\x0a', 'latin1'), A.channelOpen(1), Buffer.from('GET / HTTP/1.1\r\n')]) assert.equal(probe(bytes), 'no');
    let directions = 0;
    for (const folder of ['http1', 'http2', 'grpc', 'graphql', 'ws', 'tls', 'dns', 'redis', 'mqtt']) {
      for (const file of fs.readdirSync(path.join(FIXTURES, folder)).filter((f) => /\.pcap(ng)?$/.test(f))) {
        for (const script of connections(path.join(FIXTURES, folder, file))) {
          for (const st of script.filter((x) => x.kind === 'data').slice(0, 2)) {
            if (st.kind !== 'data') continue;
            directions++;
            assert.ok(['no', 'more'].includes(probe(st.bytes.subarray(0, PROBE_LIMIT))), `${folder}/${file}`);
          }
        }
      }
    }
    assert.ok(directions > 100);
  });
});

describe('AMQP never throws on malformed input', () => {
  it('the frame reader and whole connections: random bytes, random frames, gaps, cuts', () => {
    const rnd = prng(5672);
    const noise = (n: number): Buffer => randomBytes(rnd, n);
    const randomFrame = (): Buffer => (rnd() < 0.5 ? A.method(Math.floor(rnd() * 3), [10, 20, 40, 50, 60, 85, 90][Math.floor(rnd() * 7)]!, Math.floor(rnd() * 12) * 10 + (rnd() < 0.5 ? 1 : 0), noise(Math.floor(rnd() * 40))) : A.frame([1, 2, 3, 8][Math.floor(rnd() * 4)]!, Math.floor(rnd() * 3), noise(Math.floor(rnd() * 60))));
    for (let round = 0; round < 300; round++) {
      const got: Frame[] = [];
      const reader = new FrameReader(round % 2 === 0, 1024, { frame: (f) => got.push(f), protocolHeader: () => undefined, lost: () => undefined });
      feedRandomly(rnd, reader, () => (rnd() < 0.5 ? noise(1 + Math.floor(rnd() * 200)) : randomFrame()), { steps: 30, lossMax: 2000, piece: () => 29 });
      reader.end(31);
      for (const f of got) assert.ok(f.payload.length <= 64 * 1024);
    }
    for (let round = 0; round < 200; round++) {
      const script: Step[] = [...opened()];
      for (let k = 0; k < 20; k++) {
        script.push((rnd() < 0.5 ? c : s)(3 + k, rnd() < 0.7 ? randomFrame() : noise(Math.floor(rnd() * 40))));
        if (rnd() < 0.05) script.push(gap(rnd() < 0.5 ? 0 : 1, 1 + Math.floor(rnd() * 100), 3 + k));
      }
      script.push(close(100));
      for (const t of replay(amqp, script).transactions) assert.equal(typeof t.summary.text, 'string');
    }
  });
});
