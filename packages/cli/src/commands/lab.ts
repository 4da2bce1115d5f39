import fs from 'node:fs';
import type { Command } from '../command.js';
import { signInLink } from '../front/sign-in-link.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import { usageError } from '../usage-error.js';
import { DEFAULT_PREFIX, PREFIX_PATTERN } from '../lab/lab-plan.js';
import { LabNotStarted, labUp } from '../lab/lab-up.js';
import { DownRefused, labDown, type DownResult } from '../lab/lab-down.js';
import { labStatus } from '../lab/lab-status.js';
import { labRestart, RestartRefused } from '../lab/lab-restart.js';
import { serviceNames } from '../lab/lab-inventory.js';
import type { LabSummary } from '../lab/lab-state.js';
import { parseCommandLine } from '../command-line.js';

const STATE_ROOT = '/var/lib/shoal/lab';

const usage = `Usage: shoal lab up [--nodes 2] [--workload demo|none] [--tls|--no-tls] [options]
       shoal lab status [--prefix NAME] [--state-dir DIR]
       shoal lab restart worker-node-N|hub|dashboard [--prefix NAME] [--state-dir DIR]
       shoal lab down [--prefix NAME] [--state-dir DIR]

A Kubernetes-like cluster on this machine, made of network namespaces: a namespace per node
with a bridge, pods as namespaces on veths (MTU 1500, offloads off), pod CIDR 10.244.(B+N).0/24
on node N, one 'shoal worker' per node, the inventory file for the hub, and the hub itself
when 'shoal hub' is available. The demo workload is a shop of services speaking HTTP/1.1,
HTTP/2, gRPC, GraphQL, WebSocket and HTTPS, backed by Redis, PostgreSQL and an MQTT broker, with
names served by dnsmasq and a bounded traffic generator (docs/lab.md). The workers run the TLS
tracer, so the HTTPS calls show decrypted (entries marked ebpf_tls); where the kernel cannot,
a worker goes on without it and 'status' says why.
Everything is named with the prefix and recorded in the state directory, so 'down' removes it
all, also after 'up' failed or was killed; it refuses a state directory that holds no lab
journal, and a journal naming anything outside the prefix. 'restart' stops one worker, the
hub or the dashboard (if it still runs) and starts it again with the same arguments and store,
e.g. to watch the hub reconnect. The dashboard ('shoal front' on the host, process name
'dashboard'; 'front' is the demo's pod) signs users in with a token made by 'up': the link
'up' and 'status' print carries it. Needs root.

Options:
  --prefix NAME          names of namespaces and links (default ${DEFAULT_PREFIX}; at most 10
                         characters: a-z, 0-9, '-')
  --state-dir DIR        state file, logs, token, inventory, worker stores
                         (default ${STATE_ROOT}/PREFIX)
up only:
  --nodes N              nodes, 1-8 (default 2)
  --workload NAME        demo | none (default demo)
  --tls, --no-tls        the workers run the TLS tracer ('shoal worker --tls'), or not
                         (default --tls: the demo's rate makes its cost small; its uprobes
                         are on OpenSSL files of the whole host, filtered to the lab's pods)
  --subnet-base B        third octet of the node network 10.244.B.0/24 (default 0)
  --hub-port N           the hub's port on the host (default 8898)
  --front-port N         the dashboard's port on the host (default 8899)
  --rate N               generator: calls per second (default 5)
  --total N              generator: calls in all (default 10000)
  --duration S           generator: seconds at most (default 3600)

Exit codes: 0 done; 1 could not build, remove or find the lab (the message says why);
2 bad command line.
`;

/** A numeric option within [min, max] (decimals allowed: --rate 0.5), or its default. */
function numberOption(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw usageError(`--${name} needs a number ${min}-${max}, got '${text}'`);
  return n;
}

function printSummary(s: LabSummary): string {
  const { plan } = s;
  const lines = ['', `lab '${plan.prefix}' is up.`, '', 'nodes (namespace, address, pod CIDR):'];
  for (const n of plan.nodes) lines.push(`  ${n.name.padEnd(8)} ${n.netns.padEnd(24)} ${n.ip.padEnd(14)} ${n.podCidr}`);
  lines.push('pods (namespace/name, node, address, network namespace):');
  for (const p of plan.pods) lines.push(`  ${`${p.namespace}/${p.name}`.padEnd(20)} ${p.node.padEnd(8)} ${p.ip.padEnd(14)} ${p.netns}`);
  if (s.workload === 'demo') lines.push(`services by name through dnsmasq at ${plan.dnsIp}: ${serviceNames(plan).join(', ')}`);
  lines.push(s.tls === true ? "workers (with the TLS tracer; 'lab status' says whether it runs):" : 'workers:');
  for (const w of s.workers) lines.push(`  ${w.node.padEnd(8)} ${w.url}`);
  lines.push(`token file:  ${s.tokenFile}`, `inventory:   ${s.inventoryFile}`, `logs:        ${s.stateDir}/logs/`);
  lines.push('unavailable' in s.hub ? `hub:         not started: ${s.hub.unavailable}` : `hub:         ${s.hub.url}`);
  const d = s.dashboard;
  lines.push('unavailable' in d ? `dashboard:   not started: ${d.unavailable}` : `dashboard:   ${signInLink(d.url, fs.readFileSync(d.tokenFile, 'utf8').trim())}\n             (the link signs a browser in; the token is in ${d.tokenFile}, new with every 'lab up')`);
  lines.push('', 'try:', `  curl -s ${s.workers[0]!.url}/health`, `  websocat -H "Authorization: Bearer $(cat ${s.tokenFile})" '${s.workers[0]!.url.replace('http', 'ws')}/ws?q=http'`);
  lines.push(`  shoal lab status${plan.prefix === DEFAULT_PREFIX ? '' : ` --prefix ${plan.prefix}`}`, `  shoal lab down${plan.prefix === DEFAULT_PREFIX ? '' : ` --prefix ${plan.prefix}`}`);
  return lines.join('\n') + '\n';
}

