import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReassemblyBudget } from '../dist/reassembly/reassembly-budget.js';
import { TcpDirection, type ByteSink } from '../dist/reassembly/tcp-direction.js';
import { DissectStats } from '../dist/stats.js';

type Event = ['data', string] | ['gap', number] | ['end'];

function setup(limits = { perDirectionBytes: 1 << 20, globalBytes: 1 << 20 }) {
  const events: Event[] = [];
  const sink: ByteSink = {
    data: (chunk) => {
      const last = events[events.length - 1];
      // Adjacent deliveries are merged: only the byte stream matters, not its chunking.
      if (last !== undefined && last[0] === 'data') last[1] += chunk.toString('latin1');
      else events.push(['data', chunk.toString('latin1')]);
    },
    gap: (n) => events.push(['gap', n]),
    end: () => events.push(['end']),
  };
  const stats = new DissectStats();
  const budget = new ReassemblyBudget(limits);
  const dir = new TcpDirection(sink, stats, budget);
  const seg = (seq: number, text: string, flags: { syn?: boolean; fin?: boolean; cut?: number } = {}) => {
    const buf = Buffer.from(`##${text}##`, 'latin1');
    dir.segment(seq >>> 0, flags.syn ?? false, flags.fin ?? false, buf, 2, text.length, flags.cut ?? 0, 0);
  };
  return { events, stats, dir, seg, budget };
}

/** Both directions of one connection, their events in one log: `c` the client, `s` the server. */
function connection() {
  const log: string[] = [];
  const stats = new DissectStats();
  const budget = new ReassemblyBudget({ perDirectionBytes: 1 << 20, globalBytes: 1 << 20 });
  const side = (name: string) =>
    new TcpDirection({ data: (chunk) => log.push(`${name} ${chunk.toString('latin1')}`), gap: (n) => log.push(`${name} gap ${n}`), end: () => log.push(`${name} end`) }, stats, budget);
  const seg = (dir: TcpDirection, seq: number, text: string) => dir.segment(seq, false, false, Buffer.from(text, 'latin1'), 0, text.length, 0, 0);
  return { log, client: side('c'), server: side('s'), seg };
}

