/**
 * Real captures, rewritten at run time (helpers/capture-rewrite.ts): the same TCP byte streams cut
 * into other segments, reordered, or retransmitted must give exactly the same entries; a lost
 * segment must give a gap, and the transactions after it on the connection must still appear.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';
import {
  directionsStartingWith,
  drop,
  duplicate,
  isData,
  payloadOf,
  readCapture,
  reorder,
  resegment,
  tcpView,
  type Packet,
} from './helpers/capture-rewrite.js';
import { rankedStreams } from './helpers/ranked-streams.js';
import { dissectPackets, type Dissected } from './helpers/dissect-capture.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/http1/${name}`, import.meta.url));

/** Captures of every link type and framing; large-body only with coarse cuts (1 MiB of body). */
const SMALL = [
  'keep-alive.pcap',
  'pipelining.pcap',
  'chunked-trailers.pcap',
  'gzip.pcap',
  'brotli.pcap',
  'expect-100.pcap',
  'head.pcap',
  'status-204-304.pcap',
  'connection-close.pcap',
  'ipv6.pcap',
  'vlan.pcap',
  'qinq.pcap',
  'sll.pcap',
  'sll2.pcap',
  'dumpcap.pcapng',
];
const SIZES = [1, 2, 3, 7, 100, 1000];

/** Entries without capture times, for rewrites that legitimately move a byte's first sighting. */
function timeless(entries: Entry[]): unknown[] {
  return entries.map(({ timestamp: _t, elapsedMs: _e, ...rest }) => rest);
}

function summaries(d: Dissected): string[] {
  return d.entries.map((e) => e.summary.text + (e.malformed !== undefined ? ` [${e.malformed.code}]` : ''));
}

function assertClean(d: Dissected, what: string): void {
  assert.equal(d.stats['gaps'], 0, `${what}: no gap expected`);
  assert.equal(d.stats['malformed'], 0, `${what}: no malformed entry expected`);
}

/** Each direction's bytes put in sequence order, as TCP would deliver them; seq-keyed, so independent of the engine. */
function streams(packets: readonly Packet[]): Map<string, string> {
  const pieces = new Map<string, Map<number, Buffer>>();
  for (const p of packets) {
    const v = tcpView(p);
    if (v === null || v.payloadLength === 0) continue;
    const m = pieces.get(v.direction) ?? new Map<number, Buffer>();
    pieces.set(v.direction, m);
    payloadOf(p).forEach((byte, i) => m.set((v.seq + i) >>> 0, Buffer.of(byte)));
  }
  const out = new Map<string, string>();
  for (const [dir, m] of pieces) out.set(dir, [...m.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b.toString('latin1')).join(''));
  return out;
}

describe('capture-rewrite does what it says', () => {
  const packets = readCapture(fixture('keep-alive.pcap'));
  const dataCount = (ps: Packet[]): number => ps.filter((p) => isData(tcpView(p))).length;
  const inSeqOrder = (ps: Packet[]): boolean => {
    const last = new Map<string, number>();
    return ps.every((p) => {
      const v = tcpView(p);
      if (!isData(v)) return true;
      const ok = (last.get(v.direction) ?? -1) < v.seq;
      last.set(v.direction, v.seq);
      return ok;
    });
  };

  it('keeps every byte of every direction, however it rewrites', () => {
    const cut = resegment(packets, 7);
    for (const variant of [cut, reorder(cut), duplicate(cut, { every: 2, merge: true }), duplicate(cut, { lag: 9 })]) {
      assert.deepStrictEqual(streams(variant), streams(packets));
    }
  });

  it('cuts, swaps, repeats and drops segments', () => {
    const cut = resegment(packets, 7);
    assert.ok(cut.every((p) => payloadOf(p).length <= 7));
    assert.ok(dataCount(cut) > 5 * dataCount(packets));
    assert.ok(inSeqOrder(cut) && !inSeqOrder(reorder(cut)), 'reorder() puts segments out of sequence order');
    assert.equal(dataCount(duplicate(cut, { every: 1 })), 2 * dataCount(cut));
    assert.equal(dataCount(drop(cut, (_v, k) => k === 3)), dataCount(cut) - 2); // one per direction
  });
});

describe('re-segmented real captures give the same entries', () => {
  for (const name of SMALL) {
    it(name, () => {
      const packets = readCapture(fixture(name));
      const original = dissectPackets(packets);
      assert.ok(original.entries.length > 0);
      for (const size of SIZES) {
        const got = dissectPackets(resegment(packets, size));
        assertClean(got, `${name} in ${size}-byte segments`);
        assert.deepStrictEqual(rankedStreams(got.entries), rankedStreams(original.entries), `${name} in ${size}-byte segments`);
      }
    });
  }

  it('large-body.pcap (1 MiB response, 256 KiB request) in 100- and 1000-byte segments', () => {
    const packets = readCapture(fixture('large-body.pcap'));
    const original = dissectPackets(packets);
    for (const size of [100, 1000]) {
      const got = dissectPackets(resegment(packets, size));
      assertClean(got, `${size}-byte segments`);
      assert.deepStrictEqual(rankedStreams(got.entries), rankedStreams(original.entries), `${size}-byte segments`);
    }
  });
});