async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      prefix: { type: 'string' },
      'state-dir': { type: 'string' },
      nodes: { type: 'string' },
      workload: { type: 'string' },
      tls: { type: 'boolean' },
      'no-tls': { type: 'boolean' },
      'subnet-base': { type: 'string' },
      'hub-port': { type: 'string' },
      'front-port': { type: 'string' },
      rate: { type: 'string' },
      total: { type: 'string' },
      duration: { type: 'string' },
    },
  });
  const { values, positionals } = parsed;
  const [verb, ...extra] = positionals;
  if (verb === undefined || !['up', 'status', 'restart', 'down'].includes(verb)) throw usageError(`expected up, status, restart or down, got '${verb ?? ''}'`);
  const target = verb === 'restart' ? extra.shift() : undefined;
  if (verb === 'restart' && target === undefined) throw usageError(`'lab restart' needs what to restart: worker-node-N, hub or dashboard`);
  if (extra.length > 0) throw usageError(`unexpected argument '${extra[0]}'`);
  const prefix = values.prefix ?? DEFAULT_PREFIX;
  if (!PREFIX_PATTERN.test(prefix)) throw usageError(`--prefix must be 1-10 characters a-z, 0-9, '-', start with a letter and not end in -node-N, got '${prefix}'`);
  const stateDir = values['state-dir'] ?? `${STATE_ROOT}/${prefix}`;
  if (verb !== 'up') {
    for (const name of ['nodes', 'workload', 'tls', 'no-tls', 'subnet-base', 'hub-port', 'front-port', 'rate', 'total', 'duration'] as const) {
      if (values[name] !== undefined) throw usageError(`--${name} applies to 'lab up' only`);
    }
  }

  if (verb === 'status') {
    const { text, found } = await labStatus(stateDir);
    process.stdout.write(text);
    return found ? EXIT_OK : EXIT_FAILURE;
  }
  if (target !== undefined) {
    try {
      const proc = await labRestart(stateDir, target);
      process.stdout.write(`${target} restarted (pid ${proc.pid})\n`);
      return EXIT_OK;
    } catch (err) {
      process.stderr.write(`shoal lab restart: ${(err as Error).message}\n`);
      if (!(err instanceof RestartRefused)) process.stderr.write(`logs in ${stateDir}/logs/\n`);
      return EXIT_FAILURE;
    }
  }
  if (verb === 'down') {
    let r: DownResult;
    try {
      r = await labDown(prefix, stateDir);
    } catch (err) {
      if (!(err instanceof DownRefused)) throw err;
      process.stderr.write(`shoal lab down: ${err.message}\n`);
      return EXIT_FAILURE;
    }
    process.stdout.write(`lab '${prefix}' down: ${r.processes} processes stopped, ${r.netns} namespaces and ${r.links} links removed\n`);
    for (const e of r.errors) process.stderr.write(`shoal lab down: ${e}\n`);
    return r.errors.length === 0 ? EXIT_OK : EXIT_FAILURE;
  }

  const workload = values.workload ?? 'demo';
  if (workload !== 'demo' && workload !== 'none') throw usageError(`--workload must be demo or none, got '${workload}'`);
  if (values.tls === true && values['no-tls'] === true) throw usageError('--tls and --no-tls contradict each other: give one');
  const nodes = numberOption('nodes', values.nodes, 2, 1, 8);
  if (!Number.isInteger(nodes)) throw usageError(`--nodes needs a whole number, got '${values.nodes}'`);
  try {
    const summary = await labUp({
      prefix,
      stateDir,
      nodes,
      workload,
      tls: values['no-tls'] !== true,
      base: numberOption('subnet-base', values['subnet-base'], 0, 0, 255 - nodes),
      hubPort: numberOption('hub-port', values['hub-port'], 8898, 1, 65535),
      frontPort: numberOption('front-port', values['front-port'], 8899, 1, 65535),
      traffic: {
        rate: numberOption('rate', values.rate, 5, 0.1, 100),
        total: numberOption('total', values.total, 10_000, 1, 1_000_000),
        durationS: numberOption('duration', values.duration, 3600, 1, 86_400),
      },
      progress: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write(printSummary(summary));
    return EXIT_OK;
  } catch (err) {
    process.stderr.write(`shoal lab up: ${(err as Error).message}\n`);
    if (err instanceof LabNotStarted) return EXIT_FAILURE;
    process.stderr.write(`what was made so far stays for you to inspect (logs in ${stateDir}/logs/); 'shoal lab down${prefix === DEFAULT_PREFIX ? '' : ` --prefix ${prefix}`}' removes it\n`);
    return EXIT_FAILURE;
  }
}

export const labCommand: Command = { usage, run };
