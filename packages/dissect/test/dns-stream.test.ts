/**
 * The DNS stream dissector (protocols/dns/stream.ts, pairs.ts, framing.ts), driven through the
 * engine's detection from an empty flow (helpers/split-replay.ts) with a fake capture clock:
 * pairing by ID and question in any order, retransmissions, the response timeout, responses
 * without a query, and over TCP the length framing with every split position, gaps and ends.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Transaction } from '../dist/dissector.js';
import { dns } from '../dist/protocols/dns/index.js';
import { a, framed, query, response } from './helpers/dns-wire.js';
import { c, close, end, gap, replay, replayAllSplits, s, tick, type Step } from './helpers/split-replay.js';

const TIMEOUT = 30_000;
const A = 1;
const AAAA = 28;
const answerA = (id: number, qname: string, ip: string): Buffer => response(id, qname, A, [{ name: qname, type: A, rdata: a(ip) }]);
const rows = (ts: Transaction[]): Array<[string, string | null]> => ts.map((t) => [t.summary.text, t.malformed?.code ?? null]);
const udp = (script: Step[]): Transaction[] => {
  const out = replay(dns, script, {}, undefined, 'udp');
  assert.equal(out.unclaimed, false);
  return out.transactions;
};

describe('DNS over UDP: pairing by ID and question', () => {
  it('a query and its response are one entry, timed from the query to the response', () => {
    const [t] = udp([c(1000, query(7, 'example.com', A)), s(1003.5, answerA(7, 'example.com', '10.0.0.1')), close(5000)]);
    assert.equal(t!.summary.text, 'A example.com -> 10.0.0.1');
    assert.equal(t!.timestamp, 1000);
    assert.equal(t!.endTimestamp, 1003.5);
    assert.deepEqual(t!.protocol, { name: 'dns', abbr: 'DNS', layer4: 'udp' });
    assert.equal(t!.requestSize, query(7, 'example.com', A).length);
    assert.equal(t!.malformed, undefined);
  });

  it('responses in another order than the queries pair by ID', () => {
    const out = udp([
      c(1, query(1, 'a.example', A)),
      c(2, query(2, 'b.example', AAAA)),
      s(3, response(2, 'b.example', AAAA, [])),
      s(4, answerA(1, 'a.example', '10.0.0.1')),
      close(5),
    ]);
    assert.deepEqual(rows(out), [
      ['AAAA b.example -> no answers', null],
      ['A a.example -> 10.0.0.1', null],
    ]);
  });

  it('a response with the same ID but another question is not the answer (RFC 5452 §9.1)', () => {
    const out = udp([c(1, query(5, 'asked.example', A)), s(2, answerA(5, 'other.example', '10.6.6.6')), close(3)]);
    assert.deepEqual(rows(out), [
      ['A other.example -> 10.6.6.6', 'DIS_ERR_NO_REQUEST'],
      ['A asked.example -> no response', 'DIS_ERR_NO_RESPONSE'],
    ]);
  });

  it('names compare without regard to case (0x20 randomisation, RFC 4343 §3)', () => {
    const out = udp([c(1, query(9, 'ExAmPlE.CoM', A)), s(2, answerA(9, 'example.com', '10.0.0.9')), close(3)]);
    assert.deepEqual(rows(out), [['A ExAmPlE.CoM -> 10.0.0.9', null]]);
  });

  it('the same query sent again while it waits is one entry, with its retransmissions counted', () => {
    const out = udp([
      c(0, query(3, 'slow.example', A)),
      c(1000, query(3, 'slow.example', A)),
      c(2000, query(3, 'slow.example', A)),
      s(2100, answerA(3, 'slow.example', '10.0.0.3')),
      close(3000),
    ]);
    assert.deepEqual(rows(out), [['A slow.example -> 10.0.0.3', null]]);
    assert.equal(out[0]!.timestamp, 0);
    assert.equal(out[0]!.request!['retransmissions'], 2);
  });

  it('an unanswered query becomes an entry once the response timeout passes, not before', () => {
    const script: Step[] = [c(1000, query(4, 'silent.example', A)), tick(1000 + TIMEOUT)];
    assert.deepEqual(udp(script), [], 'at exactly the timeout it still waits');
    const out = udp([...script, tick(1001 + TIMEOUT), s(1002 + TIMEOUT, answerA(4, 'silent.example', '10.0.0.4')), close(1003 + TIMEOUT)]);
    assert.deepEqual(rows(out), [
      ['A silent.example -> no response', 'DIS_ERR_NO_RESPONSE'],
      ['A silent.example -> 10.0.0.4', 'DIS_ERR_NO_REQUEST'],
    ]);
    assert.equal(out[0]!.endTimestamp, 1000);
    assert.equal(out[0]!.response, null);
  });

  it('the timeout counts from the last retransmission', () => {
    const out = udp([c(0, query(6, 'r.example', A)), c(20_000, query(6, 'r.example', A)), tick(35_000), tick(50_001)]);
    assert.deepEqual(rows(out), [['A r.example -> no response', 'DIS_ERR_NO_RESPONSE']]);
    assert.equal(out[0]!.endTimestamp, 20_000);
  });

  it('queries still waiting when the flow closes are emitted unanswered, oldest first', () => {
    const out = udp([c(1, query(1, 'one.example', A)), c(2, query(2, 'two.example', A)), close(3)]);
    assert.deepEqual(rows(out), [
      ['A one.example -> no response', 'DIS_ERR_NO_RESPONSE'],
      ['A two.example -> no response', 'DIS_ERR_NO_RESPONSE'],
    ]);
  });

  it('a datagram too short for a header, once the flow is DNS, is an entry of its own', () => {
    const out = udp([c(1, query(1, 'ok.example', A)), c(2, Buffer.from([1, 2, 3])), s(3, answerA(1, 'ok.example', '10.0.0.1')), close(4)]);
    assert.deepEqual(rows(out), [
      ['(malformed query)', 'DIS_ERR_TRUNCATED'],
      ['A ok.example -> 10.0.0.1', null],
    ]);
  });

  it('the response summary: rcode, no answers, truncated, the first answer of the asked type', () => {
    const cname = response(1, 'www.example', A, [
      { name: 'www.example', type: 5, rdata: Buffer.from([4, 0x68, 0x6f, 0x73, 0x74, 7, ...Buffer.from('example'), 0]) },
      { name: 'host.example', type: A, rdata: a('10.0.0.7') },
      { name: 'host.example', type: A, rdata: a('10.0.0.8') },
    ]);
    const out = udp([
      c(1, query(1, 'www.example', A)), s(2, cname),
      c(3, query(2, 'gone.example', A)), s(4, response(2, 'gone.example', A, [], 3)),
      c(5, query(3, 'big.example', 16)), s(6, response(3, 'big.example', 16, [], 0, { flags: 0x8000 | 0x0200 | 0x0100 | 0x0080 })),
      close(7),
    ]);
    assert.deepEqual(rows(out), [
      ['A www.example -> 10.0.0.7 (+2 more)', null],
      ['A gone.example -> NXDOMAIN', null],
      ['TXT big.example -> no answers (truncated)', null],
    ]);
  });
});

describe('DNS over TCP: length-prefixed messages, any segmentation', () => {
  const Q1 = framed(query(0x0101, 'a.example', A));
  const Q2 = framed(query(0x0202, 'b.example', AAAA));
  const R1 = framed(answerA(0x0101, 'a.example', '10.0.0.1'));
  const R2 = framed(response(0x0202, 'b.example', AAAA, [{ name: 'b.example', type: AAAA, rdata: Buffer.from('20010db8000000000000000000000002', 'hex') }]));

  it('pipelined queries in one write, answered out of order (RFC 7766 §7): every split gives the same', () => {
    const out = replayAllSplits(dns, [c(1, Buffer.concat([Q1, Q2])), s(2, Buffer.concat([R2, R1])), end(0, 3), end(1, 3), close(4)]);
    assert.deepEqual(rows(out.transactions), [
      ['AAAA b.example -> 2001:db8::2', null],
      ['A a.example -> 10.0.0.1', null],
    ]);
    assert.deepEqual(out.transactions[0]!.protocol, { name: 'dns', abbr: 'DNS', layer4: 'tcp' });
    assert.equal(out.transactions[0]!.requestSize, Q2.length, 'the length prefix is on the wire');
  });

  it('a message cut in two, the halves arriving at different times: timed by its first and last byte', () => {
    const out = replay(dns, [c(1, Q1), s(2, R1.subarray(0, 10)), s(7, R1.subarray(10)), close(9)]);
    assert.deepEqual([out.transactions[0]!.timestamp, out.transactions[0]!.endTimestamp], [1, 7]);
  });

  it('a gap inside a message costs that message only: it still pairs by its header', () => {
    const out = replay(dns, [c(1, Q1), s(2, R1.subarray(0, 20)), gap(1, 5, 3), s(4, R1.subarray(25)), c(5, Q2), s(6, R2), close(7)]);
    assert.deepEqual(rows(out.transactions), [
      ['A a.example -> no answers', 'DIS_ERR_GAP'],
      ['AAAA b.example -> 2001:db8::2', null],
    ]);
    assert.equal(out.transactions[0]!.responseSize, R1.length, 'the lost bytes are counted');
  });

  it('a gap across a message boundary: the next message is found by its bytes, in any cut', () => {
    const lost = Buffer.concat([Q1, Q2]);
    const Q3 = framed(query(0x0303, 'c.example', A));
    const R3 = framed(answerA(0x0303, 'c.example', '10.0.0.3'));
    // The client's bytes: the tail of a lost query (its last 6 bytes), then Q3.
    const out = replayAllSplits(dns, [
      c(1, Q1),
      gap(0, Q2.length - 6, 2),
      c(3, Buffer.concat([lost.subarray(lost.length - 6), Q3])),
      s(4, Buffer.concat([R1, R3])),
      close(5),
    ]);
    assert.deepEqual(rows(out.transactions), [
      ['A a.example -> 10.0.0.1', null],
      ['A c.example -> 10.0.0.3', null],
    ]);
  });

  it('the server closing the connection ends the wait of what it did not answer', () => {
    const out = replay(dns, [c(1, Buffer.concat([Q1, Q2])), s(2, R1), end(1, 3), tick(4)]);
    assert.deepEqual(rows(out.transactions), [
      ['A a.example -> 10.0.0.1', null],
      ['AAAA b.example -> no response', 'DIS_ERR_NO_RESPONSE'],
    ]);
  });

  it('the stream ending inside a message: it is shown as far as it came, truncated', () => {
    const out = replay(dns, [c(1, Q1), s(2, R1.subarray(0, R1.length - 4)), end(1, 3), close(4)]);
    assert.deepEqual(rows(out.transactions), [['A a.example -> no answers', 'DIS_ERR_TRUNCATED']]);
  });

  it('a length too short for a header makes a malformed entry; framing goes on after it', () => {
    const out = replayAllSplits(dns, [c(1, Buffer.concat([Q1, Buffer.from([0, 3, 1, 2, 3]), Q2])), s(2, Buffer.concat([R1, R2])), close(3)]);
    assert.deepEqual(rows(out.transactions), [
      ['(malformed query)', 'DIS_ERR_TRUNCATED'],
      ['A a.example -> 10.0.0.1', null],
      ['AAAA b.example -> 2001:db8::2', null],
    ]);
  });
});
