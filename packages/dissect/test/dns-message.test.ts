/**
 * DNS message decoding (protocols/dns/message.ts, names.ts, rdata.ts): names and compression with
 * loop and bounds protection (RFC 1035 §4.1.4), every common record type in presentation form,
 * unknown types as RFC 3597 bytes, EDNS0 (RFC 6891) with its extended rcode, and what a broken
 * message keeps. Bytes are written out by hand where layout matters (compression), else built
 * field by field (helpers/dns-wire.ts).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMessage, type DnsMessage } from '../dist/protocols/dns/message.js';
import { readName } from '../dist/protocols/dns/names.js';
import { a, message, name, opt, QR, query, response, txt, type Rr } from './helpers/dns-wire.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const decode = (b: Buffer): DnsMessage => {
  const m = decodeMessage(b);
  assert.ok(m !== null);
  return m;
};
/** A response holding one answer of `type` with `rdata`, for `example.com`. */
const answer = (type: number, rdata: Buffer, extra: Partial<Rr> = {}): DnsMessage =>
  decode(response(7, 'example.com', type, [{ name: 'example.com', type, rdata, ...extra }]));
const dataOf = (type: number, rdata: Buffer): string => answer(type, rdata).answers[0]!.data;

/**
 * RFC 1035 §4.1.4's own example, as a response: F.ISI.ARPA in the question at offset 12; a CNAME
 * answer named by a pointer to it, whose RDATA is FOO plus a pointer; an A answer named by a
 * pointer into that RDATA; an NS record for ARPA named by a pointer into the middle of a name.
 */
const COMPRESSED = hex(`
  0001 8180 0001 0002 0001 0000
  01 66 03 697369 04 61727061 00   0001 0001
  c00c 0005 0001 0000012c 0006   03 666f6f c00c
  c028 0001 0001 0000012c 0004   0a000001
  c012 0002 0001 0000012c 0005   02 6e73 c012
`);

describe('DNS names (RFC 1035 §3.1, §4.1.4)', () => {
  it('follows compression pointers: to a name, into RDATA, into the middle of a name', () => {
    const m = decode(COMPRESSED);
    assert.equal(m.problem, null);
    assert.deepEqual(m.questions, [{ name: 'f.isi.arpa', type: 'A' }]);
    assert.deepEqual(m.answers, [
      { name: 'f.isi.arpa', type: 'CNAME', ttl: 300, data: 'foo.f.isi.arpa' },
      { name: 'foo.f.isi.arpa', type: 'A', ttl: 300, data: '10.0.0.1' },
    ]);
    assert.deepEqual(m.authorities, [{ name: 'arpa', type: 'NS', ttl: 300, data: 'ns.arpa' }]);
  });

  it('refuses a pointer to itself, forward, or into the header: no loop can start', () => {
    const question = '01 61 00 0001 0001';
    const withAnswerName = (n: string): Buffer => hex(`0001 8180 0001 0001 0000 0000 ${question} ${n} 0001 0001 0000012c 0004 0a000001`);
    // The answer's name starts at offset 19.
    for (const [what, n] of [
      ['itself', 'c013'],
      ['a label, then back to itself', '0162 c013'],
      ['forward, to the record after it', 'c020'],
      ['into the header', 'c004'],
    ] as const) {
      const m = decode(withAnswerName(n));
      assert.equal(m.problem, 'DIS_ERR_SYNTAX', what);
      assert.deepEqual(m.answers, [], what);
      assert.deepEqual(m.questions, [{ name: 'a', type: 'A' }], `${what}: what came before is kept`);
    }
    // Two names pointing at each other: the first jump lands on a pointer that points forward.
    const mutual = hex(`0001 8180 0002 0000 0000 0000  c012 0001 0001  c00c 0001 0001`);
    assert.equal(decode(mutual).problem, 'DIS_ERR_SYNTAX');
  });

  it('a name read after a jump must end before the name that jumped', () => {
    // Question 1 at 12 is one label of three octets, `a` C0 0C, that happen to look like a
    // pointer; question 2 at 21 points at those octets (14), whose "pointer" leads back to 12,
    // where the label would run on past 14: names may not overlap what led to them.
    const msg = hex(`0001 0100 0002 0000 0000 0000  03 61c00c 00 0001 0001  c00e 0001 0001`);
    assert.deepEqual(readName(msg, 12, msg.length), { text: 'a\\192\\012', end: 17, ok: true, cut: false });
    assert.equal(readName(msg, 21, msg.length).ok, false);
    assert.equal(decode(msg).problem, 'DIS_ERR_SYNTAX');
  });

  it('a long chain of backward pointers is fine, up to 255 octets', () => {
    // Question 0: "a"; question i: one label "a" + a pointer to question i-1's name.
    const parts = ['0000 0100 0000 0000 0000 0000', '01 61 00 0001 0001'];
    const offsets = [12];
    for (let i = 1; i < 120; i++) {
      const at = offsets[i - 1]! + (i === 1 ? 7 : 8);
      offsets.push(at);
      parts.push(`01 61 ${(0xc000 | offsets[i - 1]!).toString(16)} 0001 0001`);
    }
    const msg = hex(parts.join(''));
    msg.writeUInt16BE(120, 4);
    const m = decode(msg);
    assert.equal(m.problem, null);
    assert.equal(m.questions.length, 120);
    assert.equal(m.questions[119]!.name, Array(120).fill('a').join('.'));
  });

  it('refuses a name over 255 octets (RFC 1035 §3.1), chained or not', () => {
    const long = Array.from({ length: 128 }, () => 'a').join('.');
    assert.equal(name(long).length, 257);
    assert.equal(decode(query(1, long, 1)).problem, 'DIS_ERR_SYNTAX');
    const ok = Array.from({ length: 127 }, () => 'a').join('.');
    assert.equal(decode(query(1, ok, 1)).questions[0]!.name, ok);
  });

  it('refuses the reserved label types 01 and 10 (RFC 6891 §5)', () => {
    for (const type of ['41', '81']) {
      assert.equal(decode(hex(`0001 0100 0001 0000 0000 0000 ${type}00 0001 0001`)).problem, 'DIS_ERR_SYNTAX');
    }
  });

  it('writes any octet so the name reads back unambiguously (RFC 4343 §2.1)', () => {
    const label = Buffer.from([0x61, 0x2e, 0x5c, 0x20, 0x00, 0xff, 0x22]);
    const msg = Buffer.concat([hex('0001 0100 0001 0000 0000 0000'), Buffer.from([label.length]), label, hex('03 636f6d 00 0001 0001')]);
    assert.equal(decode(msg).questions[0]!.name, 'a\\.\\\\\\032\\000\\255".com');
  });

  it('the root name is "."', () => {
    assert.deepEqual(decode(query(1, '.', 2)).questions, [{ name: '.', type: 'NS' }]);
  });

  it('a name cut by the end of the message is truncated, not a syntax error', () => {
    const q = query(1, 'example.com', 1);
    assert.equal(decode(q.subarray(0, 18)).problem, 'DIS_ERR_TRUNCATED');
  });
});