describe('reordered and retransmitted segments give the same entries', () => {
  for (const name of SMALL) {
    it(name, () => {
      const packets = readCapture(fixture(name));
      const original = dissectPackets(packets);
      for (const size of [7, 100]) {
        const cut = resegment(packets, size);
        const variants: Array<[string, Packet[], boolean]> = [
          // [what, packets, do capture times stay those of the original?]
          ['pairs swapped, own times', reorder(cut, { every: 2 }), true],
          ['every 3rd pair swapped, times of the new slot', reorder(cut, { every: 3, first: 1, timestamps: 'monotonic' }), false],
          ['each segment sent twice', duplicate(cut, { every: 1 }), true],
          ['every 2nd segment again 7 packets later', duplicate(cut, { every: 2, lag: 7 }), true],
          ['every 3rd segment resent merged with the next', duplicate(cut, { every: 3, merge: true }), false],
          ['swapped and resent', duplicate(reorder(cut, { every: 2 }), { every: 4, lag: 3 }), true],
        ];
        for (const [what, rewritten, sameTimes] of variants) {
          const label = `${name}, ${size}-byte segments, ${what}`;
          const got = dissectPackets(rewritten);
          assertClean(got, label);
          if (sameTimes) assert.deepStrictEqual(rankedStreams(got.entries), rankedStreams(original.entries), label);
          else assert.deepStrictEqual(timeless(rankedStreams(got.entries)), timeless(rankedStreams(original.entries)), label);
        }
      }
    });
  }

  it('counts what it trimmed: retransmitted and overlapping bytes', () => {
    const cut = resegment(readCapture(fixture('keep-alive.pcap')), 100);
    const got = dissectPackets(duplicate(cut, { every: 3, merge: true }));
    const shed = got.stats['shedBytes'] as Record<string, number>;
    assert.ok((shed['tcp_retransmission'] ?? 0) + (shed['tcp_overlap'] ?? 0) > 0, JSON.stringify(shed));
  });
});

describe('a lost segment gives a gap, and the connection goes on', () => {
  /** Entries minus `id` (an extra or missing entry before shifts every id after it). */
  const idless = (entries: Entry[]): unknown[] => entries.map(({ id: _id, ...rest }) => rest);

  function lose(name: string, size: number, pick: (p: Packet, k: number, server: boolean) => boolean) {
    const packets = resegment(readCapture(fixture(name)), size);
    const servers = directionsStartingWith(packets, 'HTTP/1.');
    const original = dissectPackets(packets);
    const got = dissectPackets(drop(packets, (v, k, p) => pick(p, k, servers.has(v.direction))));
    assert.ok((got.stats['gaps'] as number) > 0, 'stats.gaps');
    return { original, got };
  }

  it('in the body of a response with Content-Length (keep-alive.pcap)', () => {
    const { original, got } = lose('keep-alive.pcap', 100, (_p, k, server) => server && k === 10);
    assert.deepEqual(summaries(got), ['GET / -> 200 [DIS_ERR_GAP]', 'GET /api/users -> 200', 'GET /missing -> 404', 'POST /api/orders -> 201']);
    assert.equal(got.entries[0]?.response?.['truncated'], true);
    assert.deepStrictEqual(idless(rankedStreams(got.entries.slice(1))), idless(rankedStreams(original.entries.slice(1))));
  });

  it('in a chunked body: the next response on the connection is found again (chunked-trailers.pcap)', () => {
    let first = true; // both responses carry 'beta': lose it in the first only
    const { original, got } = lose('chunked-trailers.pcap', 7, (p, _k, server) => {
      const hit = first && server && payloadOf(p).toString('latin1').includes('beta');
      if (hit) first = false;
      return hit;
    });
    assert.deepEqual(summaries(got), ['GET /chunked -> 200 [DIS_ERR_GAP]', 'GET /chunked -> 200']);
    assert.deepStrictEqual(idless(rankedStreams(got.entries.slice(1))), idless(rankedStreams(original.entries.slice(1))));
  });

  it('in a gzip body: the next transaction still appears (gzip.pcap)', () => {
    const { original, got } = lose('gzip.pcap', 100, (_p, k, server) => server && k === 3);
    assert.deepEqual(summaries(got), ['GET / -> 200 [DIS_ERR_GAP]', 'GET /api/users -> 200']);
    assert.deepStrictEqual(idless(rankedStreams(got.entries.slice(1))), idless(rankedStreams(original.entries.slice(1))));
  });

  it('the head of a request: its response pairs with a lost request, later pairs stay right (keep-alive.pcap)', () => {
    const { original, got } = lose('keep-alive.pcap', 1000, (p) => payloadOf(p).toString('latin1').startsWith('GET /api/users '));
    assert.deepEqual(summaries(got), ['GET / -> 200', '(lost request) -> 200 [DIS_ERR_GAP]', 'GET /missing -> 404', 'POST /api/orders -> 201']);
    assert.deepStrictEqual(idless(rankedStreams(got.entries.slice(2))), idless(rankedStreams(original.entries.slice(2))));
  });

  // Fails today: the server's ACK of the lost request is ignored while no later client data is
  // held (TcpDirection.peerAck), so the hole is declared only when the next request arrives; its
  // time becomes the lost request's start, later than the response's own end.
  it('a lost request starts no later than its response: elapsedMs ≥ 0, wherever it was lost', () => {
    const requests = ['GET / ', 'GET /api/users ', 'GET /missing ', 'POST /api/orders '];
    for (const [n, head] of requests.entries()) {
      const { got } = lose('keep-alive.pcap', 1000, (p) => payloadOf(p).toString('latin1').startsWith(head));
      const lost = got.entries.filter((e) => e.summary.text.startsWith('(lost request)'));
      assert.equal(lost.length, 1, `${head}lost: ${summaries(got).join(' | ')}`);
      assert.equal(summaries(got).length, 4, `${head}lost: ${summaries(got).join(' | ')}`);
      assert.equal(summaries(got)[n]?.startsWith('(lost request)') ?? false, true, `${head}lost: entry ${n} should be the lost one`);
      for (const e of got.entries) assert.ok(e.elapsedMs >= 0, `${head}lost: ${e.summary.text} has elapsedMs ${e.elapsedMs}`);
    }
  });
});
