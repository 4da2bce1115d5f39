/**
 * One `shoal worker` per node, inside the node's namespace (it captures there as a DaemonSet
 * pod with hostNetwork would on a node), targets = the node's pods by namespace path; and the
 * names pushed to each worker with `PUT /resolution` (the hub will push them once it runs; until
 * then the lab does, so entries carry pod names either way).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { WORKER_PORT, type LabPlan, type PlannedNode } from './lab-plan.js';
import { resolutionOf, targetsOf } from './lab-inventory.js';
import { isRunning, startProcess, type LabProcess } from './lab-processes.js';
import type { LabState } from './lab-state.js';

/** The CLI's own launcher, run as `node bin/shoal …`: bin/ beside packages/cli (found by module resolution, as this module may run from the start-up bundle). */
export const SHOAL_BIN = path.join(path.dirname(createRequire(import.meta.url).resolve('@shoal/cli/package.json')), '..', '..', 'bin', 'shoal');

/** Each worker keeps at most this much on disk: a lab is for looking, not for keeping. */
const LAB_STORAGE_LIMIT = '64Mi';

export function workerUrl(node: PlannedNode): string {
  return `http://${node.ip}:${WORKER_PORT}`;
}

/** How the lab's workers run: its token file, and whether with the TLS tracer (`--tls`). */
export interface WorkerSettings {
  tokenFile: string;
  tls: boolean;
}

export function startWorkers(plan: LabPlan, state: LabState, settings: WorkerSettings): Map<string, LabProcess> {
  return new Map(plan.nodes.map((node) => [node.name, startWorker(node, plan, state, settings)]));
}

/**
 * The worker process of `node` as `lab up` runs it; `lab restart` starts it again the same way.
 * With `tls`, its tracer finds the pods' processes in the host's /proc (the default `--proc`: a
 * node namespace shares the host's process IDs, as a worker with hostPID would).
 */
export function startWorker(node: PlannedNode, plan: LabPlan, state: LabState, { tokenFile, tls }: WorkerSettings): LabProcess {
  const targets = state.path(`targets-${node.name}.json`);
  fs.writeFileSync(targets, JSON.stringify(targetsOf(plan, node.name), null, 2) + '\n');
  // The store survives a restart: the same directory is opened again and its entries indexed.
  const dataDir = state.path('workers', node.name);
  fs.mkdirSync(dataDir, { recursive: true });
  return startProcess(state, {
    name: `worker-${node.name}`,
    netns: node.netns,
    command: process.execPath,
    args: [SHOAL_BIN, 'worker', '--port', String(WORKER_PORT), '--host', node.ip, '--interface', 'any', '--targets', targets, '--token-file', tokenFile, '--data-dir', dataDir, '--storage-limit', LAB_STORAGE_LIMIT, '--node-name', node.name, ...(tls ? ['--tls'] : [])],
    env: { NODE_IP: node.ip },
  });
}

/** GET /health with a time limit: the status code, or the error's text. */
export async function health(url: string, timeoutMs = 2000): Promise<{ status: number; body: unknown } | { error: string }> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: res.status, body };
  } catch (err) {
    return { error: (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message };
  }
}

/** Waits (bounded) until every worker in `procs` answers /health; throws naming the first that does not. */
export async function waitForWorkers(plan: LabPlan, procs: Map<string, LabProcess>, state: LabState, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const node of plan.nodes.filter((n) => procs.has(n.name))) {
    const proc = procs.get(node.name)!;
    for (;;) {
      const h = await health(workerUrl(node));
      if ('status' in h) break;
      if (!isRunning(proc.pid, proc.start)) throw new Error(`the worker of ${node.name} exited; see ${state.path('logs', `worker-${node.name}.log`)}`);
      if (Date.now() > deadline) throw new Error(`the worker of ${node.name} does not answer on ${workerUrl(node)}: ${h.error}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** PUT /resolution on the workers of `nodes` (all by default): pod, service, namespace and node names by address. */
export async function pushResolution(plan: LabPlan, token: string, nodes: PlannedNode[] = plan.nodes): Promise<void> {
  const body = JSON.stringify(resolutionOf(plan));
  for (const node of nodes) {
    const res = await fetch(`${workerUrl(node)}/resolution`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`PUT /resolution on ${node.name} answered ${res.status}: ${await res.text()}`);
  }
}

/**
 * Why the hub cannot be started, or null when it can: the hub command is built in parallel with
 * the lab, so the lab asks the CLI itself rather than assuming.
 */
export function hubUnavailable(): string | null {
  // Generous: on a loaded machine starting Node and loading the CLI has taken over 10 s, and a
  // lab that decided too early goes on without its hub and dashboard.
  const r = spawnSync(process.execPath, [SHOAL_BIN, 'hub', '--help'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 ? null : `'shoal hub' is not available yet (shoal hub --help: exit ${r.status ?? r.signal})`;
}

export function startHub(plan: LabPlan, state: LabState, opts: { port: number; tokenFile: string; inventoryFile: string }): LabProcess {
  const workers = plan.nodes.map((n) => `${n.name}=${n.ip}:${WORKER_PORT}`).join(',');
  return startProcess(state, {
    name: 'hub',
    netns: null,
    command: process.execPath,
    args: [SHOAL_BIN, 'hub', '--port', String(opts.port), '--workers', workers, '--worker-token-file', opts.tokenFile, '--inventory', opts.inventoryFile],
  });
}

/** The dashboard's process name in the journal and its log's name: not `front`, the demo's pod. */
export const DASHBOARD = 'dashboard';

/**
 * The dashboard (`shoal front`) on the host, in front of the lab's hub: a recorded process like
 * the hub, so `lab status` reports it and `lab down` stops it with the rest. Users sign in with
 * the token in `tokenFile` (made by `up`), so a restart keeps the printed link valid.
 */
export function startDashboard(state: LabState, opts: { port: number; hubUrl: string; tokenFile: string }): LabProcess {
  return startProcess(state, {
    name: DASHBOARD,
    netns: null,
    command: process.execPath,
    args: [SHOAL_BIN, 'front', '--port', String(opts.port), '--hub', opts.hubUrl, '--token-file', opts.tokenFile],
  });
}
