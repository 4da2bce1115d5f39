import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The worker API's errors: `{error: {code, message}}` with a WRK_ERR_* code from the model's
 * registry (docs/errors.md, docs/api.md). Filter errors keep their FLT_ERR_* code.
 */
import { ErrorCodes as ApiErrorCodes } from '@shoal/model';

export { ApiErrorCodes };

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

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  const headers: Record<string, string> = err.status === 401 ? { 'www-authenticate': 'Bearer realm="shoal-worker"' } : {};
  sendJson(res, err.status, { error: { code: err.code, message: err.message, ...err.extra } }, headers);
}

/** Largest request body accepted (a resolution table of a big cluster fits comfortably). */
export const MAX_BODY_BYTES = 32 << 20;

/** Reads a JSON body, refusing more than MAX_BODY_BYTES without buffering them. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, ApiErrorCodes.WRK_ERR_TOO_LARGE, `the request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError(400, ApiErrorCodes.WRK_ERR_BAD_REQUEST, `the request body is not JSON: ${(err as Error).message}`);
  }
}
