/**
 * The ICMP detail view (src/domain/icmp-detail.ts) on the entries the dissector made from real
 * ping and kernel errors (fixtures/icmp): an echo, an error and its quote, a flow; the terms of its
 * clickable values checked by the real filter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { icmpDetail } from '../src/domain/icmp-detail.js';
import { assertTermsSelect, find, golden, texts } from './helpers/fixture-entries.js';

describe('ICMP detail view', () => {
  it('shows an echo request and its reply', () => {
    const e = golden('icmp', 'echo-v4')[0]!;
    const [req, res] = icmpDetail(e);
    assert.deepEqual([req!.title, texts(req!.rows)], ['Echo request', { type: '8 echo request', code: '0', identifier: String(e.request!['id']), sequence: '1', data: '56 B' }]);
    assert.deepEqual([res!.title, texts(res!.rows)['type']], ['Echo reply', '0 echo reply']);
    assertTermsSelect(e, [...req!.rows, ...res!.rows].map((r) => r.value));
  });

  it('shows an error and the 5-tuple of the packet it quotes', () => {
    const e = find(golden('icmp', 'unreachable'), 'destination unreachable: port unreachable (UDP [');
    const [error, quoted] = icmpDetail(e);
    assert.deepEqual([error!.title, texts(error!.rows)], ['Error', { type: '1 destination unreachable', code: '4 port unreachable', quote: '54 B' }]);
    const q = e.response!['quoted'] as { srcPort: number };
    assert.deepEqual([quoted!.title, texts(quoted!.rows)], ['Quoted packet', { protocol: 'udp', source: `[fd00:84::1]:${q.srcPort}`, destination: '[fd00:84::2]:9' }]);
    assertTermsSelect(e, error!.rows.map((r) => r.value));
  });

  it("shows a flow's other messages by type, per side", () => {
    const e = find(golden('icmp', 'neighbor-discovery'), 'neighbor solicitation');
    const [sent, answered] = icmpDetail(e);
    assert.deepEqual([sent!.title, texts(sent!.rows), sent!.table!.rows.map((r) => r.map((c) => c.text))], ['Sent by the source', { packets: '1', bytes: '32 B' }, [['135 neighbor solicitation', '0', '1']]]);
    assert.deepEqual(answered!.note, 'Nothing was sent this way.');
    assertTermsSelect(e, sent!.table!.rows.flat());
  });

  it('says when an echo got no reply', () => {
    const [, res] = icmpDetail(golden('icmp', 'no-reply')[0]!);
    assert.deepEqual([res!.title, res!.note], ['Echo reply', 'No reply came.']);
  });
});
