/**
 * The MQTT stream dissector (protocols/mqtt) on connections written byte for byte
 * (helpers/mqtt-wire.ts): the QoS 0, 1 and 2 flows either way, DUP copies, SUBSCRIBE and
 * UNSUBSCRIBE, pings, 5.0's properties, reason codes and Topic Aliases, refusals, timeouts,
 * losses inside and across packets, broken headers. Each script is replayed cut at every
 * position (split-replay.ts), in detail `full` and `summary`. Then the probe, and random bytes.
 */

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PROBE_LIMIT, type Transaction } from '../dist/dissector.js';
import { mqtt } from '../dist/protocols/mqtt/index.js';
import { probe } from '../dist/protocols/mqtt/probe.js';
import { MqttReader, type RawPacket } from '../dist/protocols/mqtt/reader.js';
import { connections } from './helpers/connection-scripts.js';
import * as M from './helpers/mqtt-wire.js';
import { feedRandomly, noise as randomBytes } from './helpers/random-input.js';
import { c, close, end, gap, prng, replay, replayAllSplits, s, tick, type Step } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const line = (t: Transaction): string => t.summary.text + (t.malformed !== undefined ? ` [${t.malformed.code}]` : '');
const run = (script: Step[]): Transaction[] => {
  const out = replayAllSplits(mqtt, script);
  assert.equal(out.unclaimed, false);
  return out.transactions;
};
const open = (level: 3 | 4 | 5 = 4): Step[] => [c(1, M.connect('dev-1', { level, user: 'u', password: 'secret' })), s(2, M.connack(0, level === 5))];