describe('TcpDirection', () => {
  it('delivers in-order data after the SYN and ends at the FIN', () => {
    const t = setup();
    t.seg(1000, '', { syn: true });
    t.seg(1001, 'hello ');
    t.seg(1007, 'world', { fin: true });
    assert.deepEqual(t.events, [['data', 'hello world'], ['end']]);
    assert.equal(t.stats.midstreamJoins, 0);
  });

  it('reorders out-of-order segments', () => {
    const t = setup();
    t.seg(0, '', { syn: true });
    t.seg(7, 'cd');
    t.seg(5, 'ab');
    t.seg(1, 'wxyz');
    assert.deepEqual(t.events, [['data', 'wxyzabcd']]);
    assert.equal(t.budget.held, 0);
  });

  it('drops retransmissions and trims overlaps, counting both', () => {
    const t = setup();
    t.seg(0, '', { syn: true });
    t.seg(1, 'abcd');
    t.seg(1, 'abcd');
    t.seg(3, 'cdef');
    assert.deepEqual(t.events, [['data', 'abcdef']]);
    assert.equal(t.stats.shedBytes.get('tcp_retransmission'), 4);
    assert.equal(t.stats.shedBytes.get('tcp_overlap'), 2);
  });

  it('joins mid-stream at the first data segment', () => {
    const t = setup();
    t.seg(5000, 'late');
    t.seg(5004, 'r');
    assert.deepEqual(t.events, [['data', 'later']]);
    assert.equal(t.stats.midstreamJoins, 1);
  });

  it('handles sequence number wrap-around', () => {
    const t = setup();
    t.seg(0xfffffffd, '', { syn: true });
    t.seg(0xfffffffe, 'ab');
    t.seg(0, 'cd');
    assert.deepEqual(t.events, [['data', 'abcd']]);
  });

  it('declares a gap when the peer acknowledges past a hole', () => {
    const t = setup();
    t.seg(0, '', { syn: true });
    t.seg(1, 'ab');
    t.seg(6, 'fg');
    t.dir.peerAck(8, 0);
    assert.deepEqual(t.events, [['data', 'ab'], ['gap', 3], ['data', 'fg']]);
    assert.equal(t.stats.gaps, 1);
    assert.equal(t.stats.gapBytes, 3);
  });

  it('declares a gap when the peer acknowledges bytes never seen, even with nothing held', () => {
    const t = setup();
    t.seg(0, '', { syn: true });
    t.seg(1, 'ab');
    t.dir.peerAck(6, 0);
    t.seg(6, 'fg');
    assert.deepEqual(t.events, [['data', 'ab'], ['gap', 3], ['data', 'fg']]);
  });

  it('does not count the FIN as a hole when its ack arrives', () => {
    const t = setup();
    t.seg(0, '', { syn: true });
    t.seg(1, 'ab', { fin: true });
    t.dir.peerAck(4, 0);
    assert.deepEqual(t.events, [['data', 'ab'], ['end']]);
    assert.equal(t.stats.gaps, 0);
  });

  it('ignores an acknowledgement further ahead than any window', () => {
    const t = setup();
    t.seg(0, '', { syn: true });
    t.seg(1, 'ab');
    t.dir.peerAck(0x7000_0000, 0);
    assert.deepEqual(t.events, [['data', 'ab']]);
    assert.equal(t.stats.gapBytes, 0);
  });

  it('a gap stops at the acknowledged byte when later data may still come', () => {
    const t = setup();
    t.seg(0, '', { syn: true });
    t.seg(1, 'a');
    t.seg(10, 'j');
    t.dir.peerAck(5, 0);
    assert.deepEqual(t.events, [['data', 'a'], ['gap', 3]]);
    t.seg(5, 'efghi');
    assert.deepEqual(t.events, [['data', 'a'], ['gap', 3], ['data', 'efghij']]);
  });

  it('declares a gap when the out-of-order budget is exceeded', () => {
    const t = setup({ perDirectionBytes: 4, globalBytes: 1 << 20 });
    t.seg(0, '', { syn: true });
    t.seg(3, 'cd');
    t.seg(5, 'efg');
    assert.deepEqual(t.events, [['gap', 2], ['data', 'cdefg']]);
    assert.equal(t.stats.shedBytes.get('tcp_ooo_budget'), 2);
  });

  it('flushes holes and held data at close, then ends', () => {
    const t = setup();
    t.seg(0, '', { syn: true });
    t.seg(4, 'de', { fin: true });
    t.dir.flush(0);
    assert.deepEqual(t.events, [['gap', 3], ['data', 'de'], ['end']]);
  });

  it('turns bytes cut by the snap length into a gap', () => {
    const t = setup();
    t.seg(0, '', { syn: true });
    t.seg(1, 'abc', { cut: 5 });
    t.seg(9, 'z');
    assert.deepEqual(t.events, [['data', 'abc'], ['gap', 5], ['data', 'z']]);
    assert.equal(t.stats.shedBytes.get('snaplen'), 5);
  });

  it('ignores data after the direction ended', () => {
    const t = setup();
    t.seg(0, '', { syn: true });
    t.seg(1, 'a', { fin: true });
    t.seg(3, 'late');
    assert.deepEqual(t.events, [['data', 'a'], ['end']]);
    assert.equal(t.stats.shedBytes.get('tcp_after_close'), 4);
  });

  it('reassembles the same bytes whatever the arrival order', () => {
    const text = 'The quick brown fox jumps over the lazy dog';
    for (let round = 0; round < 200; round++) {
      const t = setup();
      let rng = round * 2654435761 + 1;
      const rand = (n: number) => {
        rng = (rng * 1103515245 + 12345) >>> 0;
        return rng % n;
      };
      const pieces: [number, string][] = [];
      for (let i = 0; i < text.length; ) {
        const n = 1 + rand(6);
        pieces.push([1 + i, text.slice(i, i + n)]);
        i += n;
      }
      // Shuffle, and retransmit a few pieces.
      for (let i = pieces.length - 1; i > 0; i--) {
        const j = rand(i + 1);
        [pieces[i], pieces[j]] = [pieces[j]!, pieces[i]!];
      }
      pieces.push(...pieces.slice(0, 3));
      t.seg(0, '', { syn: true });
      for (const [seq, s] of pieces) t.seg(seq, s);
      assert.deepEqual(t.events, [['data', text]], `round ${round}`);
    }
  });

  it('an ack held for the other direction is applied once the hole before its segment is settled', () => {
    const { log, client, server, seg } = connection();
    seg(client, 100, 'req1');
    seg(server, 500, 'res1');
    // req2 (104..108) and res2 (504..508) are lost; req3 acks res2 from past the client's hole.
    assert.equal(client.hasHoleBefore(108), true);
    assert.equal(server.settledBy(508), true);
    client.holdAck(108, server, 508);
    seg(client, 108, 'req3');
    assert.deepEqual(log, ['c req1', 's res1'], 'nothing is declared before the client hole is');
    // The server's ack of req3 settles the client's hole: req2's gap, then res2's, then req3.
    client.peerAck(112, 0);
    assert.deepEqual(log, ['c req1', 's res1', 'c gap 4', 's gap 4', 'c req3']);
    assert.equal(client.holdsAck, false);
  });

  it('a held ack is applied when the flow closes, its hole never settled', () => {
    const { log, client, server, seg } = connection();
    seg(client, 100, 'req1');
    seg(server, 500, 'res1');
    client.holdAck(108, server, 508);
    client.flush(0);
    assert.deepEqual(log, ['c req1', 's res1', 's gap 4', 'c end']);
  });
});
