import { isShoalError, MAX_HISTORY_LIMIT, TARGETS_CONFIG_KEY } from '@shoal/model';
import {
  createHubLogger, DEFAULT_FEED_OPTIONS, DEFAULT_HISTORY_LIMITS, DEFAULT_PCAP_TIMEOUTS, FileSelectionStore, SELECTION_FILE, DEFAULT_WORKER_LABELS, DEFAULT_WORKER_PORT, defaultWorkerNamespace, parseLabelSelector, parseWorkerList, startHub,
  startHubNames, ConfigMapSelectionStore, defaultKubeConfig, type HubNames, type KubeConfig, type SelectionStore, type HubOptions, type RunningHub, type WorkerPodSelector,
} from '@shoal/hub';
import type { Command } from '../command.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import { usageError } from '../usage-error.js';
import { parseCommandLine } from '../command-line.js';
import { logLevelOption } from '../log-level-option.js';
import { integerOption } from '../integer-option.js';
import { portOption } from '../port-option.js';
import { untilStopSignal } from '../stop-signal.js';
import { allowedOriginsOption, checkOpenBind } from '../open-bind.js';
import { tokenFileOption } from '../token-option.js';
import { identityKeyFileOption } from '../identity-key-option.js';

const DEFAULTS = { port: 8898, host: '127.0.0.1' } as const;
/** Beyond 10 s a live feed is no longer live; 0 delivers each entry as it arrives. */
const MAX_MERGE_WINDOW_MS = 10_000;
/** A worker silent for an hour is gone, whatever the export. */
const MAX_PCAP_TIMEOUT_MS = 3_600_000;
/** Past a minute a shared walk's answer is too stale for a live view to show. */
const MAX_WALK_SHARE_MS = 60_000;
const MAX_WALKS = 1000;
/** Upper end of the bounds' flags: a bound is there to be low. */
const MAX_BOUND = 10_000;

