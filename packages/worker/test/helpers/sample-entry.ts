import type { Entry } from '@shoal/model';

/** A realistic HTTP entry with id `w/<n>` and a body that makes records a few hundred bytes. */
export function sampleEntry(n: number, bodyBytes = 200): Entry {
  return {
    id: `w/${n}`,
    stream: `w/tcp/${n % 7}`,
    timestamp: 1_700_000_000_000 + n,
    elapsedMs: 0.5,
    protocol: { name: 'http', version: '1.1', abbr: 'HTTP', layer4: 'tcp' },
    capture: 'af_packet',
    src: { ip: '10.244.1.5', port: 40000 + (n % 1000) },
    dst: { ip: '10.244.2.7', port: 8080 },
    node: { name: 'node-a', ip: '10.0.0.1' },
    worker: 'w',
    summary: { method: 'GET', path: `/items/${n}`, status: 200, text: `GET /items/${n} -> 200` },
    request: { method: 'GET', path: `/items/${n}`, headers: { host: 'api' } },
    response: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(bodyBytes) },
    requestSize: 80,
    responseSize: 120 + bodyBytes,
  };
}
