import type { Entry } from '@shoal/model';

/**
 * An entry of `GET <path> -> 200` on one connection from the client pod (on `nodes[0]`) to the
 * server pod (on `nodes[1]`), as `worker` made it at `ts`: what two nodes' workers both make
 * of a call between them.
 */
export function callEntry(worker: string, ts: number, nodes: [string | undefined, string | undefined] = ['node-2', 'node-1'], path = '/x'): Entry {
  return {
    id: `${worker}/r/${ts}`,
    stream: `${worker}/r/tcp/1`,
    timestamp: ts,
    elapsedMs: 1,
    protocol: { name: 'http', abbr: 'HTTP', layer4: 'tcp' },
    capture: 'ebpf',
    src: { ip: '10.244.2.4', port: 40000, ...(nodes[0] !== undefined ? { node: nodes[0] } : {}) },
    dst: { ip: '10.244.1.3', port: 8080, ...(nodes[1] !== undefined ? { node: nodes[1] } : {}) },
    node: { name: worker, ip: '' },
    worker,
    summary: { method: 'GET', path, status: 200, text: `GET ${path} -> 200` },
    request: null,
    response: null,
    requestSize: 60,
    responseSize: 120,
  };
}