describe('DNS record data', () => {
  it('A, AAAA (RFC 5952 text), NS, CNAME, PTR, DNAME', () => {
    assert.equal(dataOf(1, a('93.184.216.34')), '93.184.216.34');
    assert.equal(dataOf(28, hex('20010db8000000000000000000000001')), '2001:db8::1');
    assert.equal(dataOf(28, hex('fd000081000000000000000000000080')), 'fd00:81::80');
    for (const type of [2, 5, 12, 39]) assert.equal(dataOf(type, name('target.example.net')), 'target.example.net');
  });

  it('MX, SRV, SOA', () => {
    assert.equal(dataOf(15, Buffer.concat([hex('000a'), name('mail.example.com')])), '10 mail.example.com');
    assert.equal(dataOf(33, Buffer.concat([hex('0000 0005 13c4'), name('sip.example.com')])), '0 5 5060 sip.example.com');
    const soa = Buffer.concat([name('ns1.example.com'), name('hostmaster.example.com'), hex('00000001 00000e10 00000258 00015180 0000012c')]);
    assert.equal(dataOf(6, soa), 'ns1.example.com hostmaster.example.com 1 3600 600 86400 300');
  });

  it('TXT and HINFO: quoted character-strings, `"` and `\\` escaped, other octets as \\DDD', () => {
    assert.equal(dataOf(16, txt('v=spf1 -all', 'second string')), '"v=spf1 -all" "second string"');
    assert.equal(dataOf(16, txt('say "hi"\\', '\x00\xff', '')), '"say \\"hi\\"\\\\" "\\000\\255" ""');
    assert.equal(dataOf(13, txt('INTEL-386', 'UNIX')), '"INTEL-386" "UNIX"');
  });

  it('CAA (RFC 8659 §4.1)', () => {
    assert.equal(dataOf(257, Buffer.concat([hex('00 05'), Buffer.from('issueca.example.net')])), '0 issue "ca.example.net"');
  });

  it('an unknown type is shown as RFC 3597 §5 bytes, named TYPEnnn; an unknown class CLASSnnn', () => {
    const m = answer(65280, hex('0a000001'), { class: 7 });
    assert.deepEqual(m.answers, [{ name: 'example.com', type: 'TYPE65280', class: 'CLASS7', ttl: 300, data: '\\# 4 0a000001' }]);
    assert.equal(m.problem, null, 'unknown is not malformed');
    assert.equal(dataOf(65280, Buffer.alloc(0)), '\\# 0');
  });

  it('RDATA that breaks its type is shown as bytes and makes the message malformed', () => {
    for (const [type, rdata] of [
      [1, hex('0a0000')],
      [28, hex('20010db8')],
      [15, hex('000a')],
      [5, hex('03 666f6f')], // a name that does not end inside the RDATA
      [16, hex('05 6162')], // a string longer than the RDATA
      [6, Buffer.concat([name('a'), name('b'), hex('00000001')])],
    ] as const) {
      const m = answer(type, rdata);
      assert.equal(m.problem, 'DIS_ERR_SYNTAX', `type ${type}`);
      assert.equal(m.answers[0]!.data, `\\# ${rdata.length} ${rdata.toString('hex')}`, `type ${type}`);
    }
  });

  it('a class other than IN is named (CHAOS version.bind)', () => {
    const m = decode(message({ id: 3, flags: QR, questions: [{ name: 'version.bind', type: 16, class: 3 }], answers: [{ name: 'version.bind', type: 16, class: 3, ttl: 0, rdata: txt('9.18') }] }));
    assert.deepEqual(m.questions, [{ name: 'version.bind', type: 'TXT', class: 'CH' }]);
    assert.equal(m.answers[0]!.class, 'CH');
  });
});

