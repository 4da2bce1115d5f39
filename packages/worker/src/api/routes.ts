import type { IncomingMessage, ServerResponse } from 'node:http';
import { isShoalError } from '@shoal/model';
import { MAX_RESOLUTION_VERSION_LENGTH, type NameTable, type ResolutionAnswer, type ResolutionPatch, type Workload } from '@shoal/model';
import { parseTargets } from '../targets.js';
import type { WorkerCore } from '../worker-core.js';
import { ApiError, ApiErrorCodes, readJson, sendJson } from './http-util.js';

/**
 * GET /health: 200 while every planned capture runs, 503 (with the reason) when one does not.
 * The TLS tracer's state is shown, but does not make the worker unhealthy: without it the
 * worker still captures.
 */
export function health(core: WorkerCore, res: ServerResponse): void {
  const failing = core.captures.status().filter((c) => !c.open);
  const tls = core.tracerStatus();
  const body: Record<string, unknown> = {
    ok: failing.length === 0,
    worker: core.name,
    capture: { requested: core.source.requested, backends: core.captures.backends(), open: core.captures.size - failing.length },
    targets: core.targets.length,
    tls: { state: tls.state, reason: tls.reason },
  };
  if (failing.length > 0) body['errors'] = failing.map((c) => c.error ?? 'not open');
  sendJson(res, failing.length === 0 ? 200 : 503, body);
}

/** GET /metrics: Prometheus text exposition. */
export async function metrics(core: WorkerCore, res: ServerResponse): Promise<void> {
  const text = await core.metrics.metrics();
  res.writeHead(200, { 'content-type': core.metrics.contentType });
  res.end(text);
}

export function stats(core: WorkerCore, res: ServerResponse): void {
  sendJson(res, 200, core.stats());
}

function badRequest(err: unknown): never {
  if (err instanceof ApiError) throw err;
  const message = isShoalError(err) ? err.message : String(err);
  throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, message);
}

/** PUT /targets: the whole list, replacing the previous one; answers with the captures. */
export async function putTargets(core: WorkerCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let targets;
  try {
    targets = parseTargets(await readJson(req));
  } catch (err) {
    badRequest(err);
  }
  const captures = core.setTargets(targets);
  sendJson(res, 200, { ok: captures.every((c) => c.open), targets: targets.length, captures });
}

const WORKLOAD_FIELDS = ['name', 'namespace', 'pod', 'service', 'node'] as const;

/** Checks a resolution table: {ip: {pod?, namespace?, service?, node?, name?}}, strings only. */
export function parseResolution(json: unknown): NameTable {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, 'the resolution table must be a JSON object: {"<ip>": {"pod": …, "namespace": …}}');
  }
  const table: Record<string, Workload> = {};
  for (const [ip, value] of Object.entries(json as Record<string, unknown>)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, `resolution entry '${ip}' must be an object`);
    }
    const workload: Workload = {};
    for (const field of WORKLOAD_FIELDS) {
      const v = (value as Record<string, unknown>)[field];
      if (v === undefined) continue;
      if (typeof v !== 'string') throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, `resolution entry '${ip}': ${field} must be a string`);
      workload[field] = v;
    }
    table[ip] = workload;
  }
  return table;
}

/** A version of PUT or PATCH /resolution: an opaque, non-empty string of bounded length. */
function parseVersion(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_RESOLUTION_VERSION_LENGTH) {
    throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, `"${field}" must be a non-empty string of at most ${MAX_RESOLUTION_VERSION_LENGTH} characters`);
  }
  return value;
}

/**
 * Checks a PUT /resolution body: a bare table (unversioned), or `{"version": "…", "table": {…}}`.
 * A bare table's values are objects, so a string `version` tells the two apart.
 */
