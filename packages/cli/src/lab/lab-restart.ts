/**
 * `lab restart NAME`: stops one of the lab's workers, its hub or its dashboard (if it still runs) and starts it
 * again exactly as `up` did, with the same arguments, token, inventory and store directory, then
 * waits until it answers. It is how a user (or a test) sees the hub reconnect to a worker that
 * returns, or clients reconnect to a hub that returns. The new process is recorded like the first,
 * so `status` shows it and `down` stops it.
 */
import * as fs from 'node:fs';
import { LabState } from './lab-state.js';
import { isRunning, stopProcesses, waitForTcp, type LabProcess } from './lab-processes.js';
import { DASHBOARD, pushResolution, startDashboard, startHub, startWorker, waitForWorkers } from './lab-workers.js';

/** What cannot be restarted, and why (the CLI prints the message, exit 1). */
export class RestartRefused extends Error {}

/** The names `restart` takes: each worker's process name, `hub` and `dashboard` (when they run). */
export function restartableNames(state: LabState): string[] {
  const summary = state.summary();
  if (summary === null) return [];
  return [...summary.plan.nodes.map((n) => `worker-${n.name}`), ...('url' in summary.hub ? ['hub'] : []), ...(summary.dashboard !== undefined && 'url' in summary.dashboard ? [DASHBOARD] : [])];
}

export async function labRestart(stateDir: string, name: string): Promise<LabProcess> {
  const state = new LabState(stateDir);
  const summary = state.summary();
  if (summary === null) throw new RestartRefused(state.exists() ? `the lab in ${stateDir} is incomplete ('up' did not finish): run 'shoal lab down'` : `no lab recorded in ${stateDir}`);
  const names = restartableNames(state);
  if (!names.includes(name)) throw new RestartRefused(`'${name}' is not a process 'restart' knows; this lab has: ${names.join(', ')}`);

  const last = state.records().filter((r) => r.kind === 'process' && r.name === name).at(-1);
  if (last !== undefined && last.kind === 'process' && isRunning(last.pid, last.start)) await stopProcesses([{ pid: last.pid, start: last.start }]);

  const tokenFile = summary.tokenFile;
  if (name === 'hub') {
    const { url } = summary.hub as { url: string };
    const port = Number(new URL(url).port);
    const proc = startHub(summary.plan, state, { port, tokenFile, inventoryFile: summary.inventoryFile });
    await waitForTcp('127.0.0.1', port, () => isRunning(proc.pid, proc.start), 'the hub');
    state.writeSummary({ ...summary, hub: { url, pid: proc.pid } });
    return proc;
  }
  if (name === DASHBOARD && 'url' in summary.dashboard && 'url' in summary.hub) {
    const { url, tokenFile } = summary.dashboard;
    const port = Number(new URL(url).port);
    const proc = startDashboard(state, { port, hubUrl: summary.hub.url, tokenFile });
    await waitForTcp('127.0.0.1', port, () => isRunning(proc.pid, proc.start), 'the dashboard');
    state.writeSummary({ ...summary, dashboard: { url, pid: proc.pid, tokenFile } });
    return proc;
  }
  const node = summary.plan.nodes.find((n) => `worker-${n.name}` === name)!;
  const proc = startWorker(node, summary.plan, state, { tokenFile, tls: summary.tls ?? false });
  await waitForWorkers(summary.plan, new Map([[node.name, proc]]), state);
  // As `up` does, so its first entries are named even before the hub pushes its table.
  await pushResolution(summary.plan, fs.readFileSync(tokenFile, 'utf8').trim(), [node]);
  return proc;
}
