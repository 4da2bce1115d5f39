import type { ServerResponse } from 'node:http';
import type { ObjectStore, StoreEvent } from './object-store.js';
import { groupVersion, resourceType, type ResourceName } from './resources.js';
import type { Selector } from './selectors.js';

/**
 * Open watches ("Efficient detection of changes"): each is a chunked 200 response carrying one
 * `{"type", "object"}` JSON event per line. A watch with a namespace or selectors sees only the
 * objects they match, and an object that stops matching is sent as DELETED (one that starts, as
 * ADDED), as the API server's watch cache filters. A watch from an old resourceVersion first
 * replays the changes after it; from before the kept history it gets one 410 Expired ERROR event.
 */
export interface WatchRequest {
  resource: ResourceName;
  namespace?: string;
  selector: Selector;
  /** `resourceVersion`: replay the changes after it (none: from now). */
  from?: number;
}

interface OpenWatch extends WatchRequest {
  res: ServerResponse;
}

export function goneEvent(): unknown {
  return {
    type: 'ERROR',
    object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version', reason: 'Expired', code: 410 },
  };
}

export class WatchHub {
  private readonly open = new Set<OpenWatch>();
  private holding = false;
  private readonly held: ServerResponse[] = [];

  constructor(private readonly store: ObjectStore) {
    store.onChange((event, unseen) => {
      if (!unseen) for (const w of this.open) this.deliver(w, event);
    });
  }

  serve(request: WatchRequest, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    // The API server answers a watch at once; Node would hold the headers until the first event.
    if (this.holding) this.held.push(res);
    else res.flushHeaders();
    const from = request.from ?? this.store.resourceVersion;
    if (from + 1 < this.store.oldestKept) {
      // The API server answers a too-old version with 200 and one 410 ERROR event, then ends.
      res.end(`${JSON.stringify(goneEvent())}\n`);
      return;
    }
    const open: OpenWatch = { ...request, res };
    for (const e of this.store.changesAfter(request.resource, from)) this.deliver(open, e);
    this.open.add(open);
    res.on('close', () => this.open.delete(open));
  }

  /** Sends a BOOKMARK carrying the current resourceVersion on the resource's open watches. */
  bookmark(resource: ResourceName): string {
    const rv = String(this.store.resourceVersion);
    const t = resourceType(resource);
    const event = { type: 'BOOKMARK', object: { apiVersion: groupVersion(t), kind: t.kind, metadata: { resourceVersion: rv } } };
    for (const w of this.open) if (w.resource === resource) w.res.write(`${JSON.stringify(event)}\n`);
    return rv;
  }

  /** Ends every open watch with a 410 Gone ERROR event. */
  expire(): void {
    for (const w of [...this.open]) {
      w.res.end(`${JSON.stringify(goneEvent())}\n`);
      this.open.delete(w);
    }
  }

  /** Cuts every open watch connection, as a network failure or an API server restart does. */
  drop(): void {
    for (const w of [...this.open]) w.res.socket?.destroy();
    this.open.clear();
  }

  hold(holding: boolean): void {
    this.holding = holding;
    if (!holding) for (const res of this.held.splice(0)) if (!res.destroyed) res.flushHeaders();
  }

  count(resource?: ResourceName): number {
    return [...this.open].filter((w) => resource === undefined || w.resource === resource).length;
  }

  private deliver(w: OpenWatch, e: StoreEvent): void {
    if (e.resource !== w.resource) return;
    const matches = (o: { metadata: { namespace?: string } } | undefined): boolean =>
      o !== undefined && (w.namespace === undefined || o.metadata.namespace === w.namespace) && w.selector(o as never);
    const now = e.type !== 'DELETED' && matches(e.object);
    const before = e.type !== 'ADDED' && matches(e.previous);
    const type = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
    if (type !== undefined) w.res.write(`${JSON.stringify({ type, object: e.object })}\n`);
  }
}