export function parseResolutionPut(json: unknown): { table: NameTable; version: string | null } {
  const body = json as Record<string, unknown> | null;
  if (body === null || typeof body !== 'object' || Array.isArray(body) || typeof body['version'] !== 'string') return { table: parseResolution(json), version: null };
  const unknown = Object.keys(body).filter((k) => k !== 'version' && k !== 'table');
  if (unknown.length > 0) throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, `a versioned resolution table takes only "version" and "table", not ${unknown.map((k) => `"${k}"`).join(', ')}`);
  return { table: parseResolution(body['table']), version: parseVersion(body['version'], 'version') };
}

function answer(core: WorkerCore): ResolutionAnswer {
  return { ok: true, addresses: core.resolution.size, version: core.resolution.version };
}

/** PUT /resolution: the whole IP → workload table (and its version), applied to entries made from now on. */
export async function putResolution(core: WorkerCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { table, version } = parseResolutionPut(await readJson(req));
  core.resolution.replace(table, version);
  sendJson(res, 200, answer(core));
}

const PATCH_FIELDS = new Set(['upsert', 'remove', 'base', 'version']);

/**
 * Checks a ResolutionPatch: `upsert` is a table as PUT /resolution takes it (same checks),
 * `remove` a list of addresses, and `base` with `version` (both or neither) make it a
 * VersionedResolutionPatch. Unknown keys are refused: a misspelt `removes` would otherwise be
 * a silent no-op that leaves stale names in force.
 */
export function parseResolutionPatch(json: unknown): ResolutionPatch & { base?: string; version?: string } {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, 'the resolution patch must be a JSON object: {"upsert": {"<ip>": {…}}, "remove": ["<ip>", …]}');
  }
  const body = json as Record<string, unknown>;
  const unknown = Object.keys(body).filter((k) => !PATCH_FIELDS.has(k));
  if (unknown.length > 0) throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, `the resolution patch takes only "upsert", "remove", "base" and "version", not ${unknown.map((k) => `"${k}"`).join(', ')}`);
  const patch: ResolutionPatch & { base?: string; version?: string } = {};
  if (body['upsert'] !== undefined) patch.upsert = parseResolution(body['upsert']);
  const remove = body['remove'];
  if (remove !== undefined) {
    if (!Array.isArray(remove) || !remove.every((ip): ip is string => typeof ip === 'string')) {
      throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, '"remove" must be an array of IP address strings');
    }
    patch.remove = remove;
  }
  if ((body['base'] === undefined) !== (body['version'] === undefined)) {
    throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, 'a versioned patch needs both "base" (the version it applies to) and "version" (the version it makes)');
  }
  if (body['base'] !== undefined) {
    patch.base = parseVersion(body['base'], 'base');
    patch.version = parseVersion(body['version'], 'version');
  }
  return patch;
}

/**
 * PATCH /resolution: upserts and removals, checked whole before any is applied (atomic). A
 * versioned patch applies only to the table at its base: otherwise 409 with the worker's version,
 * and the sender sends the whole table, since the change it has is not the one the table lacks.
 */
export async function patchResolution(core: WorkerCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { base, version, ...patch } = parseResolutionPatch(await readJson(req));
  if (base !== undefined && base !== core.resolution.version) {
    const held = core.resolution.version;
    throw new ApiError(409, ApiErrorCodes.WRK_ERR_VERSION, `this patch applies to version '${base}' of the name table, but the worker has ${held === null ? 'an unversioned table' : `version '${held}'`}: send the whole table (PUT /resolution)`, { version: held });
  }
  core.resolution.apply(patch, version ?? null);
  sendJson(res, 200, answer(core));
}

/** GET /entries/:id (the id URL-encoded or not: it contains slashes). */
export function getEntry(core: WorkerCore, id: string, res: ServerResponse): void {
  const entry = core.store.get(id);
  if (entry === undefined) throw new ApiError(404, ApiErrorCodes.WRK_ERR_NOT_FOUND, `no entry '${id}' in this worker's store (never seen, or evicted)`);
  sendJson(res, 200, entry);
}
