/**
 * Malformed DNS never throws (protocols/dns): random bytes, and every real message from the
 * captures with each byte replaced by values that break things (0x00, 0x3f, 0xc0, 0xff: zero
 * lengths, the longest label, pointers, reserved label types). The parts that are not wrapped in
 * the stream's last-resort catch are driven directly (decoder, probes, TCP framing), so a throw
 * here is a throw, not a caught one; then whole streams through detection and the dissector. What
 * comes out is ASCII (an entry's JSON stays one byte per character, docs/entries.md).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LinkType } from '@shoal/model';
import { dns } from '../dist/protocols/dns/index.js';
import { DnsTcpFramer } from '../dist/protocols/dns/framing.js';
import { decodeMessage } from '../dist/protocols/dns/message.js';
import { MAX_PENDING } from '../dist/protocols/dns/pairs.js';
import { probeDatagram, probeStream } from '../dist/protocols/dns/probe.js';
import { readCapture, type Packet } from './helpers/capture-rewrite.js';
import { framed } from './helpers/dns-wire.js';
import { c, close, gap, prng, replay, s, type Step } from './helpers/split-replay.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/dns/', import.meta.url));
const ASCII = /^[\x20-\x7e]*$/;

/** The UDP payload of an Ethernet frame carrying IPv4 or IPv6, or null. */
function udpPayload(p: Packet): Buffer | null {
  const b = p.data;
  if (p.linkType !== LinkType.ETHERNET || b.length < 14) return null;
  const type = b.readUInt16BE(12);
  let udp: number;
  if (type === 0x0800 && b[23] === 17) udp = 14 + (b[14]! & 0x0f) * 4;
  else if (type === 0x86dd && b[20] === 17) udp = 14 + 40;
  else return null;
  return b.subarray(udp + 8, udp + b.readUInt16BE(udp + 4));
}

/** Every DNS message of the UDP captures: queries and responses with compression, EDNS0, TC. */
const MESSAGES = ['udp-records', 'edns', 'nxdomain', 'udp-truncated']
  .flatMap((name) => readCapture(`${FIXTURES}${name}.pcap`).map(udpPayload))
  .filter((m): m is Buffer => m !== null && m.length > 0);

/** Every string anywhere in a decoded message or transaction is ASCII. */
function assertAscii(value: unknown, where: string): void {
  const text = JSON.stringify(value) ?? '';
  assert.ok(ASCII.test(text), `${where}: not ASCII: ${text.slice(0, 200)}`);
}

/** `msg` with byte `i` set to `v`. */
function mutate(msg: Buffer, i: number, v: number): Buffer {
  const copy = Buffer.from(msg);
  copy[i] = v;
  return copy;
}

describe('DNS never throws on malformed input', () => {
  it('has real messages to mutate', () => {
    assert.ok(MESSAGES.length >= 20, `${MESSAGES.length} messages`);
  });

  it('decoder and probes: every byte of every real message replaced, and every prefix', () => {
    let decoded = 0;
    for (const msg of MESSAGES) {
      for (let i = 0; i < msg.length; i++) {
        for (const v of [0x00, 0x3f, 0xc0, 0xff, msg[i]! ^ 0x01]) {
          const bad = mutate(msg, i, v);
          const m = decodeMessage(bad);
          assertAscii(m, `byte ${i} = ${v}`);
          if (m !== null) decoded++;
          probeDatagram(bad);
          probeStream(framed(bad));
        }
        const prefix = msg.subarray(0, i);
        assertAscii(decodeMessage(prefix), `prefix ${i}`);
        probeDatagram(prefix);
        probeStream(framed(msg).subarray(0, i));
      }
    }
    assert.ok(decoded > 1000);
  });

  it('decoder and probes: random bytes, and random bytes behind a plausible header', () => {
    const rnd = prng(53);
    for (let round = 0; round < 20_000; round++) {
      const b = Buffer.alloc(Math.floor(rnd() * 600));
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
      if (round % 2 === 0 && b.length >= 12) {
        // A query or response header with small counts, so the decoder walks into the noise.
        b.writeUInt16BE(round % 4 === 0 ? 0x0100 : 0x8180, 2);
        for (let k = 4; k < 12; k += 2) b.writeUInt16BE(Math.floor(rnd() * 4), k);
      }
      assertAscii(decodeMessage(b), `round ${round}`);
      probeDatagram(b);
      probeStream(b);
    }
  });

  it('TCP framing: random streams with random gaps, cut anywhere; every message accounted for', () => {
    const rnd = prng(7766);
    for (let round = 0; round < 300; round++) {
      const framer = new DnsTcpFramer(round % 2 === 0 ? 'client' : 'server', (m) => {
        assert.ok(m.bytes.length <= m.wireSize - 2, 'never more bytes than the message has');
        assert.ok(m.endTs >= m.startTs);
      });
      for (let step = 0; step < 40; step++) {
        const r = rnd();
        if (r < 0.1) framer.gap(1 + Math.floor(rnd() * 3000), step);
        else if (r < 0.12) framer.end(step);
        else {
          // Real messages, framed, with noise between some of them.
          const msg = MESSAGES[Math.floor(rnd() * MESSAGES.length)]!;
          const bytes = rnd() < 0.3 ? Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256))) : framed(msg);
          for (let at = 0; at < bytes.length; ) {
            const n = 1 + Math.floor(rnd() * 200);
            framer.push(bytes.subarray(at, at + n), step);
            at += n;
          }
        }
      }
    }
  });

  it('whole streams of mutated and random messages through detection and the dissector', () => {
    const rnd = prng(1035);
    for (let round = 0; round < 400; round++) {
      const layer4 = round % 2 === 0 ? 'udp' : 'tcp';
      // A real first message, so that the flow is claimed; then mutated ones, noise and losses.
      const script: Step[] = [c(0, layer4 === 'tcp' ? framed(MESSAGES[0]!) : MESSAGES[0]!)];
      for (let step = 1; step < 30; step++) {
        const msg = MESSAGES[Math.floor(rnd() * MESSAGES.length)]!;
        const bad = mutate(msg, Math.floor(rnd() * msg.length), Math.floor(rnd() * 256));
        const bytes = layer4 === 'tcp' ? framed(bad) : bad;
        if (layer4 === 'tcp' && rnd() < 0.1) script.push(gap(step % 2 === 0 ? 0 : 1, 1 + Math.floor(rnd() * 100), step));
        else script.push((msg[2]! & 0x80) === 0 ? c(step, bytes) : s(step, bytes));
      }
      script.push(close(30));
      const out = replay(dns, script, { responseTimeoutMs: 5 }, undefined, layer4);
      assert.equal(out.unclaimed, false);
      for (const t of out.transactions) {
        assertAscii(t, `round ${round}`);
        assert.ok(t.request !== null || t.response !== null || t.malformed !== undefined, 'an empty entry says why');
        assert.equal(t.protocol.layer4, layer4);
      }
    }
  });

  it('a query storm past the pending cap: the oldest become unanswered entries, memory stays bounded', () => {
    const script: Step[] = [];
    for (let id = 0; id < MAX_PENDING + 904; id++) {
      const q = Buffer.from(MESSAGES[0]!);
      q.writeUInt16BE(id, 0);
      script.push(c(id, q));
    }
    const out = replay(dns, script, {}, undefined, 'udp');
    assert.equal(out.transactions.length, 904);
    assert.ok(out.transactions.every((t) => t.malformed?.code === 'DIS_ERR_NO_RESPONSE'));
  });
});
