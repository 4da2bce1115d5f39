import { ShoalError } from '@shoal/model';

/** A worker the hub talks to: its name (the first part of its entry ids) and address. */
export interface WorkerAddress {
  name: string;
  host: string;
  port: number;
  /** `namespace/name` of the worker pod it was found from (worker-pods.ts); absent for `--workers`. */
  pod?: string;
}

/**
 * Parses `--workers NAME=HOST:PORT,…`. The name must be the worker's `--node-name`: entry ids
 * start with it, and /entries/:id is routed by it. IPv6 hosts go in brackets: `b=[fd00::2]:30001`.
 */
export function parseWorkerList(text: string): WorkerAddress[] {
  const list: WorkerAddress[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([^=/\s]+)=(\[[0-9A-Fa-f:.]+\]|[^:[\]\s]+):([0-9]{1,5})$/.exec(item);
    const port = m === null ? NaN : Number(m[3]);
    if (m === null || port < 1 || port > 65535) {
      throw new ShoalError('CLI_ERR_USAGE', `--workers: '${item}' is not NAME=HOST:PORT (e.g. node-a=10.0.0.5:30001)`);
    }
    if (list.some((w) => w.name === m[1])) throw new ShoalError('CLI_ERR_USAGE', `--workers: the name '${m[1]}' is given twice`);
    list.push({ name: m[1]!, host: m[2]!, port });
  }
  return list;
}
