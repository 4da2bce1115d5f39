import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { AccessRules } from './access-rules.js';
import { GarbageCollector } from './garbage-collector.js';
import { ObjectStore, type ChangeOptions, type KubeObject } from './object-store.js';
import { ObjectWrites } from './object-writes.js';
import { PortForwards } from './port-forward.js';
import { resourceOfKind, type ResourceName } from './resources.js';
import { ApiRoutes, type RecordedRequest } from './routes.js';
import { ServiceBackends, type Address } from './service-backends.js';
import { WatchHub } from './watch-hub.js';
import { WorkloadSimulator } from './workload-simulator.js';

/*
 * A test stand-in for the Kubernetes API server. No kube-apiserver runs here (none is packaged
 * for Debian or npm); this server speaks the real API's JSON, which the official client
 * (@kubernetes/client-node) and kubectl read, over plain HTTP with bearer-token authentication:
 *
 * - discovery (discovery.ts) and every resource of resources.ts by group, version and namespace:
 *   GET one, list (label and field selectors, `limit`/`continue` pages), watch (chunked events,
 *   replay after a resourceVersion, 410 Expired, BOOKMARK; watch-hub.ts), POST, server-side apply
 *   with field managers and conflicts (server-side-apply.ts), merge patch, PUT, DELETE with
 *   propagation and a garbage collector (object-writes.ts, garbage-collector.ts); one
 *   resourceVersion counter shared by every resource, as etcd's revision is (object-store.ts);
 * - Status bodies for 401/403/404/409… worded as the API server words them (status.ts), RBAC
 *   answers from a rule list a test sets, for requests and SelfSubjectAccessReviews
 *   (access-rules.ts);
 * - controllers, scheduler and kubelet driven by the test: Deployments and DaemonSets get pods
 *   whose fate the test decides (ready, image pull back-off, unschedulable, crash loop), with
 *   events, logs (`pods/log`) and workload status (workload-simulator.ts, pod-fates.ts);
 * - the service proxy and pod port-forward, forwarding to local processes a test registers for a
 *   Service (service-backends.ts, service-proxy.ts, port-forward.ts).
 *
 * Each file says what it simplifies. The namespaces `default`, `kube-system` and `kube-public`
 * exist from the start, as in a new cluster.
 */
export class K8sTestApiServer {
  /** Every resource request (and discovery request, resource ''), in order, with its query. */
  readonly requests: RecordedRequest[] = [];
  /** RBAC as a test wants it: `access.deny({verb: 'create', resource: 'daemonsets'})`. */
  readonly access = new AccessRules();
  /** The controllers and the kubelet: `simulator.fate(match, {state: 'image-pull-backoff'})`. */
  readonly simulator: WorkloadSimulator;
  private readonly store = new ObjectStore();
  private readonly writes: ObjectWrites;
  private readonly watchHub: WatchHub;
  private readonly backends: ServiceBackends;
  private readonly portForwards = new PortForwards();
  private refusing = false;

