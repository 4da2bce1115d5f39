import { isDeepStrictEqual } from 'node:util';
import { now, type KubeObject } from './object-store.js';
import { applyConflict } from './status.js';

/**
 * Field ownership as server-side apply keeps it ("Server-Side Apply", kubernetes.io/docs/
 * reference/using-api/server-side-apply/): every field belongs to the managers that set it,
 * recorded in `metadata.managedFields` (FieldsV1: `{"f:spec":{"f:replicas":{}}}`); an apply sets
 * the fields of its configuration, takes away from the object the fields it set before and left
 * out now (unless another manager also owns them), and refuses with a 409 Conflict to change a
 * field another manager owns with another value, unless `force` moves the field to it.
 *
 * A stand-in's simplification, said plainly: lists are atomic here (one owner for a whole list;
 * the real API merges lists of named items, such as containers, item by item), and there is no
 * schema, so defaulting and field validation do not happen.
 */

/** What the server sets and apply never touches. */
const SERVER_META = ['resourceVersion', 'uid', 'creationTimestamp', 'managedFields', 'generation', 'deletionTimestamp', 'selfLink'];

type Path = string[];
type Json = Record<string, unknown>;

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Json;
}

function isMap(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The configuration's fields: apiVersion and kind, metadata but what the server sets, no status. */
function configuration(object: KubeObject): Json {
  const out = structuredClone(object) as Json;
  delete out['status'];
  const meta = out['metadata'] as Json;
  for (const k of SERVER_META) delete meta[k];
  return out;
}

/** Every leaf: a scalar, a list (atomic here), or an empty map. */
function leaves(value: unknown, at: Path = []): Path[] {
  if (!isMap(value) || Object.keys(value).length === 0) return at.length === 0 ? [] : [at];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...at, k]));
}

const keyOf = (p: Path): string => JSON.stringify(p);
const shown = (p: Path): string => p.map((k) => `.${k}`).join('');

function valueAt(object: unknown, path: Path): unknown {
  let at = object;
  for (const k of path) at = isMap(at) ? at[k] : undefined;
  return at;
}

function deleteAt(object: Json, path: Path): void {
  const parents: Json[] = [object];
  for (const k of path.slice(0, -1)) {
    const next = parents.at(-1)![k];
    if (!isMap(next)) return;
    parents.push(next);
  }
  delete parents.at(-1)![path.at(-1)!];
  // Maps left empty go too, as a field nobody sets; metadata always stays.
  for (let i = parents.length - 1; i > 0; i--) {
    if (Object.keys(parents[i]!).length > 0 || (i === 1 && path[0] === 'metadata')) break;
    delete parents[i - 1]![path[i - 1]!];
  }
}

/** Maps merge key by key; scalars and lists are replaced. */
function merge(into: Json, from: Json): Json {
  const out: Json = { ...into };
  for (const [k, v] of Object.entries(from)) out[k] = isMap(v) && isMap(out[k]) ? merge(out[k] as Json, v) : structuredClone(v);
  return out;
}

function toFieldsV1(paths: Path[]): Json {
  const root: Json = {};
  for (const p of paths) {
    let at = root;
    for (const k of p) at = (at[`f:${k}`] ??= {}) as Json;
  }
  return root;
}

function fromFieldsV1(fields: Json, at: Path = []): Path[] {
  const keys = Object.keys(fields).filter((k) => k.startsWith('f:'));
  if (keys.length === 0) return at.length === 0 ? [] : [at];
  return keys.flatMap((k) => fromFieldsV1(fields[k] as Json, [...at, k.slice(2)]));
}

function owners(object: KubeObject | undefined): Map<string, { entry: ManagedFieldsEntry; paths: Set<string> }> {
  const out = new Map<string, { entry: ManagedFieldsEntry; paths: Set<string> }>();
  for (const entry of (object?.metadata.managedFields ?? []) as ManagedFieldsEntry[]) {
    out.set(`${entry.manager}/${entry.operation}`, { entry, paths: new Set(fromFieldsV1(entry.fieldsV1).map(keyOf)) });
  }
  return out;
}

