import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AccessRules } from './access-rules.js';
import { discoveryDocument } from './discovery.js';
import type { KubeObject, ObjectStore } from './object-store.js';
import type { ObjectWrites, Propagation } from './object-writes.js';
import { logRefusal } from './pod-fates.js';
import { parseResourcePath, requestVerb, type ResourcePath } from './request-path.js';
import { groupVersion, type ResourceName } from './resources.js';
import { fieldSelector, labelSelector } from './selectors.js';
import type { ServiceBackends } from './service-backends.js';
import { proxyHttp, proxyUpgrade } from './service-proxy.js';
import type { PortForwards } from './port-forward.js';
import {
  badRequest, expired, forbidden, methodNotAllowed, notFound, pathNotFound, sendJson, sendStatus, serviceUnavailable, StatusError, unauthorized, unsupportedMediaType,
  type RequestAttributes,
} from './status.js';
import type { WatchHub } from './watch-hub.js';
import type { WorkloadSimulator } from './workload-simulator.js';

/** A request the server answered, for tests that check what a client asked. */
export interface RecordedRequest {
  /** The authorizer's verb: get, list, watch, create, patch, update, delete. */
  verb: string;
  /** The resource's plural name, or '' for discovery. */
  resource: ResourceName | '';
  namespace?: string;
  name?: string;
  subresource?: string;
  watch: boolean;
  query: Record<string, string>;
  /** For a PATCH: its content type (`application/apply-patch+yaml` is server-side apply). */
  contentType?: string;
}

export interface RouteDeps {
  token: string;
  /** Requests without credentials pass as `system:anonymous` (the API server's --anonymous-auth). */
  anonymous: boolean;
  user: string;
  store: ObjectStore;
  writes: ObjectWrites;
  watches: WatchHub;
  access: AccessRules;
  backends: ServiceBackends;
  portForwards: PortForwards;
  simulator: WorkloadSimulator;
  requests: RecordedRequest[];
  isRefusing(): boolean;
}

/** The most a request body may hold (the API server's limit is 3 MiB). */
const BODY_LIMIT = 3 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the request body is too large', reason: 'RequestEntityTooLarge', code: 413 });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // YAML bodies are valid for apply; clients send its JSON form, which is all this stand-in reads.
    throw badRequest('the request body is not JSON (this test server reads JSON, the form clients send)');
  }
}

function statusSuccess(path: ResourcePath, object: KubeObject): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: object.metadata.name, ...(path.type.group !== '' ? { group: path.type.group } : {}), kind: path.type.resource, uid: object.metadata.uid } };
}

export class ApiRoutes {
  /** The rest of paged lists, by continue token: later pages come from the first one's snapshot. */
  private readonly pages = new Map<string, { rv: number; items: KubeObject[] }>();
  private nextPage = 0;

