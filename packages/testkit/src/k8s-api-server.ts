import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/*
 * A test stand-in for the Kubernetes API server. No API server can run here; this server speaks
 * the real API shapes the official client reads (Kubernetes API concepts, "Efficient detection of
 * changes"): list responses `{kind: "PodList", metadata: {resourceVersion}, items}`; watch
 * streams (`?watch=true&resourceVersion=N`) sent chunked, one `{"type", "object"}` JSON event per
 * line, replaying the changes after N; `410 Gone` as an ERROR event carrying a Status when N is
 * older than the retained history; BOOKMARK events; bearer-token authentication. One
 * resourceVersion counter is shared by every resource, as etcd's revision is.
 */

export type ResourceName = 'pods' | 'services' | 'endpointslices' | 'nodes';

interface KubeObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}

interface WatchEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

interface OpenWatch {
  resource: ResourceName;
  res: ServerResponse;
}

const RESOURCES: Record<string, { name: ResourceName; listKind: string; apiVersion: string; kind: string }> = {
  '/api/v1/pods': { name: 'pods', listKind: 'PodList', apiVersion: 'v1', kind: 'Pod' },
  '/api/v1/services': { name: 'services', listKind: 'ServiceList', apiVersion: 'v1', kind: 'Service' },
  '/api/v1/nodes': { name: 'nodes', listKind: 'NodeList', apiVersion: 'v1', kind: 'Node' },
  '/apis/discovery.k8s.io/v1/endpointslices': { name: 'endpointslices', listKind: 'EndpointSliceList', apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
};

export interface RecordedRequest {
  resource: ResourceName;
  watch: boolean;
  query: Record<string, string>;
}

export class K8sTestApiServer {
  /** Every list and watch request, in order, with its query. */
  readonly requests: RecordedRequest[] = [];
  private rv = 100;
  /** Watches from a version below this get 410 Gone: the history before it is forgotten. */
  private oldestKept = 0;
  private readonly objects = new Map<ResourceName, Map<string, KubeObject>>();
  private readonly log = new Map<ResourceName, WatchEvent[]>();
  private readonly watches = new Set<OpenWatch>();
  private refusing = false;
  private holding = false;
  private readonly held: ServerResponse[] = [];
  /** The rest of paged lists, by continue token: later pages come from the first one's snapshot. */
  private readonly snapshots = new Map<string, { rv: number; items: KubeObject[] }>();
  private nextToken = 0;

  private constructor(
    private readonly server: Server,
    readonly token: string,
  ) {}

  static async start(token = 'test-token'): Promise<K8sTestApiServer> {
    const server = createServer();
    const api = new K8sTestApiServer(server, token);
    server.on('request', (req, res) => api.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The resourceVersion of the latest change (what a list made now would carry). */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** A KubeConfig for the official client: this server, plain HTTP, token auth. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'test', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'test', token: this.token }],
      contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
      currentContext: 'test',
    });
    return kc;
  }

  /**
   * Creates or replaces an object (ADDED / MODIFIED). `unseen`: open watches do not get the
   * event (as when the server's watch cache fell behind); only a list or a replay shows it.
   */
  put(resource: ResourceName, object: KubeObject, options: { unseen?: boolean } = {}): void {
    const store = this.store(resource);
    const key = objectKey(object);
    const type = store.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.rv) } };
    store.set(key, stored);
    this.record(resource, { rv: this.rv, type, object: stored }, options.unseen === true);
  }

  remove(resource: ResourceName, name: string, namespace?: string, options: { unseen?: boolean } = {}): void {
    const store = this.store(resource);
    const key = namespace === undefined ? name : `${namespace}/${name}`;
    const old = store.get(key);
    if (old === undefined) throw new Error(`no ${resource} ${key} to remove`);
    store.delete(key);
    const gone = { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.rv) } };
    this.record(resource, { rv: this.rv, type: 'DELETED', object: gone }, options.unseen === true);
  }

  /** Sends a BOOKMARK carrying the current resourceVersion on the resource's open watches. */
  bookmark(resource: ResourceName): string {
    const rv = String(this.rv);
    const { apiVersion, kind } = describeResource(resource);
    this.send(resource, { type: 'BOOKMARK', object: { apiVersion, kind, metadata: { resourceVersion: rv } } });
    return rv;
  }

  /**
   * Forgets the change history (as etcd compaction does) and ends every open watch with a
   * 410 Gone ERROR event, the way the API server tells a client its version is too old.
   */
  expireWatches(): void {
    this.oldestKept = this.rv + 1;
    for (const w of [...this.watches]) {
      w.res.end(`${JSON.stringify(goneEvent())}\n`);
      this.watches.delete(w);
    }
  }

  /** Forgets the change history without touching open watches. */
  compact(): void {
    this.oldestKept = this.rv + 1;
  }

  /** Cuts every open watch connection, as a network failure or an API server restart does. */
  dropWatches(): void {
    for (const w of [...this.watches]) w.res.socket?.destroy();
    this.watches.clear();
  }

  /** While set, list and watch requests get 503: the API server is unreachable. */
  refuse(refusing: boolean): void {
    this.refusing = refusing;
  }

  /**
   * While set, watch responses wait before their headers (a slow API server): the client's watch
   * is still connecting. Clearing it answers them.
   */
  holdWatches(holding: boolean): void {
    this.holding = holding;
    if (!holding) for (const res of this.held.splice(0)) if (!res.destroyed) res.flushHeaders();
  }

  openWatches(resource?: ResourceName): number {
    return [...this.watches].filter((w) => resource === undefined || w.resource === resource).length;
  }

  async close(): Promise<void> {
    for (const w of this.watches) w.res.socket?.destroy();
    this.watches.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const resource = RESOURCES[url.pathname];
    if (req.headers.authorization !== `Bearer ${this.token}`) return status(res, 401, 'Unauthorized', 'Unauthorized');
    if (req.method !== 'GET' || resource === undefined) return status(res, 404, 'NotFound', `the server could not find the requested resource ${url.pathname}`);
    const query = Object.fromEntries(url.searchParams);
    const watch = query.watch === 'true' || query.watch === '1';
    this.requests.push({ resource: resource.name, watch, query });
    if (this.refusing) return status(res, 503, 'ServiceUnavailable', 'the API server is unavailable');
    if (!watch) return this.list(res, resource.name, resource.listKind, resource.apiVersion, query);
    res.writeHead(200, { 'content-type': 'application/json' });
    // The API server answers a watch at once; Node would hold the headers until the first event.
    if (this.holding) this.held.push(res);
    else res.flushHeaders();
    const from = query.resourceVersion ? Number(query.resourceVersion) : this.rv;
    if (from + 1 < this.oldestKept) {
      // The API server answers a too-old version with 200 and one 410 ERROR event, then ends.
      res.end(`${JSON.stringify(goneEvent())}\n`);
      return;
    }
    for (const e of this.log.get(resource.name) ?? []) {
      if (e.rv > from) res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    }
    const open: OpenWatch = { resource: resource.name, res };
    this.watches.add(open);
    res.on('close', () => this.watches.delete(open));
  }

  /** A list, paged when asked (`limit`, `continue`), as the API server pages large lists. */
  private list(res: ServerResponse, resource: ResourceName, kind: string, apiVersion: string, query: Record<string, string>): void {
    let snapshot = { rv: this.rv, items: [...this.store(resource).values()] };
    if (query.continue) {
      const kept = this.snapshots.get(query.continue);
      if (kept === undefined) return status(res, 410, 'Expired', 'the provided continue parameter is too old');
      this.snapshots.delete(query.continue);
      snapshot = kept;
    }
    const limit = query.limit ? Number(query.limit) : Infinity;
    const items = snapshot.items.slice(0, limit);
    const rest = snapshot.items.slice(items.length);
    const metadata: Record<string, unknown> = { resourceVersion: String(snapshot.rv) };
    if (rest.length > 0) {
      const token = `page-${++this.nextToken}`;
      this.snapshots.set(token, { rv: snapshot.rv, items: rest });
      metadata.continue = token;
      metadata.remainingItemCount = rest.length;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind, apiVersion, metadata, items }));
  }

  private record(resource: ResourceName, event: WatchEvent, unseen: boolean): void {
    let log = this.log.get(resource);
    if (log === undefined) this.log.set(resource, (log = []));
    log.push(event);
    if (!unseen) this.send(resource, { type: event.type, object: event.object });
  }

  private send(resource: ResourceName, event: unknown): void {
    for (const w of this.watches) if (w.resource === resource) w.res.write(`${JSON.stringify(event)}\n`);
  }

  private store(resource: ResourceName): Map<string, KubeObject> {
    let store = this.objects.get(resource);
    if (store === undefined) this.objects.set(resource, (store = new Map()));
    return store;
  }
}

function objectKey(o: KubeObject): string {
  return o.metadata.namespace === undefined ? o.metadata.name : `${o.metadata.namespace}/${o.metadata.name}`;
}

function describeResource(resource: ResourceName): { apiVersion: string; kind: string } {
  return Object.values(RESOURCES).find((r) => r.name === resource)!;
}

function goneEvent(): unknown {
  return {
    type: 'ERROR',
    object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version', reason: 'Expired', code: 410 },
  };
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}