const usage = `Usage: shoal hub [options]

Runs the hub: connects to every worker, merges their entries in time order into one live
stream (/ws), and serves history, entries, merged pcap files and each worker's state on one
HTTP + WebSocket API (see docs/hub.md).

Options:
  --port N                  API port (default ${DEFAULTS.port})
  --host ADDR               address to listen on (default ${DEFAULTS.host}; 0.0.0.0 in a pod).
                            Beyond loopback the hub needs --token-file, or
                            --allow-unauthenticated
  --workers LIST            the workers, NAME=HOST:PORT,… where NAME is each worker's
                            --node-name (e.g. node-a=10.0.0.5:30001,node-b=10.0.0.6:30001)
  --worker-token-file FILE  the workers' API token (the content of their --token-file)
  --token-file FILE         a token clients must send (Authorization: Bearer …); without it
                            the API is open to whoever reaches the address
  --identity-key-file FILE  the key (32 bytes or more) the front signs its signed-in users'
                            identity assertions with (its own --identity-key-file): a request
                            carrying one (x-shoal-identity) sees only its user's namespaces
                            everywhere, and only admins change targets. Without it such a
                            request is refused (401); the --token-file token stays an admin of
                            every namespace (docs/security.md)
  --allow-unauthenticated   listen beyond loopback without --token-file (logs a warning):
                            only on a network that is yours alone
  --allowed-origin ORIGIN   a web origin (https://host[:port]) whose pages may open /ws and
                            send changes, besides the hub's own; repeatable. Programs send no
                            Origin and are not concerned (docs/security.md)
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
  --state-dir DIR           keep the target selection (PUT /targets) in DIR/${SELECTION_FILE}, so a
                            restarted hub pushes the same targets; a damaged file stops the
                            start (HUB_ERR_STATE). Without it the selection lasts as long as
                            the hub
  --targets-configmap NAME  with --kubernetes: keep the target selection in this ConfigMap's
                            ${TARGETS_CONFIG_KEY} (in --worker-namespace), and follow edits others make
                            to it (shoal tap, helm upgrade); instead of --state-dir
  --pcap-headers-timeout MS how long GET /pcap waits for a worker's response headers, 1-${MAX_PCAP_TIMEOUT_MS}
                            (default ${DEFAULT_PCAP_TIMEOUTS.headersMs}): a worker that takes longer is left out and
                            named in X-Shoal-Unavailable-Workers
  --pcap-body-timeout MS    how long GET /pcap waits for each piece of a worker's file, 1-${MAX_PCAP_TIMEOUT_MS}
                            (default ${DEFAULT_PCAP_TIMEOUTS.bodyMs}): a worker silent for longer is left out and
                            named (X-Shoal-Unavailable-Workers, or the X-Shoal-Failed-Workers
                            trailer once the file has started)
  --merge-window MS         how long each live entry waits for earlier ones from other
                            workers, 0-${MAX_MERGE_WINDOW_MS} ms (default ${DEFAULT_FEED_OPTIONS.windowMs}): longer keeps the
                            stream in time order when a worker's clock or link runs late,
                            shorter delivers sooner (a later entry then arrives out of order)
  --max-history-limit N     the largest limit= of GET /entries, 1-${MAX_HISTORY_LIMIT} (default ${DEFAULT_HISTORY_LIMITS.maxPageEntries}); a
                            larger one is lowered to it. A page holds up to N entries of
                            each worker in the hub's memory
  --max-walks N             /stats and /servicemap walks of the history running at once,
                            1-${MAX_WALKS} (default ${DEFAULT_HISTORY_LIMITS.maxWalks}); one more gets 503 HUB_ERR_TOO_MANY_WALKS with
                            Retry-After
  --walk-share-ms MS        how long a walk's answer serves the same /stats or /servicemap
                            question again, 0-${MAX_WALK_SHARE_MS} (default ${DEFAULT_HISTORY_LIMITS.shareMs}; 0: only while it runs)
  --max-replays N           /ws replays (subscriptions with since) running at once in the hub,
                            0-${MAX_BOUND} (default ${DEFAULT_FEED_OPTIONS.maxReplays}); past it a replay is refused with
                            HUB_ERR_REPLAY_LIMIT and the client retries later
  --max-client-replays N    the same for one client (a front session, else an address), 0-${MAX_BOUND}
                            (default ${DEFAULT_FEED_OPTIONS.maxClientReplays})
  --max-resubscribes N      subscriptions one /ws socket may send within a second, 1-${MAX_BOUND}
                            (default ${DEFAULT_FEED_OPTIONS.maxResubscribes}); past it HUB_ERR_RESUBSCRIBE_RATE
  --log-level LEVEL         fatal | error | warn | info | debug (default info)

Exit codes: 0 stopped by SIGTERM/SIGINT; 1 could not start (port in use); 2 bad command
line, unreadable token file or identity key file (or a key under 32 bytes).
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
      'identity-key-file': { type: 'string' },
      'allow-unauthenticated': { type: 'boolean', default: false },
      'allowed-origin': { type: 'string', multiple: true },
      inventory: { type: 'string' },
      kubernetes: { type: 'boolean', default: false },
      'worker-selector': { type: 'string' },
      'worker-namespace': { type: 'string' },
      'worker-port': { type: 'string' },
      'merge-window': { type: 'string' },
      'state-dir': { type: 'string' },
      'targets-configmap': { type: 'string' },
      'pcap-headers-timeout': { type: 'string' },
      'pcap-body-timeout': { type: 'string' },
      'max-history-limit': { type: 'string' },
      'max-walks': { type: 'string' },
      'walk-share-ms': { type: 'string' },
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
  const pcap = {
    headersMs: integerOption('--pcap-headers-timeout', values['pcap-headers-timeout'], DEFAULT_PCAP_TIMEOUTS.headersMs, 1, MAX_PCAP_TIMEOUT_MS),
    bodyMs: integerOption('--pcap-body-timeout', values['pcap-body-timeout'], DEFAULT_PCAP_TIMEOUTS.bodyMs, 1, MAX_PCAP_TIMEOUT_MS),
  };
  if (values['state-dir'] === '') throw usageError('--state-dir needs a directory');
  const log = createHubLogger(logLevelOption(values['log-level'], 'info'));
  const workers = parseWorkerList(values.workers ?? '');
  const workerPods = workerPodOptions(values);
  if (workers.length === 0 && workerPods === undefined) log.warn('no --workers given: the hub serves an empty cluster');
  if (values['worker-token-file'] === undefined && (workers.length > 0 || workerPods !== undefined)) log.warn('no --worker-token-file given: workers will refuse the hub (401) unless they are open');
  const host = values.host ?? DEFAULTS.host;
  const open = checkOpenBind({ host, credentialFlag: '--token-file', hasCredential: values['token-file'] !== undefined, allowUnauthenticated: values['allow-unauthenticated'] });
  if (open) log.warn({ host }, `--allow-unauthenticated: the hub's API is open to anyone who reaches ${host}, and the traffic it shows holds other people's credentials`);
  const options: HubOptions = {
    port: portOption(values.port, DEFAULTS.port),
    host,
    workers,
    logger: log,
    feed,
    allowedOrigins: allowedOriginsOption(values['allowed-origin']),
    ...(values['worker-token-file'] !== undefined ? { workerToken: tokenFileOption(values['worker-token-file'], '--worker-token-file') } : {}),
    ...(values['token-file'] !== undefined ? { token: tokenFileOption(values['token-file'], '--token-file') } : {}),
    ...(values['identity-key-file'] !== undefined ? { identityKey: identityKeyFileOption(values['identity-key-file']) } : {}),
    pcap,
    history: {
      maxPageEntries: integerOption('--max-history-limit', values['max-history-limit'], DEFAULT_HISTORY_LIMITS.maxPageEntries, 1, MAX_HISTORY_LIMIT),
      maxWalks: integerOption('--max-walks', values['max-walks'], DEFAULT_HISTORY_LIMITS.maxWalks, 1, MAX_WALKS),
      shareMs: integerOption('--walk-share-ms', values['walk-share-ms'], DEFAULT_HISTORY_LIMITS.shareMs, 0, MAX_WALK_SHARE_MS),
    },
  };
  if (values.inventory !== undefined && values.kubernetes) throw usageError('--inventory and --kubernetes are two sources of names: give one');
  if (values['state-dir'] !== undefined && values.inventory === undefined && !values.kubernetes) log.warn('--state-dir keeps the target selection, which needs a pod source (--inventory or --kubernetes): it is not used');
  const kubeConfig = values.kubernetes ? defaultKubeConfig() : undefined;
  const targetStore = selectionStore(values, workerPods, kubeConfig);
  if (targetStore !== undefined) options.targetStore = targetStore;
  let names: HubNames | undefined;
  if (values.inventory !== undefined || kubeConfig !== undefined) {
    try {
      names = await startHubNames(kubeConfig === undefined ? { inventory: values.inventory ?? '' } : { kubernetes: kubeConfig }, log);
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

/** Where the selection is kept: --state-dir's file, --targets-configmap's ConfigMap, or nowhere. */
function selectionStore(
  values: { 'state-dir'?: string; 'targets-configmap'?: string },
  workerPods: WorkerPodSelector | undefined,
  kubeConfig: KubeConfig | undefined,
): SelectionStore | undefined {
  const name = values['targets-configmap'];
  if (name === undefined) return values['state-dir'] === undefined ? undefined : new FileSelectionStore(values['state-dir']);
  if (kubeConfig === undefined || workerPods === undefined) throw usageError('--targets-configmap is a ConfigMap of the cluster: it needs --kubernetes');
  if (values['state-dir'] !== undefined) throw usageError('--state-dir and --targets-configmap are two places for the selection: give one');
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name)) throw usageError(`--targets-configmap needs a ConfigMap name (lower-case letters, digits, '-' and '.'), got '${name}'`);
  return new ConfigMapSelectionStore({ kubeConfig, namespace: workerPods.namespace, name });
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
