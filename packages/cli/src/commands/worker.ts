import * as fs from 'node:fs';
import { hostname } from 'node:os';
import { isShoalError } from '@shoal/model';
import {
  CAPTURE_CHOICES,
  createWorkerLogger,
  DEFAULT_TLS_MAX_FILES,
  LiveSource,
  parseSize,
  parseTargets,
  startWorker,
  type CaptureChoice,
  type RunningWorker,
  type Target,
  type WorkerOptions,
} from '@shoal/worker';
import type { Command } from '../command.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import { defaultNodeIp } from '../local-addresses.js';
import { logLevelOption } from '../log-level-option.js';
import { portOption } from '../port-option.js';
import { untilStopSignal } from '../stop-signal.js';
import { usageError } from '../usage-error.js';
import { allowedOriginsOption } from '../open-bind.js';
import { parseCommandLine } from '../command-line.js';
import { integerOption } from '../integer-option.js';

const DEFAULTS = { port: 30001, host: '127.0.0.1', interface: 'any', capture: 'best', storageLimit: '500Mi', dataDir: '/var/lib/shoal/worker' } as const;

const usage = `Usage: shoal worker [options]

Runs the node agent: captures the traffic of its targets, turns it into entries, stores them
with their raw packets, and serves them on an HTTP + WebSocket API (see docs/api.md).
It captures nothing until it has targets (--targets or PUT /targets).

Options:
  --port N                 API port (default ${DEFAULTS.port})
  --host ADDR              address to listen on (default ${DEFAULTS.host}; in a cluster the
                           node's address or 0.0.0.0, for the hub). Every route but /health and
                           /metrics needs the token whatever the address
  --allowed-origin ORIGIN  a web origin (https://host[:port]) whose pages may open /ws and send
                           changes; repeatable (programs send no Origin: docs/security.md)
  --interface NAME         capture interface in the worker's network namespace, or 'any'
                           (default ${DEFAULTS.interface}); targets with a netns are captured
                           inside their own namespace, on 'any' there
  --capture BACKEND        best | ebpf | af_packet | libpcap (default ${DEFAULTS.capture}: eBPF,
                           AF_PACKET, libpcap in turn, for each capture; the choice and each skip
                           reason are logged and shown in /stats; PF_RING is only detected)
  --targets FILE           initial targets: a JSON array of {ip, name, namespace, netns?}
  --storage-limit SIZE     disk the store may use, e.g. 500Mi, 2Gi (default ${DEFAULTS.storageLimit});
                           the oldest entries and packets are evicted first
  --data-dir DIR           store and generated token live here (default ${DEFAULTS.dataDir})
  --token-file FILE        API token (the file's trimmed content); without it a token is
                           generated into DATA_DIR/token (mode 0600) and reused after
  --node-name NAME         this worker's name in entries and ids (default $NODE_NAME, else the
                           host name)
  --tls                    also run the TLS tracer: the plaintext the targets' processes hand
                           to OpenSSL (libssl, and binaries with it inside such as node), read
                           with eBPF uprobes and dissected like packets (entries marked
                           ebpf_tls). Where the kernel cannot (no BTF, no uprobes, no
                           permission) the worker runs without it and /health says why
  --proc DIR               the host's /proc as the worker sees it, where the tracer finds the
                           targets' processes (default /proc; a cluster's worker: /hostproc)
  --tls-max-files N        OpenSSL files the tracer hooks at most (default ${DEFAULT_TLS_MAX_FILES})
  --log-level LEVEL        fatal | error | warn | info | debug (default info)

Environment: NODE_NAME, NODE_IP (the node's address in entries; default the first
non-loopback IPv4 address).

Exit codes: 0 stopped by SIGTERM/SIGINT after flushing the store; 1 could not start (port
in use, data dir not writable); 2 bad command line, unreadable --targets or --token-file.
`;

function readTargets(file: string | undefined): Target[] {
  if (file === undefined) return [];
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`cannot read --targets ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return parseTargets(JSON.parse(text) as unknown);
  } catch (err) {
    throw usageError(`--targets ${file}: ${(err as Error).message}`);
  }
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'allowed-origin': { type: 'string', multiple: true },
      interface: { type: 'string' },
      capture: { type: 'string' },
      targets: { type: 'string' },
      'storage-limit': { type: 'string' },
      'data-dir': { type: 'string' },
      'token-file': { type: 'string' },
      'node-name': { type: 'string' },
      'log-level': { type: 'string' },
      tls: { type: 'boolean' },
      proc: { type: 'string' },
      'tls-max-files': { type: 'string' },
    },
  });
  if (values.tls !== true && (values.proc !== undefined || values['tls-max-files'] !== undefined)) throw usageError('--proc and --tls-max-files go with --tls');
  if (values.proc !== undefined && !values.proc.startsWith('/')) throw usageError(`--proc must be an absolute path, got '${values.proc}'`);
  const capture = values.capture ?? DEFAULTS.capture;
  if (!CAPTURE_CHOICES.includes(capture as CaptureChoice)) throw usageError(`--capture must be one of ${CAPTURE_CHOICES.join(', ')}, got '${capture}'`);
  const level = logLevelOption(values['log-level'], 'info');
  const log = createWorkerLogger(level);
  const nodeName = values['node-name'] ?? process.env['NODE_NAME'] ?? hostname();
  if (nodeName === '' || nodeName.includes('/')) throw usageError(`--node-name must be non-empty and without '/', got '${nodeName}'`);

  const options: WorkerOptions = {
    port: portOption(values.port, DEFAULTS.port),
    host: values.host ?? DEFAULTS.host,
    allowedOrigins: allowedOriginsOption(values['allowed-origin']),
    interface: values.interface ?? DEFAULTS.interface,
    source: new LiveSource(capture as CaptureChoice),
    dataDir: values['data-dir'] ?? DEFAULTS.dataDir,
    storageLimitBytes: parseSize(values['storage-limit'] ?? DEFAULTS.storageLimit, '--storage-limit'),
    nodeName,
    nodeIp: process.env['NODE_IP'] ?? defaultNodeIp(),
    targets: readTargets(values.targets),
    logger: log,
    ...(values.tls === true
      ? {
          tls: {
            ...(values.proc !== undefined ? { proc: values.proc } : {}),
            maxFiles: integerOption('--tls-max-files', values['tls-max-files'], DEFAULT_TLS_MAX_FILES, 1, 65536),
          },
        }
      : {}),
    ...(values['token-file'] !== undefined ? { tokenFile: values['token-file'] } : {}),
  };
  let worker: RunningWorker;
  try {
    worker = await startWorker(options);
  } catch (err) {
    // A port in use or a data dir we cannot write: say so in one line, not a stack.
    if (isShoalError(err) || (err as NodeJS.ErrnoException).code === undefined) throw err;
    process.stderr.write(`shoal worker: cannot start: ${(err as Error).message}\n`);
    return EXIT_FAILURE;
  }

  // Runs until SIGTERM (Kubernetes) or SIGINT (Ctrl-C); a second signal stops at once.
  const signal = await untilStopSignal();
  log.info({ signal }, 'stopping: closing captures, finishing streams, flushing the store');
  await worker.close();
  return EXIT_OK;
}

export const workerCommand: Command = {
  usage,
  run,
};
