/**
 * Records into connections (src/tls-connections.ts), deterministically: records made here as
 * the kernel side makes them (pieces with their stream offsets, a write bound to its socket
 * later, both ends of one connection), the streams checked byte for byte. No root, no kernel.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TlsEndpoint, TlsRecord } from '@shoal/capture';
import { TlsConnections, MAX_PENDING_BYTES, PENDING_LIMIT_MS } from '../dist/tls-connections.js';
import { StreamsSink } from './helpers/streams-sink.js';

function v4(text: string, port: number): TlsEndpoint {
  const [a, b, c, d] = text.split('.').map(Number) as [number, number, number, number];
  return { version: 4, words: Uint32Array.of(((a << 24) | (b << 16) | (c << 8) | d) >>> 0, 0, 0, 0), port };
}

const CLIENT = v4('10.0.0.2', 40000);
const SERVER = v4('10.0.0.1', 443);

let clock = 1_000;

function record(fields: Partial<TlsRecord> & Pick<TlsRecord, 'kind'>): TlsRecord {
  return {
    timestampMs: clock++,
    pid: 10,
    tid: 10,
    comm: 'client',
    netns: 1,
    ssl: 0xabc,
    direction: 'write',
    streamOffset: 0,
    callLength: 0,
    fd: 3,
    tupleSource: 'call',
    local: CLIENT,
    remote: SERVER,
    data: Buffer.alloc(0),
    ...fields,
  };
}

function data(text: string, fields: Partial<TlsRecord> = {}): TlsRecord {
  return record({ kind: 'data', data: Buffer.from(text), callLength: text.length, ...fields });
}

describe('TLS connections from records', () => {
  it('joins the pieces of a large call, in both directions, with the traced end as direction 0', () => {
    const sink = new StreamsSink();
    const c = new TlsConnections(sink);
    c.onRecord(data('a'.repeat(16384), { callLength: 40000 }));
    c.onRecord(data('b'.repeat(16384), { callLength: 40000, streamOffset: 16384 }));
    c.onRecord(data('c'.repeat(7232), { callLength: 40000, streamOffset: 32768 }));
    c.onRecord(data('HTTP/1.1 200 OK\r\n', { direction: 'read' }));
    c.onRecord(record({ kind: 'close' }));
    assert.equal(sink.streams.length, 1);
    const s = sink.streams[0]!;
    assert.equal(s.local, '10.0.0.2:40000');
    assert.equal(s.remote, '10.0.0.1:443');
    assert.equal(StreamsSink.text(s, 0), 'a'.repeat(16384) + 'b'.repeat(16384) + 'c'.repeat(7232));
    assert.equal(StreamsSink.text(s, 1), 'HTTP/1.1 200 OK\r\n');
    assert.equal(s.gaps, 0);
    assert.equal(s.ended, true);
    assert.equal(c.size, 0);
  });

  it('a piece the kernel lost is a gap of its exact size, and a piece seen twice is not delivered twice', () => {
    const sink = new StreamsSink();
    const gaps: number[] = [];
    const c = new TlsConnections({
      open: (conn) => {
        const inner = sink.open(conn);
        return { ...inner, gap: (d, length, t) => (gaps.push(length), inner.gap(d, length, t)) };
      },
    });
    c.onRecord(data('0123456789'));
    c.onRecord(data('xyz', { streamOffset: 25 })); // 10..25 lost
    c.onRecord(data('yzAB', { streamOffset: 26 })); // "yz" again, then new bytes
    assert.deepEqual(gaps, [15]);
    assert.equal(StreamsSink.text(sink.streams[0]!, 0), '0123456789xyzAB');
    // Counted for the pod of the connection (its network namespace), for /stats and the status bar.
    assert.deepEqual([...c.lostByNamespace], [[1, { gaps: 1, bytes: 15 }]]);
  });

  it('a write without addresses waits for its bind, and comes before what follows', () => {
    const sink = new StreamsSink();
    const c = new TlsConnections(sink);
    c.onRecord(data('POST / HTTP/1.1\r\n', { local: null, remote: null, tupleSource: 'none', fd: -1 }));
    assert.equal(sink.streams.length, 0, 'nothing before the addresses are known');
    c.onRecord(record({ kind: 'bind', data: Buffer.alloc(0) }));
    c.onRecord(data('HTTP/1.1 204 No Content\r\n', { direction: 'read', tupleSource: 'cached' }));
    assert.equal(sink.streams.length, 1);
    assert.equal(StreamsSink.text(sink.streams[0]!, 0), 'POST / HTTP/1.1\r\n');
    assert.equal(StreamsSink.text(sink.streams[0]!, 1), 'HTTP/1.1 204 No Content\r\n');
  });

  it('records that never find their addresses are dropped and counted, after a while or past the byte limit', () => {
    const sink = new StreamsSink();
    const c = new TlsConnections(sink);
    const unbound = { local: null, remote: null, tupleSource: 'none' as const };
    c.onRecord(data('waits', unbound));
    c.sweep(clock + PENDING_LIMIT_MS + 1, 10 * PENDING_LIMIT_MS);
    assert.equal(c.counters.unboundBytes, 5);
    c.onRecord(data('x'.repeat(MAX_PENDING_BYTES), { ...unbound, ssl: 0xdef }));
    c.onRecord(data('y', { ...unbound, ssl: 0xdef, streamOffset: MAX_PENDING_BYTES }));
    assert.equal(c.counters.unboundBytes, 5 + MAX_PENDING_BYTES + 1);
    assert.equal(sink.streams.length, 0);
  });

  it('both ends traced: one stream, the first end seen; the other end counted as duplicate bytes', () => {
    const sink = new StreamsSink();
    const c = new TlsConnections(sink);
    c.onRecord(data('GET / HTTP/1.1\r\n\r\n'));
    c.onRecord(data('GET / HTTP/1.1\r\n\r\n', { pid: 20, comm: 'server', ssl: 0x999, direction: 'read', local: SERVER, remote: CLIENT }));
    c.onRecord(data('HTTP/1.1 204 No Content\r\n\r\n', { pid: 20, comm: 'server', ssl: 0x999, local: SERVER, remote: CLIENT }));
    c.onRecord(data('HTTP/1.1 204 No Content\r\n\r\n', { direction: 'read' }));
    assert.equal(sink.streams.length, 1);
    assert.equal(sink.streams[0]!.connection.comm, 'client');
    assert.equal(c.counters.duplicateBytes, 18 + 27);
    assert.equal(c.counters.connections, 1);
    assert.ok(c.decrypted('10.0.0.1:443', '10.0.0.2:40000') && c.decrypted('10.0.0.2:40000', '10.0.0.1:443'));
    assert.equal(c.decrypted('10.0.0.1:443', '10.0.0.2:40001'), false);
  });

  it('an SSL object reused for another connection ends the first stream and starts another', () => {
    const sink = new StreamsSink();
    const c = new TlsConnections(sink);
    c.onRecord(data('first'));
    c.onRecord(data('second', { local: v4('10.0.0.2', 40001) }));
    c.onRecord(data('third', { local: v4('10.0.0.2', 40001), streamOffset: 0, direction: 'write', ssl: 0xabc, callLength: 5 }));
    assert.deepEqual(
      sink.streams.map((s) => [s.local, StreamsSink.text(s, 0), s.ended]),
      [
        ['10.0.0.2:40000', 'first', true],
        ['10.0.0.2:40001', 'second', true],
        ['10.0.0.2:40001', 'third', false],
      ],
    );
  });

  it("a process's exit, and silence, end its connections", () => {
    const sink = new StreamsSink();
    const c = new TlsConnections(sink);
    c.onRecord(data('one'));
    c.onRecord(data('two', { pid: 11, ssl: 0x1, local: v4('10.0.0.3', 40000) }));
    c.endProcess(10, clock);
    assert.deepEqual(sink.streams.map((s) => s.ended), [true, false]);
    c.sweep(clock + 60_001, 60_000);
    assert.deepEqual(sink.streams.map((s) => s.ended), [true, true]);
    assert.equal(c.size, 0);
  });

  it('an IPv4 peer of a dual-stack socket is shown with its IPv4 address, as the packets carry it', () => {
    const sink = new StreamsSink();
    const c = new TlsConnections(sink);
    const mapped = (text: string, port: number): TlsEndpoint => ({ version: 6, words: Uint32Array.of(0, 0, 0xffff, v4(text, port).words[0]!), port });
    c.onRecord(data('hi', { local: mapped('10.0.0.1', 443), remote: mapped('10.0.0.2', 40000) }));
    assert.equal(sink.streams[0]!.local, '10.0.0.1:443');
    assert.equal(sink.streams[0]!.remote, '10.0.0.2:40000');
  });
});