describe('MQTT stream: exchanges', () => {
  it('CONNECT and CONNACK; the client id on every entry after; the password never shown', () => {
    const ts = run([...open(), c(3, M.pingreq()), s(4, M.pingresp()), c(5, M.disconnect()), close(6)]);
    assert.deepEqual(ts.map(line), ['CONNECT dev-1 (3.1.1) -> accepted', 'PINGREQ -> PINGRESP', 'DISCONNECT']);
    assert.deepEqual(ts[0]!.request, { method: 'CONNECT', type: 'CONNECT', protocolName: 'MQTT', protocolVersion: '3.1.1', clientId: 'dev-1', keepAlive: 60, cleanSession: true, username: 'u', passwordSize: 6 });
    assert.equal(ts[1]!.request!['clientId'], 'dev-1');
    assert.ok(!JSON.stringify(ts).includes('secret'));
  });

  it('QoS 0, 1 and 2 from the client, and from the broker (whose exchange it is: its source)', () => {
    const ts = run([
      ...open(),
      c(3, M.publish('a/b', 'zero')),
      c(4, M.publish('a/b', 'one', { qos: 1, id: 7 })),
      s(5, M.ack(4, 7)),
      c(6, M.publish('a/b', 'two', { qos: 2, id: 8 })),
      s(7, M.ack(5, 8)),
      c(8, M.ack(6, 8)),
      s(9, M.ack(7, 8)),
      s(10, M.publish('x/y', 'down', { qos: 1, id: 1 })),
      c(11, M.ack(4, 1)),
      close(12),
    ]);
    assert.deepEqual(ts.map(line), [
      'CONNECT dev-1 (3.1.1) -> accepted',
      'PUBLISH a/b (QoS 0, 4 B)',
      'PUBLISH a/b (QoS 1, 3 B) -> PUBACK',
      'PUBLISH a/b (QoS 2, 3 B) -> PUBREC, PUBREL, PUBCOMP',
      'PUBLISH x/y (QoS 1, 4 B) -> PUBACK',
    ]);
    assert.deepEqual([ts[1]!.client, ts[4]!.client], [undefined, 1]);
    assert.deepEqual(ts[3]!.request!['release'], { type: 'PUBREL', packetId: 8 });
    assert.deepEqual(ts[3]!.response, { type: 'PUBREC', packetId: 8, status: 'ok', complete: { type: 'PUBCOMP', packetId: 8 } });
    assert.deepEqual([ts[2]!.request!['body'], ts[2]!.summary.path, ts[2]!.request!['topic']], ['one', 'a/b', 'a/b']);
  });

  it('counts a PUBLISH sent again with DUP on its first copy', () => {
    const ts = run([...open(), c(3, M.publish('t', 'm', { qos: 1, id: 3 })), c(4, M.publish('t', 'm', { qos: 1, id: 3, dup: true })), s(5, M.ack(4, 3)), close(6)]);
    assert.deepEqual([line(ts[1]!), ts[1]!.request!['retransmissions']], ['PUBLISH t (QoS 1, 1 B) -> PUBACK', 1]);
  });

  it('SUBSCRIBE with its SUBACK (a failure an error), UNSUBSCRIBE with its UNSUBACK', () => {
    const ts = run([...open(), c(3, M.subscribe(5, [['s/#', 1], ['secret', 2]])), s(4, M.suback(5, [1, 0x80])), c(5, M.unsubscribe(6, ['s/#'])), s(6, M.unsuback(6)), close(7)]);
    assert.deepEqual(ts.slice(1).map(line), ['SUBSCRIBE s/# (+1 more) -> granted QoS 1, failure', 'UNSUBSCRIBE s/# -> UNSUBACK']);
    assert.deepEqual(ts[1]!.request!['subscriptions'], [{ topic: 's/#', qos: 1 }, { topic: 'secret', qos: 2 }]);
    assert.equal(ts[1]!.response!['status'], 'error');
  });

  it('5.0: properties, reason codes, a Topic Alias resolved, a refused CONNECT', () => {
    const ts = run([
      ...open(5),
      c(3, M.publish('room/1/temp', '20', { qos: 1, id: 1, v5: [M.topicAlias(4), M.userProperty('unit', 'C')] })),
      s(4, M.ack(4, 1, 0x10)),
      c(5, M.publish('', '21', { v5: [M.topicAlias(4)] })),
      c(6, M.disconnect(0x04)),
      close(7),
    ]);
    assert.deepEqual(ts.map(line), ['CONNECT dev-1 (5.0) -> accepted', 'PUBLISH room/1/temp (QoS 1, 2 B) -> PUBACK no matching subscribers', 'PUBLISH room/1/temp (QoS 0, 2 B)', 'DISCONNECT: disconnect with will message']);
    assert.deepEqual(ts[1]!.request!['properties'], { topicAlias: 4, userProperties: [['unit', 'C']] });
    assert.deepEqual([ts[1]!.response!['reasonCode'], ts[1]!.response!['status'], ts[1]!.protocol.version], [0x10, 'ok', '5.0']);
    const refused = run([c(1, M.connect('x', { level: 5 })), s(2, M.connack(0x87, true)), close(3)]);
    assert.deepEqual([line(refused[0]!), refused[0]!.response!['status']], ['CONNECT x (5.0) -> not authorized', 'error']);
    const v3 = run([c(1, M.connect('y', { level: 3 })), s(2, M.connack(5)), close(3)]);
    assert.deepEqual([line(v3[0]!), v3[0]!.response!['status']], ['CONNECT y (3.1) -> not authorized', 'error']);
  });
});

