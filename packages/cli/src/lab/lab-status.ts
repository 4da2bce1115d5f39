/**
 * `lab status`: what a lab holds now, checked rather than remembered — namespaces present,
 * pod processes running, each worker's /health (with its TLS tracer's state), the hub's port,
 * the dashboard.
 */
import * as fs from 'node:fs';
import { FRONT_SIGN_IN_PATH, FRONT_SIGN_OUT_PATH } from '@shoal/model';
import { LabState } from './lab-state.js';
import { listNetns } from './lab-network.js';
import { isRunning } from './lab-processes.js';
import { DASHBOARD, health } from './lab-workers.js';
import { signInLink } from '../front/sign-in-link.js';

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
  const tls = summary.tls === true ? 'workers with the TLS tracer (--tls)' : 'workers without the TLS tracer';
  const lines = [`lab '${plan.prefix}' (state ${summary.stateDir}), ${tls}`, '', 'nodes:'];
  for (const n of plan.nodes) lines.push(`  ${n.name.padEnd(8)} ${n.ip.padEnd(14)} pods ${n.podCidr.padEnd(16)} netns ${n.netns} ${netns.has(n.netns) ? 'present' : 'MISSING'}`);
  lines.push('', 'pods:');
  for (const p of plan.pods) lines.push(`  ${`${p.namespace}/${p.name}`.padEnd(20)} ${p.node.padEnd(8)} ${p.ip.padEnd(14)} ${summary.workload === 'demo' ? running(p.name) : '-'}`);
  lines.push('', 'workers:');
  for (const w of summary.workers) {
    const h = await health(w.url);
    const text = 'error' in h ? `unreachable: ${h.error}` : `/health ${h.status} ${JSON.stringify(h.body)}`;
    lines.push(`  ${w.node.padEnd(8)} ${w.url.padEnd(26)} ${running(`worker-${w.node}`)}; ${text}`);
    if (!('error' in h)) lines.push(`           TLS tracer ${tracerState(h.body)}`);
  }
  lines.push('');
  if ('unavailable' in summary.hub) lines.push(`hub: not started: ${summary.hub.unavailable}`);
  else {
    const h = await health(summary.hub.url);
    lines.push(`hub: ${summary.hub.url} ${running('hub')}; ${'error' in h ? `unreachable: ${h.error}` : `/health ${h.status}`}`);
  }
  // A lab recorded before the dashboard had its own name has no `dashboard`.
  const dashboard = summary.dashboard ?? { unavailable: 'not part of this lab' };
  if ('unavailable' in dashboard) lines.push(`dashboard: not started: ${dashboard.unavailable}`);
  else {
    const token = readToken(dashboard.tokenFile);
    const h = token === undefined ? { error: `no sign-in token in ${dashboard.tokenFile}` } : await dashboardHealth(dashboard.url, token);
    lines.push(`dashboard: ${dashboard.url} ${running(DASHBOARD)}; ${'error' in h ? `unreachable: ${h.error}` : `signed in, /api/health ${h.status}`}`);
    if (token !== undefined) lines.push(`  sign in: ${signInLink(dashboard.url, token)}`);
  }
  lines.push(`token file: ${summary.tokenFile}`, `inventory:  ${summary.inventoryFile}`);
  return { text: lines.join('\n') + '\n', found: true };
}

/** The tracer's state in a worker's /health (`tls`, docs/api.md): `on`, `off`, or `unavailable: why`. */
function tracerState(body: unknown): string {
  const tls = (body as { tls?: { state?: string; reason?: string | null } } | null)?.tls;
  if (tls?.state === undefined) return 'not reported';
  return tls.state === 'unavailable' ? `unavailable: ${tls.reason ?? 'no reason given'}` : tls.state;
}

function readToken(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The hub's /health through the dashboard, as a user gets it: signed in with the lab's token,
 * then signed out again (the session is not left behind). Every step has a time limit.
 */
async function dashboardHealth(url: string, token: string): Promise<{ status: number } | { error: string }> {
  const limit = () => AbortSignal.timeout(5000);
  try {
    const signIn = await fetch(`${url}${FRONT_SIGN_IN_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }), signal: limit() });
    if (signIn.status !== 204) return { error: `sign-in answered ${signIn.status}: ${(await signIn.text()).slice(0, 200)}` };
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const res = await fetch(`${url}/api/health`, { headers: { cookie }, signal: limit() });
    await res.arrayBuffer();
    await fetch(`${url}${FRONT_SIGN_OUT_PATH}`, { method: 'POST', headers: { cookie }, signal: limit() });
    return { status: res.status };
  } catch (err) {
    return { error: (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message };
  }
}
