import { isDeepStrictEqual } from 'node:util';
import { FOREGROUND, type Deleter } from './garbage-collector.js';
import { now, type KubeObject, type ObjectStore } from './object-store.js';
import { groupVersion, type ResourceName, type ResourceType } from './resources.js';
import { recordUpdate, sameObject, serverSideApply } from './server-side-apply.js';
import { alreadyExists, badRequest, modified, notFound } from './status.js';

/**
 * Every write a client makes — create, server-side apply, merge patch, update, delete — with the
 * API server's checks and bookkeeping: the object's kind matches the path, names and namespaces
 * agree, the namespace exists (the NamespaceLifecycle admission plugin), `metadata.generation`
 * moves when anything but metadata and status changes, a Secret's `stringData` is merged into
 * `data` (base64) and never stored, and field managers are recorded. A write that changes
 * nothing leaves the resourceVersion as it was.
 */
export type Propagation = 'Background' | 'Foreground' | 'Orphan';

export class ObjectWrites implements Deleter {
  constructor(private readonly store: ObjectStore) {}

  create(type: ResourceType, namespace: string | undefined, body: KubeObject, manager: string): KubeObject {
    const object = this.checked(type, namespace, body);
    if (this.store.get(this.resource(type), object.metadata.name, object.metadata.namespace) !== undefined) throw alreadyExists(type, object.metadata.name);
    return this.write(type, undefined, recordUpdate(undefined, object, manager));
  }

  apply(type: ResourceType, namespace: string | undefined, name: string, body: KubeObject, manager: string, force: boolean): { object: KubeObject; created: boolean } {
    const applied = this.checked(type, namespace, body, name);
    const existing = this.store.get(this.resource(type), name, applied.metadata.namespace);
    const object = this.write(type, existing, serverSideApply(existing, applied, manager, force));
    return { object, created: existing === undefined };
  }

  /** JSON merge patch (RFC 7386); strategic merge patches are taken as merge patches here. */
  mergePatch(type: ResourceType, namespace: string | undefined, name: string, patch: unknown, manager: string): KubeObject {
    const existing = this.existing(type, namespace, name);
    const next = mergePatch(existing, patch) as KubeObject;
    return this.write(type, existing, recordUpdate(existing, this.checked(type, namespace, next, name), manager));
  }

  update(type: ResourceType, namespace: string | undefined, name: string, body: KubeObject, manager: string): KubeObject {
    const existing = this.existing(type, namespace, name);
    const given = body.metadata.resourceVersion;
    if (given !== undefined && given !== existing.metadata.resourceVersion) throw modified(type, name);
    const next = this.checked(type, namespace, body, name);
    next.metadata = { ...next.metadata, uid: existing.metadata.uid, creationTimestamp: existing.metadata.creationTimestamp };
    if (next['status'] === undefined && existing['status'] !== undefined) next['status'] = existing['status'];
    return this.write(type, existing, recordUpdate(existing, next, manager));
  }

  /**
   * Deletes by name: Orphan first drops the dependents' references to it; Foreground keeps the
   * object (deletionTimestamp, `foregroundDeletion` finalizer) until the garbage collector has
   * removed its dependents; a pod first terminates (the kubelet removes it). Returns the object
   * as it is after the request.
   */
  deleteNamed(type: ResourceType, namespace: string | undefined, name: string, propagation: Propagation): KubeObject {
    const existing = this.existing(type, namespace, name);
    if (propagation === 'Orphan') this.orphanDependents(existing);
    return this.deleteObject(this.resource(type), existing, propagation === 'Foreground' ? 'Foreground' : 'Background');
  }

  delete(resource: ResourceName, object: KubeObject, propagation: 'Background' | 'Foreground'): void {
    this.deleteObject(resource, object, propagation);
  }