describe('DNS header, sections and EDNS0', () => {
  it('header fields: ID, QR, opcode, flags in wire order, rcode', () => {
    const m = decode(response(0xbeef, 'nothere.example', 1, [], 3));
    assert.equal(m.id, 0xbeef);
    assert.equal(m.response, true);
    assert.equal(m.opcode, 0);
    assert.deepEqual(m.flags, ['qr', 'rd', 'ra']);
    assert.equal(m.rcode, 3);
    assert.equal(m.truncated, false);
  });

  it('the OPT record becomes `edns`: payload size, version, DO, options; not an additional record', () => {
    const m = decode(query(1, 'example.com', 1, [opt(1232, { do: true, options: [[10, hex('0011223344556677')], [65001, hex('ff')]] })]));
    assert.deepEqual(m.additionals, []);
    assert.deepEqual(m.edns, {
      udpSize: 1232,
      version: 0,
      do: true,
      extendedRcode: 0,
      options: [{ code: 10, name: 'COOKIE', data: '0011223344556677' }, { code: 65001, data: 'ff' }],
    });
  });

  it('the extended rcode joins the header rcode (RFC 6891 §6.1.3): BADVERS, BADCOOKIE', () => {
    const badvers = decode(response(1, 'example.com', 1, [], 0, { additionals: [opt(1232, { extendedRcode: 1 })] }));
    assert.equal(badvers.rcode, 16);
    assert.equal(badvers.edns!.extendedRcode, 1);
    const badcookie = decode(response(1, 'example.com', 1, [], 7, { additionals: [opt(1232, { extendedRcode: 1 })] }));
    assert.equal(badcookie.rcode, 23);
  });

  it('a second OPT record is a FORMERR (RFC 6891 §6.1.1): kept as a record, the message malformed', () => {
    const m = decode(query(1, 'example.com', 1, [opt(1232), opt(4096)]));
    assert.equal(m.edns!.udpSize, 1232);
    assert.equal(m.problem, 'DIS_ERR_SYNTAX');
    assert.deepEqual(m.additionals, [{ name: '.', type: 'OPT', class: 'CLASS4096', ttl: 0, data: '\\# 0' }]);
  });

  it('an option running past the OPT record is a syntax error; the options before it are kept', () => {
    const m = decode(query(1, 'example.com', 1, [{ ...opt(1232), rdata: hex('000a 0002 aabb 000c 0009 00') }]));
    assert.equal(m.problem, 'DIS_ERR_SYNTAX');
    assert.deepEqual(m.edns!.options, [{ code: 10, name: 'COOKIE', data: 'aabb' }]);
  });

  it('sections shorter than their counts: what arrived is kept, the message is truncated', () => {
    const whole = response(9, 'example.com', 1, [{ name: 'example.com', type: 1, rdata: a('10.0.0.1') }, { name: 'example.com', type: 1, rdata: a('10.0.0.2') }]);
    const m = decode(whole.subarray(0, whole.length - 3));
    assert.equal(m.problem, 'DIS_ERR_TRUNCATED');
    assert.deepEqual(m.answers.map((x) => x.data), ['10.0.0.1']);
    assert.equal(decode(whole.subarray(0, 12)).problem, 'DIS_ERR_TRUNCATED');
    assert.equal(decodeMessage(whole.subarray(0, 11)), null, 'shorter than a header: nothing to decode');
  });
});
