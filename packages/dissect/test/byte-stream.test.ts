/**
 * DissectEngine.openStream: a TCP stream fed as in-order bytes (the TLS tracer's plaintext), not
 * packets. The same detection and dissectors run; entries carry the capture the stream was
 * opened with and its two ends; a gap is a gap; the stream times out like a packet flow.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Entry } from '@shoal/model';
import { DEFAULT_ENGINE_OPTIONS, DissectEngine, defaultRegistry, type StreamEnd } from '../dist/index.js';

const CLIENT: StreamEnd = { version: 4, words: Uint32Array.of(0x0af70302, 0, 0, 0), port: 51000 }; // 10.247.3.2
const SERVER: StreamEnd = { version: 4, words: Uint32Array.of(0x0af70301, 0, 0, 0), port: 443 }; // 10.247.3.1
const CLIENT6: StreamEnd = { version: 6, words: Uint32Array.of(0xfd000000, 0, 0, 0x2), port: 51000 }; // fd00::2
const SERVER6: StreamEnd = { version: 6, words: Uint32Array.of(0xfd000000, 0, 0, 0x1), port: 443 }; // fd00::1

function engine(): { engine: DissectEngine; entries: Entry[] } {
  const entries: Entry[] = [];
  const e = new DissectEngine({ ...DEFAULT_ENGINE_OPTIONS, registry: defaultRegistry(), worker: 'w/run' }, (entry) => entries.push(entry));
  return { engine: e, entries };
}

describe('engine byte streams (openStream)', () => {
  it('an HTTP/1.1 exchange in small pieces becomes one entry with the stream\'s capture and ends', () => {
    const { engine: e, entries } = engine();
    const s = e.openStream(CLIENT, SERVER, 1000, 'ebpf_tls');
    const request = Buffer.from('POST /orders HTTP/1.1\r\nHost: shop\r\nContent-Length: 11\r\n\r\n{"item":42}');
    for (let i = 0; i < request.length; i += 7) s.data(0, request.subarray(i, i + 7), 1000 + i);
    s.data(1, Buffer.from('HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok'), 1200);
    s.end(1300);
    assert.equal(entries.length, 1);
    const entry = entries[0]!;
    assert.equal(entry.capture, 'ebpf_tls');
    assert.deepEqual([entry.protocol.name, entry.summary.method, entry.summary.path, entry.summary.status], ['http', 'POST', '/orders', 201]);
    assert.deepEqual([entry.src.ip, entry.src.port, entry.dst.ip, entry.dst.port], ['10.247.3.2', 51000, '10.247.3.1', 443]);
    assert.match(entry.stream, /^w\/run\/tls\/\d+$/);
  });

  it('the server end may be the stream\'s first (over IPv6 here): detection finds the client by the messages', () => {
    const { engine: e, entries } = engine();
    const s = e.openStream(SERVER6, CLIENT6, 1000, 'ebpf_tls');
    s.data(1, Buffer.from('GET /a HTTP/1.1\r\nHost: x\r\n\r\n'), 1000);
    s.data(0, Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), 1001);
    s.end(1002);
    assert.deepEqual([entries[0]!.src.ip, entries[0]!.dst.ip, entries[0]!.dst.port], ['fd00::2', 'fd00::1', 443]);
  });

  it('a gap between two requests: the dissector hears of it, and the request after it still comes out', () => {
    const { engine: e, entries } = engine();
    const s = e.openStream(CLIENT, SERVER, 1000, 'ebpf_tls');
    s.data(0, Buffer.from('GET /one HTTP/1.1\r\nHost: x\r\n\r\n'), 1000);
    s.data(1, Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), 1001);
    s.gap(0, 500, 1002);
    s.gap(1, 300, 1002);
    s.data(0, Buffer.from('GET /three HTTP/1.1\r\nHost: x\r\n\r\n'), 1003);
    s.data(1, Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'), 1004);
    s.end(1005);
    assert.deepEqual(entries.map((x) => x.summary.path), ['/one', undefined, '/three']);
    assert.ok(entries[1]!.malformed !== undefined, `the lost exchange is marked: ${JSON.stringify(entries[1])}`);
  });

  it('a silent stream is ended by the idle timeout, as a packet flow is', () => {
    const { engine: e, entries } = engine();
    const s = e.openStream(CLIENT, SERVER, 1000, 'ebpf_tls');
    s.data(0, Buffer.from('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n'), 1000);
    e.advanceClock(1000 + DEFAULT_ENGINE_OPTIONS.tcpIdleTimeoutMs + 2000);
    assert.deepEqual(entries.map((x) => [x.summary.path, x.response]), [['/slow', null]]);
    s.data(1, Buffer.from('HTTP/1.1 200 OK\r\n\r\n'), 200_000); // after its end: ignored
    assert.equal(entries.length, 1);
  });
});