  private deleteObject(resource: ResourceName, object: KubeObject, propagation: 'Background' | 'Foreground'): KubeObject {
    const meta = object.metadata;
    if (meta.deletionTimestamp !== undefined) return object;
    const hasDependents = this.hasDependents(meta.uid);
    if (resource === 'pods' || (propagation === 'Foreground' && hasDependents)) {
      const finalizers = propagation === 'Foreground' && hasDependents ? [...(meta.finalizers ?? []), FOREGROUND] : meta.finalizers;
      return this.store.put(resource, { ...object, metadata: { ...meta, deletionTimestamp: now(), ...(resource === 'pods' ? { deletionGracePeriodSeconds: 30 } : {}), ...(finalizers !== undefined ? { finalizers } : {}) } });
    }
    return this.store.remove(resource, meta.name, meta.namespace);
  }

  private hasDependents(uid: string | undefined): boolean {
    return this.store.all().some((o) => (o.object.metadata.ownerReferences ?? []).some((r) => r.uid === uid));
  }

  private orphanDependents(owner: KubeObject): void {
    for (const { resource, object } of this.store.all()) {
      const refs = object.metadata.ownerReferences ?? [];
      if (!refs.some((r) => r.uid === owner.metadata.uid)) continue;
      this.store.put(resource, { ...object, metadata: { ...object.metadata, ownerReferences: refs.filter((r) => r.uid !== owner.metadata.uid) } });
    }
  }

  private existing(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const found = this.store.get(this.resource(type), name, namespace);
    if (found === undefined) throw notFound(type, name);
    return found;
  }

  /** The body checked against the path, with its namespace filled in; a copy. */
  private checked(type: ResourceType, namespace: string | undefined, body: KubeObject, name?: string): KubeObject {
    if (body === null || typeof body !== 'object' || typeof body.metadata !== 'object' || body.metadata === null) throw badRequest('Object \'metadata\' is missing');
    const object = structuredClone(body);
    const gv = groupVersion(type);
    if (object.kind !== undefined && object.kind !== type.kind) throw badRequest(`the kind of the object (${object.kind}) does not match the resource (${type.resource}: ${type.kind})`);
    if (object.apiVersion !== undefined && object.apiVersion !== gv) throw badRequest(`the API version of the object (${object.apiVersion}) does not match the one of the request (${gv})`);
    object.apiVersion = gv;
    object.kind = type.kind;
    if (name !== undefined && object.metadata.name !== undefined && object.metadata.name !== name) throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
    if (name !== undefined) object.metadata.name = name;
    if (typeof object.metadata.name !== 'string' || object.metadata.name === '') throw badRequest('name or generateName is required');
    if (type.namespaced) {
      if (namespace === undefined) throw badRequest(`${type.resource} is namespaced: write it under /namespaces/NAMESPACE`);
      if (object.metadata.namespace !== undefined && object.metadata.namespace !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      object.metadata.namespace = namespace;
      if (this.store.get('namespaces', namespace) === undefined) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    } else {
      delete object.metadata.namespace;
    }
    if (type.kind === 'Secret') foldStringData(object);
    return object;
  }

  /** Stores `next` unless it is `previous` unchanged; moves the generation when the spec changed. */
  private write(type: ResourceType, previous: KubeObject | undefined, next: KubeObject): KubeObject {
    if (previous !== undefined && sameObject(previous, next)) return previous;
    if (next['spec'] !== undefined) {
      const generation = Number(previous?.metadata['generation'] ?? 0);
      next.metadata['generation'] = previous === undefined ? 1 : isDeepStrictEqual(withoutMeta(previous), withoutMeta(next)) ? generation : generation + 1;
    }
    return this.store.put(this.resource(type), next);
  }

  private resource(type: ResourceType): ResourceName {
    return type.resource as ResourceName;
  }
}

/** What `metadata.generation` counts changes of: everything but metadata and status. */
function withoutMeta(o: KubeObject): unknown {
  return Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'metadata' && k !== 'status'));
}

/** A Secret's `stringData` is write-only: the API server merges it into `data`, base64-encoded. */
function foldStringData(secret: KubeObject): void {
  const stringData = secret['stringData'] as Record<string, string> | undefined;
  if (stringData === undefined) return;
  const data = { ...((secret['data'] as Record<string, string> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(v, 'utf8').toString('base64');
  secret['data'] = data;
  delete secret['stringData'];
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
