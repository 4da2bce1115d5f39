import type { ServerResponse } from 'node:http';
import { qualifiedName, type ResourceType } from './resources.js';

/**
 * The API server's failures as it sends them: a `Status` object (meta/v1) with the HTTP code,
 * a `reason` clients branch on, a message, and `details` naming the object
 * (apimachinery's k8s.io/apimachinery/pkg/api/errors: NewNotFound, NewAlreadyExists,
 * NewForbidden, NewConflict, NewApplyConflict, NewUnauthorized, NewBadRequest…).
 */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { type?: string; message: string; field?: string }[] };
  code: number;
}

/** Thrown by the server's handlers: the route answers it as it is. */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
}

function failure(code: number, reason: string, message: string, details?: Status['details']): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details !== undefined ? { details } : {}), code });
}

function named(t: Pick<ResourceType, 'group' | 'resource'>, name: string): Status['details'] {
  return { name, ...(t.group !== '' ? { group: t.group } : {}), kind: t.resource };
}

export function notFound(t: Pick<ResourceType, 'group' | 'resource'>, name: string): StatusError {
  return failure(404, 'NotFound', `${qualifiedName(t)} "${name}" not found`, named(t, name));
}

export function alreadyExists(t: Pick<ResourceType, 'group' | 'resource'>, name: string): StatusError {
  return failure(409, 'AlreadyExists', `${qualifiedName(t)} "${name}" already exists`, named(t, name));
}

/** An update from an old resourceVersion (optimistic concurrency). */
export function modified(t: Pick<ResourceType, 'group' | 'resource'>, name: string): StatusError {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedName(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, named(t, name));
}

/** Server-side apply touching fields another manager owns, without `force`. */
export function applyConflict(conflicts: { manager: string; apiVersion: string; field: string }[]): StatusError {
  const causes = conflicts.map((c) => ({ type: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${c.apiVersion}`, field: c.field }));
  const lines = conflicts.map((c) => `- conflict with "${c.manager}" using ${c.apiVersion}: ${c.field}`);
  const message = conflicts.length === 1
    ? `Apply failed with 1 conflict: conflict with "${conflicts[0]!.manager}" using ${conflicts[0]!.apiVersion}: ${conflicts[0]!.field}`
    : `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  return failure(409, 'Conflict', message, { causes });
}

/** What a request asked, for a refusal's message (the authorizer's attributes). */
export interface RequestAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/**
 * RBAC's refusal, word for word: `deployments.apps "x" is forbidden: User "u" cannot patch
 * resource "deployments" in API group "apps" in the namespace "ns"` (or "at the cluster scope").
 */
export function forbidden(user: string, a: RequestAttributes): StatusError {
  const what = a.subresource !== undefined ? `${a.resource}/${a.subresource}` : a.resource;
  const object = `${qualifiedName(a)}${a.name !== undefined ? ` "${a.name}"` : ''}`;
  const scope = a.namespace !== undefined ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return failure(403, 'Forbidden', `${object} is forbidden: User "${user}" cannot ${a.verb} resource "${what}" in API group "${a.group}" ${scope}`, { ...(a.name !== undefined ? { name: a.name } : {}), ...(a.group !== '' ? { group: a.group } : {}), kind: a.resource });
}

export function unauthorized(): StatusError {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

export function badRequest(message: string): StatusError {
  return failure(400, 'BadRequest', message);
}

export function unsupportedMediaType(contentType: string): StatusError {
  return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml; got ${contentType}`);
}

export function methodNotAllowed(): StatusError {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

export function serviceUnavailable(message: string): StatusError {
  return failure(503, 'ServiceUnavailable', message);
}

export function pathNotFound(path: string): StatusError {
  return failure(404, 'NotFound', `the server could not find the requested resource (${path})`);
}

export function expired(message: string): StatusError {
  return failure(410, 'Expired', message);
}

export function sendStatus(res: ServerResponse, error: StatusError): void {
  const body = JSON.stringify(error.status);
  res.writeHead(error.status.code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendJson(res: ServerResponse, code: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
