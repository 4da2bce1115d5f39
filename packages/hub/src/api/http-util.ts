import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCodes } from '@shoal/model';

/**
 * The hub API's errors: `{error: {code, message}}` with a HUB_ERR_* code from the model's
 * registry (docs/errors.md, docs/hub.md); filter errors keep their FLT_ERR_* code and position,
 * the same shape as the worker's.
 */
export { ErrorCodes };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, ErrorCodes.HUB_ERR_BAD_REQUEST, message);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  const headers: Record<string, string> = err.status === 401 ? { 'www-authenticate': 'Bearer realm="shoal-hub"' } : {};
  sendJson(res, err.status, { error: { code: err.code, message: err.message, ...err.extra } }, headers);
}

/** Largest request body accepted (a filter, a target selection). */
export const MAX_BODY_BYTES = 1 << 20;

/** Reads a body as text, refusing more than MAX_BODY_BYTES without buffering them. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, ErrorCodes.HUB_ERR_TOO_LARGE, `the request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`the request body is not JSON: ${(err as Error).message}`);
  }
}

/** An epoch-ms query parameter, or `fallback` when absent. */
export function timeParam(query: URLSearchParams, name: string, fallback: number): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  const n = Number(text);
  if (!Number.isFinite(n)) throw badRequest(`${name}= must be a time in epoch milliseconds, got '${text}'`);
  return n;
}