  private constructor(
    private readonly server: Server,
    readonly token: string,
    readonly user: string,
    anonymous: boolean,
  ) {
    this.writes = new ObjectWrites(this.store);
    this.watchHub = new WatchHub(this.store);
    this.backends = new ServiceBackends(this.store);
    this.simulator = new WorkloadSimulator(this.store, this.writes);
    new GarbageCollector(this.store, this.writes);
    for (const name of ['default', 'kube-system', 'kube-public']) this.store.put('namespaces', { metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    const routes = new ApiRoutes({
      token, user, anonymous, store: this.store, writes: this.writes, watches: this.watchHub, access: this.access, backends: this.backends,
      portForwards: this.portForwards, simulator: this.simulator, requests: this.requests, isRefusing: () => this.refusing,
    });
    server.on('request', (req, res) => routes.handle(req, res));
    server.on('upgrade', (req, socket, head: Buffer) => routes.upgrade(req, socket, head));
  }

  /**
   * Starts on a free port of 127.0.0.1. `user` is the name RBAC refusals give the caller.
   * `anonymous`: requests without credentials are served too, as by an API server started with
   * `--anonymous-auth` whose RBAC lets `system:anonymous` in — for kubectl and Helm, which send
   * no bearer token over plain HTTP.
   */
  static async start(token = 'test-token', user = 'test-user', options: { anonymous?: boolean } = {}): Promise<K8sTestApiServer> {
    const server = createServer();
    const api = new K8sTestApiServer(server, token, user, options.anonymous === true);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The resourceVersion of the latest change (what a list made now would carry). */
  get resourceVersion(): string {
    return String(this.store.resourceVersion);
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

  /** The same as a kubeconfig file's text, for programs (kubectl, helm, `shoal`). */
  kubeconfigYaml(): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: test\n  cluster:\n    server: ${this.url}\n    insecure-skip-tls-verify: true`,
      'users:',
      `- name: test\n  user:\n    token: ${this.token}`,
      'contexts:',
      '- name: test\n  context:\n    cluster: test\n    user: test',
      'current-context: test',
      '',
    ].join('\n');
  }

  /** A copy of a stored object, or undefined. */
  get(resource: ResourceName, name: string, namespace?: string): KubeObject | undefined {
    return this.store.get(resource, name, namespace);
  }

  /** A copy of a stored object by its apiVersion and kind, or undefined. */
  getKind(apiVersion: string, kind: string, name: string, namespace?: string): KubeObject | undefined {
    const type = resourceOfKind(apiVersion, kind);
    if (type === undefined) throw new Error(`the test API server serves no ${kind} (${apiVersion})`);
    return this.store.get(type.resource as ResourceName, name, type.namespaced ? namespace : undefined);
  }

  /** Copies of the resource's objects, in one namespace or all. */
  list(resource: ResourceName, namespace?: string): KubeObject[] {
    return this.store.list(resource, namespace);
  }

  /**
   * Creates or replaces an object (ADDED / MODIFIED) as it is, as a component of the cluster
   * writes it (no admission, no field manager). `unseen`: open watches do not get the event (as
   * when the server's watch cache fell behind); only a list or a replay shows it.
   */
  put(resource: ResourceName, object: KubeObject, options: ChangeOptions = {}): void {
    this.store.put(resource, object, options);
  }

  /** Removes an object at once (DELETED): no grace period, no garbage collection first. */
  remove(resource: ResourceName, name: string, namespace?: string, options: ChangeOptions = {}): void {
    this.store.remove(resource, name, namespace, options);
  }

  /**
   * Sends the service proxy's and port-forward's traffic for a Service's port to a local
   * process: what reaches the Service's ready pods in a cluster reaches `address` here.
   */
  exposeService(namespace: string, service: string, port: number, address: Address): void {
    this.backends.register(namespace, service, port, address);
  }

  /** Sends a BOOKMARK carrying the current resourceVersion on the resource's open watches. */
  bookmark(resource: ResourceName): string {
    return this.watchHub.bookmark(resource);
  }

  /**
   * Forgets the change history (as etcd compaction does) and ends every open watch with a
   * 410 Gone ERROR event, the way the API server tells a client its version is too old.
   */
  expireWatches(): void {
    this.store.compact();
    this.watchHub.expire();
  }

  /** Forgets the change history without touching open watches. */
  compact(): void {
    this.store.compact();
  }

  /** Cuts every open watch connection, as a network failure or an API server restart does. */
  dropWatches(): void {
    this.watchHub.drop();
  }

  /** While set, every resource request gets 503: the API server is unavailable. */
  refuse(refusing: boolean): void {
    this.refusing = refusing;
  }

  /**
   * While set, watch responses wait before their headers (a slow API server): the client's watch
   * is still connecting. Clearing it answers them.
   */
  holdWatches(holding: boolean): void {
    this.watchHub.hold(holding);
  }

  openWatches(resource?: ResourceName): number {
    return this.watchHub.count(resource);
  }

  async close(): Promise<void> {
    this.simulator.stop();
    this.watchHub.drop();
    this.portForwards.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
