/**
 * `lab up`: checks what it needs, then builds in order — inventory and token, network, workers
 * (then their names), demo workload, hub — recording each object before making it
 * (lab-state.ts). A failure stops the build where it is; `lab down` removes what was made.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { planLab, WORKER_PORT, type LabPlan } from './lab-plan.js';
import { LabState, type LabSummary } from './lab-state.js';
import { buildNetwork, conflictingRoutes, listLinks, listNetns } from './lab-network.js';
import { inventoryOf } from './lab-inventory.js';
import { startDemoWorkload, type TrafficLimits } from './demo-workload.js';
import { isListening, isRunning, waitForTcp } from './lab-processes.js';
import { DASHBOARD, hubUnavailable, pushResolution, startDashboard, startHub, startWorkers, waitForWorkers, workerUrl } from './lab-workers.js';
import { newSignInToken } from '../token-option.js';
import { labObjectNames } from './lab-down.js';

export interface UpOptions {
  prefix: string;
  stateDir: string;
  nodes: number;
  workload: 'demo' | 'none';
  /** The workers run the TLS tracer (`shoal worker --tls`). */
  tls: boolean;
  base: number;
  hubPort: number;
  /** The dashboard's port on the host. */
  frontPort: number;
  traffic: TrafficLimits;
  /** Progress lines (what is being built). */
  progress: (line: string) => void;
}

/** `up` refused before making anything: there is nothing for `down` to remove. */
export class LabNotStarted extends Error {}

/** Why `up` cannot start here, or null. */
function missingTools(workload: UpOptions['workload']): string | null {
  if (process.getuid?.() !== 0) return 'the lab needs root (network namespaces, veths, capture)';
  const tools: [string, string[], string][] = [
    ['ip', ['-V'], 'iproute2'],
    ['ethtool', ['--version'], 'ethtool'],
  ];
  if (workload === 'demo') tools.push(['dnsmasq', ['--version'], 'dnsmasq-base'], ['redis-server', ['--version'], 'redis-server'], ['openssl', ['version'], 'openssl']);
  for (const [tool, args, pkg] of tools) {
    if (spawnSync(tool, args, { stdio: 'ignore', timeout: 10_000 }).error !== undefined) return `${tool} is missing: apt-get install ${pkg} (or make setup)`;
  }
  return null;
}

/** Why this lab would collide with what exists, or null. */
function collision(plan: LabPlan, state: LabState): string | null {
  if (state.exists()) return `a lab is already recorded in ${state.dir}: run 'shoal lab down --prefix ${plan.prefix}' first`;
  // 'down' removes the state directory whole: it must be the lab's own.
  if (fs.existsSync(state.dir) && fs.readdirSync(state.dir).length > 0) return `${state.dir} already holds files: give --state-dir a new or empty directory`;
  const present = labObjectNames(plan.prefix, listNetns(), listLinks());
  if (present.length > 0) return `objects with the prefix '${plan.prefix}' exist (${present.slice(0, 3).join(', ')}…): run 'shoal lab down --prefix ${plan.prefix}'`;
  const routes = conflictingRoutes(plan);
  if (routes.length > 0) return `the host already routes the lab's subnets (${routes.join('; ')}): choose another --subnet-base`;
  return null;
}

export async function labUp(o: UpOptions): Promise<LabSummary> {
  const missing = missingTools(o.workload);
  if (missing !== null) throw new LabNotStarted(missing);
  let plan: LabPlan;
  try {
    plan = planLab(o.prefix, o.nodes, o.base);
  } catch (err) {
    throw new LabNotStarted((err as Error).message);
  }
  const state = new LabState(o.stateDir);
  const clash = collision(plan, state);
  if (clash !== null) throw new LabNotStarted(clash);
  state.create();

  const tokenFile = state.path('token');
  fs.writeFileSync(tokenFile, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
  const inventoryFile = state.path('inventory.json');
  fs.writeFileSync(inventoryFile, JSON.stringify(inventoryOf(plan), null, 2) + '\n');

  o.progress(`network: ${plan.nodes.length} node namespaces, ${plan.pods.length} pods (MTU 1500, offloads off)`);
  buildNetwork(plan, state);
  // Workers before the workload, so they see its connections open (not joined mid-stream)
  // and name its first calls.
  o.progress(`workers: one per node namespace on :${WORKER_PORT}${o.tls ? ', with the TLS tracer (--tls)' : ''}`);
  const workers = startWorkers(plan, state, { tokenFile, tls: o.tls });
  await waitForWorkers(plan, workers, state);
  await pushResolution(plan, fs.readFileSync(tokenFile, 'utf8').trim());
  if (o.workload === 'demo') {
    o.progress('demo workload: dnsmasq, redis-server, postgres, mosquitto (MQTT), users, catalog (gRPC), payments (HTTP/2), reviews (GraphQL), events (WebSocket), auth (HTTPS), orders, front, traffic generator, monitor');
    await startDemoWorkload(plan, state, o.traffic);
  }

  let hub: LabSummary['hub'];
  let dashboard: LabSummary['dashboard'];
  const why = hubUnavailable();
  if (why !== null) {
    hub = { unavailable: why };
    dashboard = { unavailable: why };
  } else {
    o.progress(`hub: on the host, port ${o.hubPort}`);
    const proc = startHub(plan, state, { port: o.hubPort, tokenFile, inventoryFile });
    await waitForTcp('127.0.0.1', o.hubPort, () => isRunning(proc.pid, proc.start), 'the hub');
    hub = { url: `http://127.0.0.1:${o.hubPort}`, pid: proc.pid };
    dashboard = await startLabDashboard(state, o.frontPort, hub.url, o.progress);
  }

  const summary: LabSummary = {
    plan,
    stateDir: state.dir,
    tokenFile,
    inventoryFile,
    workers: plan.nodes.map((n) => ({ node: n.name, url: workerUrl(n) })),
    tls: o.tls,
    hub,
    dashboard,
    workload: o.workload,
  };
  state.writeSummary(summary);
  return summary;
}

/**
 * The dashboard in front of the hub. Unlike the hub it is not needed by the rest of the lab: a
 * port already taken (another lab's dashboard, a `shoal front`) or a dashboard that fails leaves
 * the lab up without it, and the summary says why. Its sign-in token is made here, for this lab.
 */
async function startLabDashboard(state: LabState, port: number, hubUrl: string, progress: (line: string) => void): Promise<LabSummary['dashboard']> {
  if (await isListening('127.0.0.1', port)) return { unavailable: `port ${port} is in use; lab up --front-port N moves the dashboard` };
  progress(`dashboard: on the host, port ${port}`);
  const tokenFile = state.path('dashboard-token');
  fs.writeFileSync(tokenFile, `${newSignInToken()}\n`, { mode: 0o600 });
  const proc = startDashboard(state, { port, hubUrl, tokenFile });
  try {
    await waitForTcp('127.0.0.1', port, () => isRunning(proc.pid, proc.start), 'the dashboard');
  } catch (err) {
    return { unavailable: `${(err as Error).message}; see ${state.path('logs', `${DASHBOARD}.log`)}` };
  }
  return { url: `http://127.0.0.1:${port}`, pid: proc.pid, tokenFile };
}
