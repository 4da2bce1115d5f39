import fs from 'node:fs';
import { hostname } from 'node:os';
import { isShoalError, ShoalError } from '@shoal/model';
import { createHubLogger } from '@shoal/hub';
import { CAPTURE_CHOICES, createWorkerLogger, LiveSource, parseSize, type CaptureChoice } from '@shoal/worker';
import type { Command } from '../command.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import { defaultNodeIp, localAddresses } from '../local-addresses.js';
import { logLevelOption } from '../log-level-option.js';
import { hasNetRaw } from '../net-raw-capability.js';
import { portOption } from '../port-option.js';
import { startSingleNodeHub, type SingleNodeHub } from '../single-node-hub.js';
import { stateDir } from '../state-dir.js';
import { untilStopSignal } from '../stop-signal.js';
import { usageError } from '../usage-error.js';
import { parseCommandLine } from '../command-line.js';

const DEFAULTS = { port: 8898, frontPort: 8899, interface: 'any', capture: 'best', storageLimit: '500Mi', logLevel: 'error' } as const;

const usage = `Usage: shoal local [options]

Captures this machine's own traffic, no Kubernetes needed: a worker whose targets are every
address of this machine (loopback included, named after the host), a hub listing that one
worker and the dashboard in front of it (shoal front), all in this process. Open the dashboard,
or use the hub as in a cluster: shoal observe, curl its API (docs/hub.md). All listen on
127.0.0.1 only. The dashboard link printed at start carries a sign-in token made for this run
(?token=…): opening it signs the browser in; without it the page asks for the token.

Needs CAP_NET_RAW (root, or: sudo setcap cap_net_raw,cap_net_admin+eip $(readlink -f $(which node))).

Options:
  --port N                 the hub's port (default ${DEFAULTS.port}); the worker takes a free one
  --front-port N           the dashboard's port (default ${DEFAULTS.frontPort}; 0 picks a free one)
  --interface NAME         capture interface, or 'any' (default ${DEFAULTS.interface})
  --capture BACKEND        best | ebpf | af_packet | libpcap (default ${DEFAULTS.capture})
  --data-dir DIR           the worker's store and token (default $XDG_STATE_HOME/shoal/local,
                           else ~/.local/state/shoal/local); kept across runs
  --storage-limit SIZE     disk the store may use, e.g. 500Mi, 2Gi (default ${DEFAULTS.storageLimit})
  --log-level LEVEL        fatal | error | warn | info | debug (default ${DEFAULTS.logLevel}; JSON
                           lines on stdout)

Exit codes: 0 stopped by Ctrl-C/SIGTERM; 1 cannot capture (no CAP_NET_RAW, no such
interface) or cannot start (port in use, data dir not writable); 2 bad command line.
`;

/** Why capture is impossible here, and the two ways to allow it. */
const NO_NET_RAW =
  'cannot capture: this process lacks CAP_NET_RAW, which opening a packet socket needs. ' +
  'Run it as root (sudo shoal local …), or allow node to capture once: ' +
  'sudo setcap cap_net_raw,cap_net_admin+eip $(readlink -f $(which node))';

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      port: { type: 'string' },
      'front-port': { type: 'string' },
      interface: { type: 'string' },
      capture: { type: 'string' },
      'data-dir': { type: 'string' },
      'storage-limit': { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  const capture = values.capture ?? DEFAULTS.capture;
  if (!CAPTURE_CHOICES.includes(capture as CaptureChoice)) throw usageError(`--capture must be one of ${CAPTURE_CHOICES.join(', ')}, got '${capture}'`);
  const level = logLevelOption(values['log-level'], DEFAULTS.logLevel);
  const hubPort = portOption(values.port, DEFAULTS.port);
  const frontPort = portOption(values['front-port'], DEFAULTS.frontPort, '--front-port');
  const storageLimitBytes = parseSize(values['storage-limit'] ?? DEFAULTS.storageLimit, '--storage-limit');
  const iface = values.interface ?? DEFAULTS.interface;
  // Checked before anything is opened: otherwise the user gets a data dir and a hub that
  // capture nothing, and the reason only in a log line.
  if (hasNetRaw() === false) throw new ShoalError('CAP_ERR_PERMISSION', NO_NET_RAW);

  // Listened for from here on: a Ctrl-C while starting up stops cleanly once started.
  const stopped = untilStopSignal();
  const dataDir = values['data-dir'] ?? stateDir('local');
  const host = hostname();
  const { targets, names } = localAddresses(host);
  let local: SingleNodeHub;
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    local = await startSingleNodeHub({
      nodeName: host,
      nodeIp: defaultNodeIp(),
      interface: iface,
      source: new LiveSource(capture as CaptureChoice),
      targets,
      names,
      dataDir,
      storageLimitBytes,
      hubPort,
      frontPort,
      workerLog: createWorkerLogger(level),
      hubLog: createHubLogger(level),
    });
  } catch (err) {
    if (isShoalError(err) || (err as NodeJS.ErrnoException).code === undefined) throw err;
    process.stderr.write(`shoal local: cannot start: ${(err as Error).message}\n`);
    return EXIT_FAILURE;
  }

  const captures = local.worker.core.captures.status();
  const failed = captures.filter((c) => c.error !== undefined);
  if (failed.length > 0) {
    for (const c of failed) process.stderr.write(`shoal local: cannot capture on ${c.interface}: ${c.error}\n`);
    await local.close();
    return EXIT_FAILURE;
  }
  const backends = [...new Set(captures.map((c) => c.backend ?? '?'))].join(', ');
  process.stdout.write(
    [
      `shoal local: capturing on ${iface} (${backends}) for ${targets.length} addresses of ${host}: ${targets.map((t) => t.ip).join(', ')}`,
      `  dashboard ${local.dashboardLink}   (the link signs a browser in; new token every run)`,
      `  hub      ${local.hubUrl}   (GET /entries, /ws, /pcap, /status: docs/hub.md)`,
      `  watch    shoal observe --hub ${local.hubUrl}`,
      `  worker   ${local.workerUrl}   (token in ${local.worker.tokenPath})`,
      `  store    ${dataDir} (limit ${values['storage-limit'] ?? DEFAULTS.storageLimit}; kept across runs)`,
      'Ctrl-C stops.',
      '',
    ].join('\n'),
  );
  await stopped;
  await local.close();
  return EXIT_OK;
}

export const localCommand: Command = { usage, run };