describe('MQTT stream: what is missing', () => {
  it('an acknowledgement nothing waits for, a PUBLISH never acknowledged (timeout), a ping at the end', () => {
    const ts = run([...open(), s(3, M.ack(4, 99)), c(4, M.publish('t', 'x', { qos: 1, id: 2 })), tick(40_000), c(40_001, M.pingreq()), end(1, 40_002), close(40_003)]);
    assert.deepEqual(ts.slice(1).map(line), ['(no request) -> PUBACK 99 [DIS_ERR_NO_REQUEST]', 'PUBLISH t (QoS 1, 1 B) -> no response [DIS_ERR_NO_RESPONSE]', 'PINGREQ -> no response [DIS_ERR_NO_RESPONSE]']);
  });

  it('a gap inside a PUBLISH costs only it; a gap across packets is searched past', () => {
    const big = M.publish('big', 'p'.repeat(3000), { qos: 1, id: 4 });
    const ts = run([...open(), c(3, big.subarray(0, 1000)), gap(0, 500, 4), c(5, big.subarray(1500)), s(6, M.ack(4, 4)), gap(1, 30, 7), c(8, M.publish('t', '1', { qos: 1, id: 5 })), s(9, Buffer.concat([Buffer.from('junk'), M.ack(4, 5), M.pingresp()])), close(10)]);
    // After the broker's loss, "junk" is searched past: its PUBACK and PINGRESP follow in a row.
    assert.deepEqual(ts.slice(1).map(line), ['PUBLISH big (QoS 1, 3000 B) -> PUBACK [DIS_ERR_GAP]', 'PUBLISH t (QoS 1, 1 B) -> PUBACK', '(no request) -> PINGRESP [DIS_ERR_NO_REQUEST]']);
  });

  it('a header that breaks the rules (type 0) loses the framing, found again two packets later; a CONNECT with its reserved flag is not claimed', () => {
    const ts = run([...open(), c(3, Buffer.concat([M.publish('A', '', { retain: true }), Buffer.from([0x00, 0x00]), M.pingreq(), M.pingreq()])), s(4, Buffer.concat([M.pingresp(), M.pingresp()])), close(5)]);
    assert.deepEqual(ts.slice(1).map(line), ['PUBLISH A (QoS 0, retained, 0 B)', 'PINGREQ -> PINGRESP', 'PINGREQ -> PINGRESP']);
    const bad = M.connect('z');
    bad[bad.indexOf(0x02, 8)] = 0x03;
    assert.equal(replay(mqtt, [c(1, bad), s(2, M.connack(0)), close(3)]).unclaimed, true);
  });
});

describe('MQTT probe', () => {
  it('claims a CONNECT of 3.1, 3.1.1 and 5.0, and waits for its bytes', () => {
    for (const level of [3, 4, 5] as const) {
      const b = M.connect('p', { level });
      assert.equal(probe(b), 'client');
      for (let n = 0; n < b.length; n++) assert.ok(['more', 'client'].includes(probe(b.subarray(0, n))), `level ${level}, ${n} bytes`);
    }
  });

  it('claims nothing else: other packets, other protocols, and no direction of the other protocols\' real captures', () => {
    for (const bytes of [M.publish('t', 'x'), M.pingreq(), M.connack(0), Buffer.from('GET / HTTP/1.1\r\n'), Buffer.from('*1\r\n$4\r\nPING\r\n'), Buffer.from([0x16, 0x03, 0x01, 0x00, 0x10])]) assert.equal(probe(bytes), 'no');
    let directions = 0;
    for (const folder of ['http1', 'http2', 'grpc', 'graphql', 'ws', 'tls', 'dns', 'redis']) {
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

describe('MQTT never throws on malformed input', () => {
  it('the reader and whole connections: random bytes, random packets, gaps, cuts', () => {
    const rnd = prng(1883);
    const noise = (n: number): Buffer => randomBytes(rnd, n);
    for (let round = 0; round < 300; round++) {
      const got: RawPacket[] = [];
      const reader = new MqttReader(1024, { packet: (p) => got.push(p), lost: () => undefined });
      feedRandomly(rnd, reader, () => (rnd() < 0.5 ? noise(1 + Math.floor(rnd() * 200)) : M.packet(1 + Math.floor(rnd() * 15), Math.floor(rnd() * 16), noise(Math.floor(rnd() * 300)))), { steps: 30, lossMax: 2000, piece: () => 37 });
      reader.end(31);
      for (const p of got) assert.ok(p.body.length <= 64 * 1024);
    }
    for (let round = 0; round < 200; round++) {
      const script: Step[] = [...open(round % 2 === 0 ? 4 : 5)];
      for (let k = 0; k < 20; k++) {
        const bytes = rnd() < 0.5 ? M.packet(1 + Math.floor(rnd() * 15), rnd() < 0.8 ? 0 : Math.floor(rnd() * 16), noise(Math.floor(rnd() * 60))) : noise(Math.floor(rnd() * 40));
        script.push((rnd() < 0.5 ? c : s)(3 + k, bytes));
        if (rnd() < 0.05) script.push(gap(rnd() < 0.5 ? 0 : 1, 1 + Math.floor(rnd() * 100), 3 + k));
      }
      script.push(close(100));
      for (const t of replay(mqtt, script).transactions) assert.equal(typeof t.summary.text, 'string');
    }
  });
});
