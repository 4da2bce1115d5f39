import type { Workload } from '@shoal/model';
import { startHub, type RunningHub } from '@shoal/hub';
import { dashboardDir } from './front/dashboard-files.js';
import { startFront, type RunningFront } from './front/front-server.js';
import { signInLink } from './front/sign-in-link.js';
import { newSignInToken } from './token-option.js';
import { startWorker, type PacketSource, type RunningWorker, type Target, type createWorkerLogger } from '@shoal/worker';

type Logger = ReturnType<typeof createWorkerLogger>;

/** Worker and hub of `shoal local` and `shoal view` listen here only: the hub has no token. */
export const LOOPBACK = '127.0.0.1';

export interface SingleNodeOptions {
  /** The worker's name: the first part of entry ids, and its name in the hub's /status. */
  nodeName: string;
  nodeIp: string;
  interface: string;
  source: PacketSource;
  targets: Target[];
  /** Names for the targets' addresses, applied to entries as they are made. */
  names?: Record<string, Workload>;
  dataDir: string;
  storageLimitBytes: number;
  hubPort: number;
  /** The dashboard's port (`shoal front` in this process, in front of the hub); 0 picks a free one. */
  frontPort: number;
  /** False when the source replays a file with its own times (see WorkerOptions.wallClock). */
  wallClock?: boolean;
  workerLog: Logger;
  hubLog: Logger;
}

export interface SingleNodeHub {
  readonly worker: RunningWorker;
  readonly hub: RunningHub;
  readonly front: RunningFront;
  /** The dashboard's sign-in link: its URL with this run's token (`?token=`), to print once. */
  readonly dashboardLink: string;
  readonly hubUrl: string;
  readonly workerUrl: string;
  /** Stops the dashboard and the hub first (their clients see the end), then the worker (which flushes its store). */
  close(): Promise<void>;
}

/**
 * One worker, a hub that lists only it, and the dashboard in front of the hub, in this process:
 * what a cluster runs, on one machine. The worker's API is on a free loopback port and its generated token (DATA_DIR/token)
 * is handed to the hub directly, so the user deals with the hub alone. The dashboard's sign-in
 * token is new with every run: only the printed link signs a browser in.
 */
export async function startSingleNodeHub(options: SingleNodeOptions): Promise<SingleNodeHub> {
  const worker = await startWorker({
    port: 0,
    host: LOOPBACK,
    interface: options.interface,
    source: options.source,
    dataDir: options.dataDir,
    storageLimitBytes: options.storageLimitBytes,
    nodeName: options.nodeName,
    nodeIp: options.nodeIp,
    logger: options.workerLog,
    ...(options.wallClock !== undefined ? { wallClock: options.wallClock } : {}),
  });
  let hub: RunningHub | undefined;
  let front: RunningFront;
  const signInToken = newSignInToken();
  try {
    hub = await startHub({
      port: options.hubPort,
      host: LOOPBACK,
      workers: [{ name: options.nodeName, host: LOOPBACK, port: worker.port }],
      workerToken: worker.token,
      logger: options.hubLog,
    });
    const hubUrl = `http://${LOOPBACK}:${hub.port}`;
    // A file's entries keep its times (wallClock false): the map and the statistics open on them.
    const dataSpan = options.wallClock === false ? { dataSpan: () => worker.core.store.timeSpan() } : {};
    front = await startFront({ port: options.frontPort, host: LOOPBACK, hubUrl, signInToken, dir: dashboardDir(), ...dataSpan });
  } catch (err) {
    await hub?.close();
    await worker.close();
    throw err;
  }
  // Targets last, once every port is known: the worker↔hub, hub↔client and page↔front traffic
  // crosses loopback, which `shoal local` captures, and must not be made into entries of itself.
  worker.core.ignorePorts([worker.port, hub.port, front.port]);
  // Names before targets: the first entries already carry them.
  if (options.names !== undefined) worker.core.resolution.replace(options.names);
  worker.core.setTargets(options.targets);
  return {
    worker,
    hub,
    front,
    dashboardLink: signInLink(front.url, signInToken),
    hubUrl: `http://${LOOPBACK}:${hub.port}`,
    workerUrl: `http://${LOOPBACK}:${worker.port}`,
    close: async () => {
      await front.close();
      await hub.close();
      await worker.close();
    },
  };
}
