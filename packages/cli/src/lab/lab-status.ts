/**
 * `lab status`: what a lab holds now, checked rather than remembered — namespaces present,
 * pod processes running, each worker's /health, the hub's port, the dashboard.
 */
import { LabState } from './lab-state.js';
import { listNetns } from './lab-network.js';
import { isRunning } from './lab-processes.js';
import { health } from './lab-workers.js';

export async function labStatus(stateDir: string): Promise<{ text: string; found: boolean }> {
  const state = new LabState(stateDir);
  if (!state.exists()) return { text: `no lab recorded in ${stateDir}\n`, found: false };
  const summary = state.summary();
  const records = state.records();
  if (summary === null) {
    const made = records.filter((r) => r.kind !== 'process').length;
    const procs = records.filter((r) => r.kind === 'process').length;
    return { text: `lab in ${stateDir} is incomplete ('up' did not finish): ${made} namespaces/links and ${procs} processes recorded; run 'shoal lab down'\n`, found: true };
  }
  const { plan } = summary;
  const netns = new Set(listNetns());
  const running = (name: string) => {
    const rec = records.filter((r) => r.kind === 'process' && r.name === name).at(-1);
    if (rec === undefined || rec.kind !== 'process') return 'not started';
    return isRunning(rec.pid, rec.start) ? `running (pid ${rec.pid})` : 'exited';
  };
  const lines = [`lab '${plan.prefix}' (state ${summary.stateDir})`, '', 'nodes:'];
  for (const n of plan.nodes) lines.push(`  ${n.name.padEnd(8)} ${n.ip.padEnd(14)} pods ${n.podCidr.padEnd(16)} netns ${n.netns} ${netns.has(n.netns) ? 'present' : 'MISSING'}`);
  lines.push('', 'pods:');
  for (const p of plan.pods) lines.push(`  ${`${p.namespace}/${p.name}`.padEnd(20)} ${p.node.padEnd(8)} ${p.ip.padEnd(14)} ${summary.workload === 'demo' ? running(p.name) : '-'}`);
  lines.push('', 'workers:');
  for (const w of summary.workers) {
    const h = await health(w.url);
    const text = 'error' in h ? `unreachable: ${h.error}` : `/health ${h.status} ${JSON.stringify(h.body)}`;
    lines.push(`  ${w.node.padEnd(8)} ${w.url.padEnd(26)} ${running(`worker-${w.node}`)}; ${text}`);
  }
  lines.push('');
  if ('unavailable' in summary.hub) lines.push(`hub: not started: ${summary.hub.unavailable}`);
  else {
    const h = await health(summary.hub.url);
    lines.push(`hub: ${summary.hub.url} ${running('hub')}; ${'error' in h ? `unreachable: ${h.error}` : `/health ${h.status}`}`);
  }
  // A lab recorded before the dashboard was part of it has no `front`.
  const front = summary.front ?? { unavailable: 'not part of this lab' };
  if ('unavailable' in front) lines.push(`dashboard: not started: ${front.unavailable}`);
  else {
    // The hub's /health through the dashboard's proxy: both answer, or the line says which not.
    const h = await health(`${front.url}/api`);
    lines.push(`dashboard: ${front.url} ${running('front')}; ${'error' in h ? `unreachable: ${h.error}` : `/api/health ${h.status}`}`);
  }
  lines.push(`token file: ${summary.tokenFile}`, `inventory:  ${summary.inventoryFile}`);
  return { text: lines.join('\n') + '\n', found: true };
}
