/**
 * Entries to filter, built like the real ones: HTTP entries are read from the dissector's golden
 * fixtures (real nginx/curl/Node traffic, packages/dissect/test/fixtures/http1/*.expected.json);
 * flow entries and cluster resolution are filled in as docs/entries.md describes them.
 */

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Endpoint, Entry } from '@shoal/model';

const FIXTURES = fileURLToPath(new URL('../../dissect/test/fixtures/http1/', import.meta.url));

export function fixture(name: string): Entry[] {
  const doc = JSON.parse(fs.readFileSync(`${FIXTURES}${name}.expected.json`, 'utf8')) as { entries: Entry[] };
  return doc.entries;
}

function pick(name: string, id: string): Entry {
  const e = fixture(name).find((x) => x.id === id);
  if (!e) throw new Error(`fixture ${name} has no entry ${id}`);
  return structuredClone(e);
}

const keepAlive = (id: string): Entry => pick('keep-alive', id);

/** `GET / -> 200` on loopback, as `shoal dissect` printed it: nothing resolved. */
export const plainGet = (): Entry => keepAlive('dissect/1');

/** `GET /missing -> 404` on loopback. */
export const notFound = (): Entry => keepAlive('dissect/3');

function endpoint(ep: Endpoint, pod: string, service: string, namespace: string): Endpoint {
  return { ...ep, name: pod, pod, service, namespace, node: 'node-a' };
}

/**
 * `POST /api/orders -> 201` (JSON request body) seen live on a node, with both sides resolved:
 * the client is pod `frontend-7d9c4-x2` in `shop`, the server pod `ledger-5f6b-q9` of service
 * `ledger` in `payments`.
 */
export function resolvedPost(): Entry {
  const e = keepAlive('dissect/4');
  e.id = 'node-a/42';
  e.stream = 'node-a/tcp/7';
  e.capture = 'af_packet';
  e.worker = 'node-a';
  e.node = { name: 'node-a', ip: '192.168.49.2' };
  e.src = endpoint({ ip: '10.244.1.12', port: 51234 }, 'frontend-7d9c4-x2', 'frontend', 'shop');
  e.dst = endpoint({ ip: '10.244.2.31', port: 8080 }, 'ledger-5f6b-q9', 'ledger', 'payments');
  return e;
}

/** The response of a transaction whose request was lost in a capture gap (`DIS_ERR_GAP`). */
export const lostRequest = (): Entry => pick('gap-request', 'dissect/2');

/** A request that never got its response (`DIS_ERR_NO_RESPONSE`): as the dissector emits it. */
export function noResponse(): Entry {
  const e = keepAlive('dissect/2');
  e.response = null;
  e.responseSize = 0;
  e.elapsedMs = 0;
  e.summary = { method: 'GET', path: '/api/users', text: 'GET /api/users -> no response' };
  e.malformed = { code: 'DIS_ERR_NO_RESPONSE', at: 'response' };
  return e;
}

/**
 * A TCP connection no dissector claimed: the flow entry the engine wrote for the connection of
 * http1/websocket.pcap before WebSocket had a dissector (its messages are `ws` entries now).
 */
export function tcpFlow(): Entry {
  const flags = ['SYN', 'ACK', 'PSH', 'FIN'];
  return {
    id: 'dissect/2', stream: 'dissect/tcp/1', timestamp: 1795671632379.267, elapsedMs: 62.006,
    protocol: { name: 'tcp', abbr: 'TCP', layer4: 'tcp' }, capture: 'pcap_file',
    src: { ip: '127.0.0.1', port: 35514 }, dst: { ip: '127.0.0.1', port: 40757 }, node: { name: '', ip: '' }, worker: 'dissect',
    summary: { text: 'TCP 127.0.0.1:35514 -> 127.0.0.1:40757: 13 packets, 364 bytes' },
    request: { packets: 7, bytes: 194, flags }, response: { packets: 6, bytes: 170, flags }, requestSize: 194, responseSize: 170,
  };
}

/** A DNS-like UDP conversation no dissector claimed, resolved on the client side only. */
export function udpFlow(): Entry {
  const src = { ip: '10.244.1.12', port: 40512, name: 'frontend-7d9c4-x2', namespace: 'shop', pod: 'frontend-7d9c4-x2' };
  const dst = { ip: '10.96.0.10', port: 53, name: 'kube-dns', namespace: 'kube-system', service: 'kube-dns' };
  return {
    id: 'node-a/43', stream: 'node-a/udp/3', timestamp: Date.UTC(2026, 0, 15, 9, 30, 0, 250.5), elapsedMs: 1.25,
    protocol: { name: 'udp', abbr: 'UDP', layer4: 'udp' }, capture: 'ebpf', src, dst,
    node: { name: 'node-b', ip: '192.168.49.3' }, worker: 'node-b',
    summary: { text: 'UDP 10.244.1.12:40512 -> 10.96.0.10:53: 2 packets, 121 bytes' },
    request: { packets: 1, bytes: 40, flags: [] }, response: { packets: 1, bytes: 81, flags: [] },
    requestSize: 40, responseSize: 81,
  };
}

/** An entry of another protocol (those without a dissector yet), shaped like a flow entry. */
export function ofProtocol(name: string): Entry {
  const e = tcpFlow();
  e.protocol = { name, abbr: name.toUpperCase(), layer4: name === 'dns' || name === 'radius' ? 'udp' : 'tcp' };
  return e;
}