  constructor(private readonly d: RouteDeps) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.route(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof StatusError) sendStatus(res, err);
      else sendStatus(res, new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: String(err), reason: 'InternalError', code: 500 }));
    });
  }

  /** WebSocket upgrades: the service proxy and a pod's port-forward. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (err: StatusError): void => {
      const body = JSON.stringify(err.status);
      socket.end(`HTTP/1.1 ${err.status.code} ${err.status.reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    };
    try {
      const url = new URL(req.url ?? '/', 'http://api');
      const path = this.authorize(req, url);
      const query = Object.fromEntries(url.searchParams);
      if (path.type.resource === 'services' && path.subresource === 'proxy') {
        const target = this.d.backends.forProxy(path.namespace!, path.name!);
        proxyUpgrade(req, socket, head, target, `${path.rest === '' ? '/' : path.rest}${url.search}`);
        return;
      }
      if (path.type.resource === 'pods' && path.subresource === 'portforward') {
        const pod = this.d.store.get('pods', path.name!, path.namespace);
        if (pod === undefined) throw notFound(path.type, path.name!);
        const port = Number(query['ports']);
        if (!(port > 0 && port < 65536)) throw badRequest('a port to forward is required (?ports=N)');
        this.d.portForwards.upgrade(req, socket, head, port, this.d.backends.forPod(path.namespace!, path.name!, port));
        return;
      }
      throw badRequest(`${path.type.resource}${path.subresource !== undefined ? `/${path.subresource}` : ''} takes no upgrade`);
    } catch (err) {
      if (err instanceof StatusError) refuse(err);
      else socket.destroy();
    }
  }

  /** The bearer token, or no credentials at all where anonymous requests are allowed. */
  private authenticated(req: IncomingMessage): boolean {
    const given = req.headers.authorization;
    return given === `Bearer ${this.d.token}` || (this.d.anonymous && given === undefined);
  }

  /** Authenticates, resolves and authorizes a resource request; records it. Throws a Status. */
  private authorize(req: IncomingMessage, url: URL): ResourcePath {
    if (!this.authenticated(req)) throw unauthorized();
    const path = parseResourcePath(url.pathname);
    if (path === undefined) throw pathNotFound(url.pathname);
    const query = Object.fromEntries(url.searchParams);
    const watch = query['watch'] === 'true' || query['watch'] === '1';
    const verb = req.headers.upgrade !== undefined && path.subresource === 'portforward' ? 'create' : requestVerb(req.method ?? 'GET', path, watch);
    const attributes: RequestAttributes = {
      verb, group: path.type.group, resource: path.type.resource,
      ...(path.subresource !== undefined ? { subresource: path.subresource } : {}),
      ...(path.namespace !== undefined ? { namespace: path.namespace } : {}),
      ...(path.name !== undefined ? { name: path.name } : {}),
    };
    this.d.requests.push({
      verb, resource: path.type.resource as ResourceName, watch, query,
      ...(path.namespace !== undefined ? { namespace: path.namespace } : {}),
      ...(path.name !== undefined ? { name: path.name } : {}),
      ...(path.subresource !== undefined ? { subresource: path.subresource } : {}),
      ...(req.method === 'PATCH' ? { contentType: String(req.headers['content-type'] ?? '') } : {}),
    });
    if (this.d.isRefusing()) throw serviceUnavailable('the API server is unavailable');
    if (!this.d.access.allows(attributes)) throw forbidden(this.d.user, attributes);
    return path;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://api');
    const doc = discoveryDocument(url.pathname);
    if (doc !== undefined) {
      if (!this.authenticated(req)) throw unauthorized();
      this.d.requests.push({ verb: 'get', resource: '', watch: false, query: {} });
      return sendJson(res, 200, doc);
    }
    const path = this.authorize(req, url);
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? 'GET';
    const { type } = path;
    const resource = type.resource as ResourceName;
    if (path.subresource === 'proxy' && resource === 'services') {
      const target = this.d.backends.forProxy(path.namespace!, path.name!);
      const prefix = url.pathname.slice(0, url.pathname.length - path.rest.length).replace(/\/$/, '');
      return proxyHttp(req, res, target, `${path.rest === '' ? '/' : path.rest}${url.search}`, prefix);
    }
    if (path.subresource === 'log' && resource === 'pods') return this.logs(res, path, query);
    if (path.subresource === 'portforward') throw badRequest('port-forward needs a WebSocket upgrade');
    if (path.subresource !== undefined && path.subresource !== 'status') throw pathNotFound(url.pathname);
    if (resource === 'selfsubjectaccessreviews') {
      if (method !== 'POST') throw methodNotAllowed();
      return this.accessReview(res, await readBody(req));
    }
    const manager = query['fieldManager'] ?? String(req.headers['user-agent'] ?? 'unknown').split('/')[0]!;
    switch (method) {
      case 'GET':
        if (path.name !== undefined) {
          const found = this.d.store.get(resource, path.name, path.namespace);
          if (found === undefined) throw notFound(type, path.name);
          return sendJson(res, 200, found);
        }
        if (query['watch'] === 'true' || query['watch'] === '1') {
          const selector = [labelSelector(query['labelSelector']), fieldSelector(query['fieldSelector'])];
          return this.d.watches.serve({ resource, ...(path.namespace !== undefined ? { namespace: path.namespace } : {}), selector: (o) => selector.every((s) => s(o)), ...(query['resourceVersion'] ? { from: Number(query['resourceVersion']) } : {}) }, res);
        }
        return this.list(res, path, query);
      case 'POST':
        if (path.name !== undefined) throw methodNotAllowed();
        return sendJson(res, 201, this.d.writes.create(type, path.namespace, (await readBody(req)) as KubeObject, manager));
      case 'PATCH': {
        if (path.name === undefined) throw methodNotAllowed();
        const contentType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
        const body = await readBody(req);
        if (contentType === 'application/apply-patch+yaml') {
          if (query['fieldManager'] === undefined || query['fieldManager'] === '') throw badRequest('PATCH, application/apply-patch+yaml: fieldManager is required for apply requests');
          const { object, created } = this.d.writes.apply(type, path.namespace, path.name, body as KubeObject, query['fieldManager'], query['force'] === 'true');
          return sendJson(res, created ? 201 : 200, object);
        }
        if (contentType === 'application/merge-patch+json' || contentType === 'application/strategic-merge-patch+json') {
          return sendJson(res, 200, this.d.writes.mergePatch(type, path.namespace, path.name, body, manager));
        }
        throw unsupportedMediaType(contentType);
      }
      case 'PUT':
        if (path.name === undefined) throw methodNotAllowed();
        return sendJson(res, 200, this.d.writes.update(type, path.namespace, path.name, (await readBody(req)) as KubeObject, manager));
      case 'DELETE': {
        if (path.name === undefined) throw methodNotAllowed();
        const options = ((await readBody(req)) ?? {}) as { propagationPolicy?: string };
        const propagation = (query['propagationPolicy'] ?? options.propagationPolicy ?? 'Background') as Propagation;
        if (!['Background', 'Foreground', 'Orphan'].includes(propagation)) throw badRequest(`propagationPolicy must be Orphan, Background or Foreground, got ${propagation}`);
        const after = this.d.writes.deleteNamed(type, path.namespace, path.name, propagation);
        const stillThere = this.d.store.get(resource, path.name, path.namespace) !== undefined;
        return sendJson(res, 200, stillThere ? after : statusSuccess(path, after));
      }
      default:
        throw methodNotAllowed();
    }
  }

  /** A list, paged when asked (`limit`, `continue`), as the API server pages large lists. */
  private list(res: ServerResponse, path: ResourcePath, query: Record<string, string>): void {
    const resource = path.type.resource as ResourceName;
    const labels = labelSelector(query['labelSelector']);
    const fields = fieldSelector(query['fieldSelector']);
    let snapshot = { rv: this.d.store.resourceVersion, items: this.d.store.list(resource, path.namespace).filter((o) => labels(o) && fields(o)) };
    if (query['continue']) {
      const kept = this.pages.get(query['continue']);
      if (kept === undefined) throw expired('the provided continue parameter is too old');
      this.pages.delete(query['continue']);
      snapshot = kept;
    }
    const limit = query['limit'] ? Number(query['limit']) : Infinity;
    const items = snapshot.items.slice(0, limit);
    const rest = snapshot.items.slice(items.length);
    const metadata: Record<string, unknown> = { resourceVersion: String(snapshot.rv) };
    if (rest.length > 0) {
      const token = `page-${++this.nextPage}`;
      this.pages.set(token, { rv: snapshot.rv, items: rest });
      metadata['continue'] = token;
      metadata['remainingItemCount'] = rest.length;
    }
    sendJson(res, 200, { kind: `${path.type.kind}List`, apiVersion: groupVersion(path.type), metadata, items });
  }

  private logs(res: ServerResponse, path: ResourcePath, query: Record<string, string>): void {
    const pod = this.d.store.get('pods', path.name!, path.namespace);
    if (pod === undefined) throw notFound(path.type, path.name!);
    const containers = ((pod['spec'] as { containers?: { name: string }[] }).containers ?? []).map((c) => c.name);
    const container = query['container'] ?? (containers.length === 1 ? containers[0]! : undefined);
    if (container === undefined) throw badRequest(`a container name must be specified for pod ${path.name}, choose one of: [${containers.join(' ')}]`);
    if (!containers.includes(container)) throw badRequest(`container ${container} is not valid for pod ${path.name}`);
    const refusal = logRefusal(pod, container);
    if (refusal !== undefined) throw badRequest(refusal);
    let lines = this.d.simulator.logsOf(path.namespace!, path.name!, container) ?? [];
    const tail = query['tailLines'] !== undefined ? Number(query['tailLines']) : undefined;
    if (tail !== undefined && tail >= 0) lines = lines.slice(Math.max(lines.length - tail, 0));
    const body = lines.map((l) => `${l}\n`).join('');
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  /** SelfSubjectAccessReview (authorization.k8s.io/v1): may the caller do this? Answered from the rules. */
  private accessReview(res: ServerResponse, body: unknown): void {
    const spec = (body as { spec?: { resourceAttributes?: Partial<RequestAttributes> } } | undefined)?.spec?.resourceAttributes;
    if (spec === undefined || spec.verb === undefined) throw badRequest('spec.resourceAttributes.verb is required');
    const allowed = this.d.access.allows({
      verb: spec.verb, group: spec.group ?? '', resource: spec.resource ?? '',
      ...(spec.subresource ? { subresource: spec.subresource } : {}),
      ...(spec.namespace ? { namespace: spec.namespace } : {}),
      ...(spec.name ? { name: spec.name } : {}),
    });
    sendJson(res, 201, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: { creationTimestamp: null }, spec: { resourceAttributes: spec }, status: { allowed } });
  }
}
