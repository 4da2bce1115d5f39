import {
  CoreV1Api,
  DiscoveryV1Api,
  ListWatch,
  Watch,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1EndpointSlice,
  type V1Node,
  type V1Pod,
  type V1Service,
} from '@kubernetes/client-node';
import { ClusterFeed } from './cluster-feed.js';
import type { PodInfo } from './cluster-state.js';
import { clusterNode, clusterService, podInfo, slimNode, slimPod, slimService, slimSlice, sliceEndpoints } from './k8s-objects.js';
import type { NameHistory } from './name-history.js';
import { silentLogger, type NamesLogger } from './names-logger.js';
import type { PodDirectory } from './pod-directory.js';

export interface KubernetesNamesOptions {
  kubeConfig: KubeConfig;
  history: NameHistory;
  logger?: NamesLogger;
  /** First delay before a failed list or watch is tried again; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /**
   * Changes within this window are applied in one pass (default 100 ms). A pass re-derives every
   * name, so it is also spaced by four times the last pass's duration: a large, busy cluster
   * costs at most about a fifth of a core, and its names lag a little more instead.
   */
  coalesceMs?: number;
  /** Objects per list page (`limit`; the API server's recommended way to list much). Default 500. */
  pageSize?: number;
}

export type WatchedKind = 'pods' | 'services' | 'endpointslices' | 'nodes';

/**
 * The client's ListWatch does not ask for bookmarks; this asks on every watch, so a quiet
 * resource still moves its resourceVersion forward and a reconnect resumes instead of relisting.
 * It slims watched objects before the informer caches them (k8s-objects.ts). Once closed it
 * starts nothing and aborts what was still connecting: ListWatch's stop() only aborts a watch
 * whose response headers have arrived, and may be inside a list when it comes.
 */
class BookmarkWatch<T> extends Watch {
  closed = false;

  constructor(
    config: KubeConfig,
    private readonly slim: (o: T) => T,
  ) {
    super(config);
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.closed) return new AbortController();
    // BOOKMARK and ERROR objects are not the resource's kind: they pass as they are.
    const slimming = (phase: string, apiObj: unknown, watchObj?: unknown): void =>
      callback(phase, phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED' ? this.slim(apiObj as T) : apiObj, watchObj);
    const controller = await super.watch(path, { ...queryParams, allowWatchBookmarks: true }, slimming, done);
    if (this.closed) controller.abort();
    return controller;
  }
}

interface Watched<T extends KubernetesObject> {
  kind: WatchedKind;
  informer: ListWatch<T>;
  listed: boolean;
  retryDelay: number;
  retryTimer?: NodeJS.Timeout;
}

/**
 * Names from the Kubernetes API: one list-then-watch per resource (pods, services,
 * endpointslices, nodes) through the official client's ListWatch. The client relists by itself
 * after 410 Gone and resumes from the last resourceVersion when a stream ends; an error (a reset
 * connection, an unreachable API server) stops its loop, so this restarts it with backoff.
 * Every change re-derives the names from the informers' caches and hands them to the history;
 * changes are coalesced (`coalesceMs`), so an initial list of thousands of objects costs one pass.
 */
export class KubernetesNames implements PodDirectory {
  private readonly feed: ClusterFeed;
  private readonly logger: NamesLogger;
  /** One per resource (each slims its own kind); stop() closes them all. */
  private readonly watches: { closed: boolean }[] = [];
  private readonly kubeConfig: KubeConfig;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly coalesceMs: number;
  private flushTimer: NodeJS.Timeout | undefined;
  private nextFlushAt = 0;
  private readonly podWatch: Watched<V1Pod>;
  private readonly serviceWatch: Watched<V1Service>;
  private readonly sliceWatch: Watched<V1EndpointSlice>;
  private readonly nodeWatch: Watched<V1Node>;
  private stopped = false;
  private podsChanged = false;
  private readyWaiters: (() => void)[] = [];

  constructor(options: KubernetesNamesOptions) {
    this.feed = new ClusterFeed(options.history);
    this.logger = options.logger ?? silentLogger;
    this.retryMs = options.retryMs ?? 1000;
    this.maxRetryMs = options.maxRetryMs ?? 30_000;
    this.coalesceMs = options.coalesceMs ?? 100;
    this.kubeConfig = options.kubeConfig;
    const core = options.kubeConfig.makeApiClient(CoreV1Api);
    const discovery = options.kubeConfig.makeApiClient(DiscoveryV1Api);
    const limit = options.pageSize ?? 500;
    this.podWatch = this.watched('pods', '/api/v1/pods', (_continue) => core.listPodForAllNamespaces({ limit, _continue }), slimPod);
    this.serviceWatch = this.watched('services', '/api/v1/services', (_continue) => core.listServiceForAllNamespaces({ limit, _continue }), slimService);
    this.sliceWatch = this.watched('endpointslices', '/apis/discovery.k8s.io/v1/endpointslices', (_continue) => discovery.listEndpointSliceForAllNamespaces({ limit, _continue }), slimSlice);
    this.nodeWatch = this.watched('nodes', '/api/v1/nodes', (_continue) => core.listNode({ limit, _continue }), slimNode);
  }

