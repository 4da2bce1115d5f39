import { isShoalError } from '@shoal/model';
import {
  createHubLogger, DEFAULT_FEED_OPTIONS, DEFAULT_WORKER_LABELS, DEFAULT_WORKER_PORT, defaultWorkerNamespace, parseLabelSelector, parseWorkerList, readTokenFile, startHub,
  startHubNames, type HubNames, type HubOptions, type RunningHub, type WorkerPodSelector,
} from '@shoal/hub';
import type { Command } from '../main.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import { usageError } from '../usage-error.js';
import { parseCommandLine } from '../command-line.js';
import { logLevelOption } from '../log-level-option.js';
import { integerOption } from '../integer-option.js';
import { portOption } from '../port-option.js';
import { untilStopSignal } from '../stop-signal.js';

const DEFAULTS = { port: 8898 } as const;
/** Beyond 10 s a live feed is no longer live; 0 delivers each entry as it arrives. */
const MAX_MERGE_WINDOW_MS = 10_000;
/** Upper end of the bounds' flags: a bound is there to be low. */
const MAX_BOUND = 10_000;

const usage = `Usage: shoal hub [options]

Runs the hub: connects to every worker, merges their entries in time order into one live
stream (/ws), and serves history, entries, merged pcap files and each worker's state on one
HTTP + WebSocket API (see docs/hub.md).

Options:
  --port N                  API port (default ${DEFAULTS.port})
  --host ADDR               address to listen on (default all)
  --workers LIST            the workers, NAME=HOST:PORT,… where NAME is each worker's
                            --node-name (e.g. node-a=10.0.0.5:30001,node-b=10.0.0.6:30001)
  --worker-token-file FILE  the workers' API token (the content of their --token-file)
  --token-file FILE         a token clients must send (Authorization: Bearer …); without it
                            the hub's API is open: keep it on localhost or behind a Service
  --inventory FILE          names and pods from an inventory file (no Kubernetes), re-read
                            when it changes (docs/hub.md, "Inventory")
  --kubernetes              names, pods and workers from the Kubernetes API: one watch of pods,
                            services, EndpointSlices and nodes (in a pod: its service account;
                            elsewhere $KUBECONFIG or ~/.kube/config). Each Running and Ready
                            worker pod is a worker, named after its node and reached at the pod
                            IP; the hub follows them as they come, go and move. --workers may
                            add more
  --worker-selector LABELS  with --kubernetes: the worker pods' labels, KEY=VALUE,… (default
                            ${DEFAULT_WORKER_LABELS})
  --worker-namespace NS     with --kubernetes: the worker pods' namespace (default the hub's
                            own in a pod, else default)
  --worker-port N           with --kubernetes: the workers' API port (default ${DEFAULT_WORKER_PORT})
  --merge-window MS         how long each live entry waits for earlier ones from other
                            workers, 0-${MAX_MERGE_WINDOW_MS} ms (default ${DEFAULT_FEED_OPTIONS.windowMs}): longer keeps the
                            stream in time order when a worker's clock or link runs late,
                            shorter delivers sooner (a later entry then arrives out of order)
  --max-replays N           /ws replays (subscriptions with since) running at once in the hub,
                            0-${MAX_BOUND} (default ${DEFAULT_FEED_OPTIONS.maxReplays}); past it a replay is refused with
                            HUB_ERR_REPLAY_LIMIT and the client retries later
  --max-client-replays N    the same for one client (a front session, else an address), 0-${MAX_BOUND}
                            (default ${DEFAULT_FEED_OPTIONS.maxClientReplays})
  --max-resubscribes N      subscriptions one /ws socket may send within a second, 1-${MAX_BOUND}
                            (default ${DEFAULT_FEED_OPTIONS.maxResubscribes}); past it HUB_ERR_RESUBSCRIBE_RATE
  --log-level LEVEL         fatal | error | warn | info | debug (default info)

Exit codes: 0 stopped by SIGTERM/SIGINT; 1 could not start (port in use); 2 bad command
line, unreadable token file.
`;

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      workers: { type: 'string' },
      'worker-token-file': { type: 'string' },
      'token-file': { type: 'string' },
      inventory: { type: 'string' },
      kubernetes: { type: 'boolean', default: false },
      'worker-selector': { type: 'string' },
      'worker-namespace': { type: 'string' },
      'worker-port': { type: 'string' },
      'merge-window': { type: 'string' },
      'max-replays': { type: 'string' },
      'max-client-replays': { type: 'string' },
      'max-resubscribes': { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  const feed = {
    windowMs: integerOption('--merge-window', values['merge-window'], DEFAULT_FEED_OPTIONS.windowMs, 0, MAX_MERGE_WINDOW_MS),
    maxReplays: integerOption('--max-replays', values['max-replays'], DEFAULT_FEED_OPTIONS.maxReplays, 0, MAX_BOUND),
    maxClientReplays: integerOption('--max-client-replays', values['max-client-replays'], DEFAULT_FEED_OPTIONS.maxClientReplays, 0, MAX_BOUND),
    maxResubscribes: integerOption('--max-resubscribes', values['max-resubscribes'], DEFAULT_FEED_OPTIONS.maxResubscribes, 1, MAX_BOUND),
  };
  const log = createHubLogger(logLevelOption(values['log-level'], 'info'));
  const workers = parseWorkerList(values.workers ?? '');
  const workerPods = workerPodOptions(values);
  if (workers.length === 0 && workerPods === undefined) log.warn('no --workers given: the hub serves an empty cluster');
  if (values['worker-token-file'] === undefined && (workers.length > 0 || workerPods !== undefined)) log.warn('no --worker-token-file given: workers will refuse the hub (401) unless they are open');
  const options: HubOptions = {
    port: portOption(values.port, DEFAULTS.port),
    workers,
    logger: log,
    feed,
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values['worker-token-file'] !== undefined ? { workerToken: readTokenFile(values['worker-token-file'], '--worker-token-file') } : {}),
    ...(values['token-file'] !== undefined ? { token: readTokenFile(values['token-file'], '--token-file') } : {}),
  };
  if (values.inventory !== undefined && values.kubernetes) throw usageError('--inventory and --kubernetes are two sources of names: give one');
  let names: HubNames | undefined;
  if (values.inventory !== undefined || values.kubernetes) {
    try {
      names = await startHubNames(values.inventory !== undefined ? { inventory: values.inventory } : { kubernetes: 'default' }, log);
    } catch (err) {
      process.stderr.write(`shoal hub: cannot read the names: ${(err as Error).message}\n`);
      return EXIT_FAILURE;
    }
    options.names = names.lookup;
    options.pods = names.pods;
    if (workerPods !== undefined) options.workerPods = { pods: names.clusterPods, selector: workerPods };
  }
  let hub: RunningHub;
  try {
    hub = await startHub(options);
  } catch (err) {
    await names?.stop();
    if (isShoalError(err) || (err as NodeJS.ErrnoException).code === undefined) throw err;
    process.stderr.write(`shoal hub: cannot start: ${(err as Error).message}\n`);
    return EXIT_FAILURE;
  }
  const signal = await untilStopSignal();
  log.info({ signal }, 'stopping');
  await hub.close();
  await names?.stop();
  return EXIT_OK;
}

/** With --kubernetes, which pods are the workers; the --worker-* flags need --kubernetes. */
function workerPodOptions(values: { kubernetes?: boolean; 'worker-selector'?: string; 'worker-namespace'?: string; 'worker-port'?: string }): WorkerPodSelector | undefined {
  if (values.kubernetes !== true) {
    for (const flag of ['worker-selector', 'worker-namespace', 'worker-port'] as const) {
      if (values[flag] !== undefined) throw usageError(`--${flag} picks the worker pods: it needs --kubernetes`);
    }
    return undefined;
  }
  const port = portOption(values['worker-port'], DEFAULT_WORKER_PORT, '--worker-port');
  if (port === 0) throw usageError('--worker-port needs the workers\' port, 1-65535');
  const namespace = values['worker-namespace'] ?? defaultWorkerNamespace();
  if (namespace === '') throw usageError('--worker-namespace needs a namespace');
  return { namespace, labels: parseLabelSelector(values['worker-selector'] ?? DEFAULT_WORKER_LABELS), port };
}

export const hubCommand: Command = { usage, run };
