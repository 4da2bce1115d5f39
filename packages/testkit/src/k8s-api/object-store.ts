import { randomUUID } from 'node:crypto';
import { groupVersion, resourceType, type ResourceName } from './resources.js';

/** An object as the API serves it: JSON, with at least a name. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    deletionTimestamp?: string;
    finalizers?: string[];
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** One change, as a watch reports it; `previous` is the object before a change or deletion. */
export interface StoreEvent {
  rv: number;
  resource: ResourceName;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  previous?: KubeObject;
}

/** `unseen`: open watches are not told (a watch cache that fell behind); lists and replays see it. */
export interface ChangeOptions {
  unseen?: boolean;
}

export type ChangeListener = (event: StoreEvent, unseen: boolean) => void;

/** `namespace/name`, or the name alone for a cluster-scoped object. */
export function objectKey(name: string, namespace?: string): string {
  return namespace === undefined ? name : `${namespace}/${name}`;
}

/** RFC 3339 to the second, as the API writes timestamps. */
export function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * Every object of the test API server, as etcd holds them for the real one: one resourceVersion
 * counter shared by every resource (etcd's revision), each change logged so a watch from an older
 * version replays what came after, until `compact()` forgets the history (etcd compaction).
 * Objects go in and out as copies: a caller never holds the stored one.
 */
export class ObjectStore {
  private rv = 100;
  /** Watches from a version below this cannot be replayed. */
  private oldest = 0;
  private readonly objects = new Map<ResourceName, Map<string, KubeObject>>();
  private readonly history = new Map<ResourceName, StoreEvent[]>();
  private readonly listeners = new Set<ChangeListener>();

  get resourceVersion(): number {
    return this.rv;
  }

  get oldestKept(): number {
    return this.oldest;
  }

  get(resource: ResourceName, name: string, namespace?: string): KubeObject | undefined {
    const found = this.map(resource).get(objectKey(name, namespace));
    return found === undefined ? undefined : structuredClone(found);
  }

  /** The resource's objects, in one namespace or all. */
  list(resource: ResourceName, namespace?: string): KubeObject[] {
    return [...this.map(resource).values()].filter((o) => namespace === undefined || o.metadata.namespace === namespace).map((o) => structuredClone(o));
  }

  /**
   * Creates or replaces an object under a new resourceVersion, filling what the API server sets
   * on creation (apiVersion and kind, uid, creationTimestamp) when the object lacks them.
   */
  put(resource: ResourceName, object: KubeObject, options: ChangeOptions = {}): KubeObject {
    const type = resourceType(resource);
    const key = objectKey(object.metadata.name, object.metadata.namespace);
    const previous = this.map(resource).get(key);
    const stored: KubeObject = structuredClone(object);
    stored.apiVersion ??= groupVersion(type);
    stored.kind ??= type.kind;
    stored.metadata.uid ??= previous?.metadata.uid ?? randomUUID();
    stored.metadata.creationTimestamp ??= previous?.metadata.creationTimestamp ?? now();
    stored.metadata.resourceVersion = String(++this.rv);
    this.map(resource).set(key, stored);
    this.record({ rv: this.rv, resource, type: previous === undefined ? 'ADDED' : 'MODIFIED', object: structuredClone(stored), ...(previous !== undefined ? { previous: structuredClone(previous) } : {}) }, options);
    return structuredClone(stored);
  }

  remove(resource: ResourceName, name: string, namespace?: string, options: ChangeOptions = {}): KubeObject {
    const key = objectKey(name, namespace);
    const old = this.map(resource).get(key);
    if (old === undefined) throw new Error(`no ${resource} ${key} to remove`);
    this.map(resource).delete(key);
    const gone = structuredClone(old);
    gone.metadata.resourceVersion = String(++this.rv);
    this.record({ rv: this.rv, resource, type: 'DELETED', object: gone, previous: structuredClone(old) }, options);
    return structuredClone(gone);
  }

  /** Every object of every resource. */
  all(): { resource: ResourceName; object: KubeObject }[] {
    return [...this.objects].flatMap(([resource, map]) => [...map.values()].map((o) => ({ resource, object: structuredClone(o) })));
  }

  /** The resource's changes after version `rv`, oldest first. */
  changesAfter(resource: ResourceName, rv: number): StoreEvent[] {
    return (this.history.get(resource) ?? []).filter((e) => e.rv > rv);
  }

  /** Forgets the change history, as etcd compaction does. */
  compact(): void {
    this.oldest = this.rv + 1;
    this.history.clear();
  }

  /** Calls `listener` after every change; returns the function that stops the calls. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(event: StoreEvent, options: ChangeOptions): void {
    let log = this.history.get(event.resource);
    if (log === undefined) this.history.set(event.resource, (log = []));
    log.push(event);
    for (const listener of [...this.listeners]) listener(event, options.unseen === true);
  }

  private map(resource: ResourceName): Map<string, KubeObject> {
    let map = this.objects.get(resource);
    if (map === undefined) this.objects.set(resource, (map = new Map()));
    return map;
  }
}