  /**
   * Starts the four list-watches; resolves once each has listed and its names are in the
   * history, or when stop() is called first. While the API server cannot be reached it keeps
   * trying, so callers that must not wait bound this themselves.
   */
  start(): Promise<void> {
    this.stopped = false;
    for (const watch of this.watches) watch.closed = false;
    const ready = new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    for (const w of this.all()) this.run(w);
    return ready;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const watch of this.watches) watch.closed = true;
    for (const w of this.all()) clearTimeout(w.retryTimer);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await Promise.all(this.all().map((w) => w.informer.stop()));
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }

  pods(): PodInfo[] {
    return this.feed.pods();
  }

  onChange(listener: () => void): () => void {
    return this.feed.onChange(listener);
  }

  /** The resourceVersion each watch resumes from ('' until listed, or after a 410). */
  resourceVersions(): Record<WatchedKind, string> {
    const out = {} as Record<WatchedKind, string>;
    for (const w of this.all()) out[w.kind] = w.informer.latestResourceVersion();
    return out;
  }

  private all(): Watched<KubernetesObject>[] {
    return [this.podWatch, this.serviceWatch, this.sliceWatch, this.nodeWatch] as Watched<KubernetesObject>[];
  }

  private watched<T extends KubernetesObject>(
    kind: WatchedKind,
    path: string,
    page: (continueToken: string | undefined) => Promise<KubernetesListObject<T>>,
    slim: (o: T) => T,
  ): Watched<T> {
    const watch = new BookmarkWatch<T>(this.kubeConfig, slim);
    this.watches.push(watch);
    const w: Watched<T> = {
      kind,
      listed: false,
      retryDelay: this.retryMs,
      informer: new ListWatch<T>(path, watch, async () => {
        const result = await listAll(page, slim);
        w.listed = true;
        w.retryDelay = this.retryMs;
        // An empty list calls no handler, yet still completes the picture.
        this.changed(kind);
        return result;
      }, false),
    };
    const onObject = (): void => {
      w.retryDelay = this.retryMs;
      this.changed(kind);
    };
    w.informer.on('add', onObject);
    w.informer.on('update', onObject);
    w.informer.on('delete', onObject);
    w.informer.on('error', (err: unknown) => this.failed(w as Watched<KubernetesObject>, err));
    return w;
  }

  private run(w: Watched<KubernetesObject>): void {
    w.retryTimer = undefined;
    if (this.stopped) return;
    w.informer.start().catch((err: unknown) => this.failed(w, err));
  }

  private failed(w: Watched<KubernetesObject>, err: unknown): void {
    if (this.stopped || w.retryTimer !== undefined) return;
    const delay = Math.round(w.retryDelay * (0.5 + Math.random() / 2));
    w.retryDelay = Math.min(w.retryDelay * 2, this.maxRetryMs);
    this.logger.warn({ kind: w.kind, err: describe(err), retryInMs: delay }, 'kubernetes watch failed; retrying');
    w.retryTimer = setTimeout(() => this.run(w), delay);
  }

  private changed(kind: WatchedKind): void {
    if (kind === 'pods') this.podsChanged = true;
    if (this.flushTimer !== undefined) return;
    const wait = Math.max(this.coalesceMs, this.nextFlushAt - performance.now());
    this.flushTimer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.flushTimer = undefined;
    // Until every resource is listed the picture is partial (a pod without its service): names
    // made from it would be replaced a moment later, each change an interval and a patch.
    if (this.stopped || !this.all().every((w) => w.listed)) return;
    const began = performance.now();
    const pods = this.podWatch.informer.list().map(podInfo);
    this.feed.publish(
      {
        pods,
        services: this.serviceWatch.informer.list().map(clusterService),
        nodes: this.nodeWatch.informer.list().map(clusterNode),
        endpoints: this.sliceWatch.informer.list().flatMap(sliceEndpoints),
      },
      this.podsChanged,
    );
    this.podsChanged = false;
    const ended = performance.now();
    this.nextFlushAt = ended + 4 * (ended - began);
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }
}

/**
 * Lists page by page (`limit`, then `continue` until the server returns none): every page comes
 * from the first page's snapshot, so the first resourceVersion is the list's. Each page is slimmed
 * before the next is asked for, so whole objects never pile up.
 */
async function listAll<T extends KubernetesObject>(
  page: (continueToken: string | undefined) => Promise<KubernetesListObject<T>>,
  slim: (o: T) => T,
): Promise<KubernetesListObject<T>> {
  const first = await page(undefined);
  const items = first.items.map(slim);
  let next = first.metadata?._continue;
  while (next) {
    const more = await page(next);
    for (const item of more.items) items.push(slim(item));
    next = more.metadata?._continue;
  }
  return { ...first, items, metadata: { resourceVersion: first.metadata?.resourceVersion } };
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