function managedFields(table: Map<string, { entry: ManagedFieldsEntry; paths: Set<string> }>): ManagedFieldsEntry[] {
  return [...table.values()].filter((o) => o.paths.size > 0).map((o) => ({ ...o.entry, fieldsV1: toFieldsV1([...o.paths].map((k) => JSON.parse(k) as Path)) }));
}

/**
 * The object after `manager` applies `applied` to `existing` (undefined: it is created). Throws
 * a 409 Conflict Status naming each field another manager owns with another value, unless
 * `force`. Server-set metadata and status of `existing` are kept.
 */
export function serverSideApply(existing: KubeObject | undefined, applied: KubeObject, manager: string, force: boolean): KubeObject {
  const config = configuration(applied);
  const paths = leaves(config);
  const table = owners(existing);
  const mine = `${manager}/Apply`;
  const apiVersion = String(applied.apiVersion);
  const conflicts: { manager: string; apiVersion: string; field: string }[] = [];
  for (const [id, owner] of table) {
    if (id === mine) continue;
    for (const p of paths) {
      if (!owner.paths.has(keyOf(p))) continue;
      if (isDeepStrictEqual(valueAt(existing, p), valueAt(config, p))) continue;
      if (force) owner.paths.delete(keyOf(p));
      else conflicts.push({ manager: owner.entry.manager, apiVersion: owner.entry.apiVersion, field: shown(p) });
    }
  }
  if (conflicts.length > 0) throw applyConflict(conflicts);

  let result = structuredClone(existing ?? { metadata: { name: applied.metadata.name } }) as Json;
  const before = table.get(mine)?.paths ?? new Set<string>();
  const wanted = new Set(paths.map(keyOf));
  for (const key of before) {
    if (wanted.has(key)) continue;
    const sharedWith = [...table].some(([id, o]) => id !== mine && o.paths.has(key));
    if (!sharedWith) deleteAt(result, JSON.parse(key) as Path);
  }
  result = merge(result, config);
  table.set(mine, { entry: { manager, operation: 'Apply', apiVersion, time: now(), fieldsType: 'FieldsV1', fieldsV1: {} }, paths: wanted });
  (result['metadata'] as Json)['managedFields'] = managedFields(table);
  return result as KubeObject;
}

/**
 * Ownership after a non-apply write (create, update, merge patch) by `manager`: it owns the
 * fields it set or changed, which no other manager owns any longer.
 */
export function recordUpdate(previous: KubeObject | undefined, next: KubeObject, manager: string): KubeObject {
  const table = owners(previous);
  const changed = leaves(configuration(next)).filter((p) => previous === undefined || !isDeepStrictEqual(valueAt(previous, p), valueAt(next, p)));
  const id = `${manager}/Update`;
  for (const [other, o] of table) if (other !== id) for (const p of changed) o.paths.delete(keyOf(p));
  const kept = table.get(id)?.paths ?? new Set<string>();
  for (const p of changed) kept.add(keyOf(p));
  table.set(id, { entry: { manager, operation: 'Update', apiVersion: String(next.apiVersion), time: now(), fieldsType: 'FieldsV1', fieldsV1: {} }, paths: kept });
  const out = structuredClone(next);
  out.metadata.managedFields = managedFields(table);
  return out;
}

/** Whether two versions of an object differ in anything but the managers' timestamps. */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): unknown => {
    const c = structuredClone(o) as Json;
    const meta = c['metadata'] as Json;
    meta['managedFields'] = ((meta['managedFields'] ?? []) as ManagedFieldsEntry[]).map((e) => ({ ...e, time: '' }));
    return c;
  };
  return isDeepStrictEqual(strip(a), strip(b));
}
