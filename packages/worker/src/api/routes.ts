import type { IncomingMessage, ServerResponse } from 'node:http';
import { isShoalError } from '@shoal/model';
import type { ResolutionPatch, Workload } from '@shoal/model';
import { parseTargets } from '../targets.js';
import type { WorkerCore } from '../worker-core.js';
import { ApiError, ApiErrorCodes, readJson, sendJson } from './http-util.js';

/** GET /health: 200 while every planned capture runs, 503 (with the reason) when one does not. */
export function health(core: WorkerCore, res: ServerResponse): void {
  const failing = core.captures.status().filter((c) => !c.open);
  const body: Record<string, unknown> = {
    ok: failing.length === 0,
    worker: core.name,
    capture: { requested: core.source.requested, backends: core.captures.backends(), open: core.captures.size - failing.length },
    targets: core.targets.length,
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
export function parseResolution(json: unknown): Record<string, Workload> {
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

/** PUT /resolution: the whole IP → workload table, applied to entries made from now on. */
export async function putResolution(core: WorkerCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const table = parseResolution(await readJson(req));
  core.resolution.replace(table);
  sendJson(res, 200, { ok: true, addresses: core.resolution.size });
}

const PATCH_FIELDS = new Set(['upsert', 'remove']);

/**
 * Checks a ResolutionPatch: `upsert` is a table as PUT /resolution takes it (same checks),
 * `remove` a list of addresses. Unknown keys are refused: a misspelt `removes` would otherwise
 * be a silent no-op that leaves stale names in force.
 */
export function parseResolutionPatch(json: unknown): ResolutionPatch {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, 'the resolution patch must be a JSON object: {"upsert": {"<ip>": {…}}, "remove": ["<ip>", …]}');
  }
  const body = json as Record<string, unknown>;
  const unknown = Object.keys(body).filter((k) => !PATCH_FIELDS.has(k));
  if (unknown.length > 0) throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, `the resolution patch takes only "upsert" and "remove", not ${unknown.map((k) => `"${k}"`).join(', ')}`);
  const patch: ResolutionPatch = {};
  if (body['upsert'] !== undefined) patch.upsert = parseResolution(body['upsert']);
  const remove = body['remove'];
  if (remove !== undefined) {
    if (!Array.isArray(remove) || !remove.every((ip): ip is string => typeof ip === 'string')) {
      throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, '"remove" must be an array of IP address strings');
    }
    patch.remove = remove;
  }
  return patch;
}

/** PATCH /resolution: upserts and removals, checked whole before any is applied (atomic). */
export async function patchResolution(core: WorkerCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  core.resolution.apply(parseResolutionPatch(await readJson(req)));
  sendJson(res, 200, { ok: true, addresses: core.resolution.size });
}

/** GET /entries/:id (the id URL-encoded or not: it contains slashes). */
export function getEntry(core: WorkerCore, id: string, res: ServerResponse): void {
  const entry = core.store.get(id);
  if (entry === undefined) throw new ApiError(404, ApiErrorCodes.WRK_ERR_NOT_FOUND, `no entry '${id}' in this worker's store (never seen, or evicted)`);
  sendJson(res, 200, entry);
}
