// bench/filter/corpus.mjs: ~100k realistic entries for the filter benchmark.
//
// The HTTP entries are the real dissected entries of packages/dissect/test/fixtures/http1/
// (nginx, curl, Node servers), re-addressed across a small made-up cluster inventory so that
// pod/service/namespace filters have something to select; one entry in seven is a TCP or UDP
// flow entry shaped as docs/entries.md describes. Deterministic (no Math.random).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '../../packages/dissect/test/fixtures/http1');

const INVENTORY = [
  { ns: 'shop', svc: 'frontend', pods: 3 },
  { ns: 'shop', svc: 'cart', pods: 2 },
  { ns: 'shop', svc: 'catalog', pods: 2 },
  { ns: 'payments', svc: 'ledger', pods: 2 },
  { ns: 'monitoring', svc: 'prometheus', pods: 1 },
  { ns: 'kube-system', svc: 'coredns', pods: 2 },
];

function endpoints() {
  const out = [];
  let octet = 10;
  for (const { ns, svc, pods } of INVENTORY) {
    for (let i = 0; i < pods; i++) {
      const pod = `${svc}-7d9c${i}f-${'abcdefgh'[i]}x${i}q`;
      out.push({ ip: `10.244.1.${octet++}`, name: pod, namespace: ns, pod, service: svc, node: `node-${i % 2}` });
    }
  }
  return out;
}

/** The real HTTP (and TCP flow) entries of the dissector's golden fixtures, bodies dropped. */
export function fixtureEntries() {
  const entries = [];
  for (const f of fs.readdirSync(fixtures).filter((n) => n.endsWith('.expected.json')).sort()) {
    const doc = JSON.parse(fs.readFileSync(path.join(fixtures, f), 'utf8'));
    for (const e of doc.entries) {
      for (const side of ['request', 'response']) {
        if (e[side] && typeof e[side].body === 'string') e[side] = { ...e[side], body: e[side].body.slice(0, 256) };
      }
      entries.push(e);
    }
  }
  return entries;
}

function flowEntry(i, l4, src, dst, t) {
  const up = { packets: 3 + (i % 7), bytes: 40 * (i % 50), flags: l4 === 'tcp' ? ['SYN', 'ACK', 'PSH', 'FIN'] : [] };
  const down = { packets: 2 + (i % 5), bytes: 90 * (i % 30), flags: l4 === 'tcp' ? ['SYN', 'ACK', 'FIN'] : [] };
  const label = l4.toUpperCase();
  return {
    id: `node-a/${i}`, stream: `node-a/${l4}/${i}`, timestamp: t, elapsedMs: (i % 997) * 0.731,
    protocol: { name: l4, abbr: label, layer4: l4 }, capture: 'af_packet', src, dst,
    node: { name: 'node-a', ip: '192.168.49.2' }, worker: 'node-a',
    summary: { text: `${label} ${src.ip}:${src.port} -> ${dst.ip}:${dst.port}: ${up.packets + down.packets} packets, ${up.bytes + down.bytes} bytes` },
    request: up, response: down, requestSize: up.bytes, responseSize: down.bytes,
  };
}

/** `n` entries: 6 of 7 are re-addressed fixture HTTP entries, 1 of 7 a TCP/UDP flow. */
export function makeCorpus(n = 100_000) {
  const http = fixtureEntries().filter((e) => e.protocol.name === 'http');
  const eps = endpoints();
  const t0 = Date.UTC(2026, 0, 15, 9, 0, 0);
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const a = eps[(i * 7) % eps.length];
    const b = eps[(i * 13 + 5) % eps.length];
    const src = { ...a, port: 32768 + (i % 28000) };
    const t = t0 + i * 0.37;
    if (i % 7 === 6) {
      const l4 = i % 3 === 0 ? 'udp' : 'tcp';
      out[i] = flowEntry(i, l4, src, { ...b, port: l4 === 'udp' ? 53 : 5432 }, t);
      continue;
    }
    const tpl = http[i % http.length];
    out[i] = {
      ...tpl, id: `node-a/${i}`, stream: `node-a/tcp/${i >> 3}`, timestamp: t,
      capture: 'af_packet', src, dst: { ...b, port: 8080 },
      node: { name: 'node-a', ip: '192.168.49.2' }, worker: 'node-a',
    };
  }
  return out;
}
