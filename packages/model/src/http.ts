import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The JSON API plumbing the worker and the hub share: errors as `{error: {code, message, …}}`,
 * JSON answers, and request bodies read with a size limit. Each service keeps its own codes
 * (WRK_ERR_* or HUB_ERR_*), body limit and authentication realm (`jsonApi`). A subpath of its
 * own (`@shoal/model/http`), so that the model's main entry stays free of Node's HTTP types
 * for the browser code that imports it.
 */
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

/** What differs between the services' APIs. */
export interface JsonApiOptions {
  /** The `WWW-Authenticate: Bearer realm=…` of a 401. */
  realm: string;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** The code of a body over `maxBodyBytes` (413). */
  tooLargeCode: string;
  /** The code of a body that is not JSON (400). */
  badRequestCode: string;
}

export interface JsonApi {
  sendError(res: ServerResponse, err: ApiError): void;
  /** Reads a body as text, refusing more than `maxBodyBytes` without buffering them. */
  readBody(req: IncomingMessage): Promise<string>;
  /** Reads and parses a JSON body (size limit as `readBody`). */
  readJson(req: IncomingMessage): Promise<unknown>;
}

export function jsonApi(options: JsonApiOptions): JsonApi {
  const unauthorizedHeaders = { 'www-authenticate': `Bearer realm="${options.realm}"` };
  const readBody = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > options.maxBodyBytes) throw new ApiError(413, options.tooLargeCode, `the request body is larger than ${options.maxBodyBytes} bytes`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  };
  return {
    sendError(res, err) {
      sendJson(res, err.status, { error: { code: err.code, message: err.message, ...err.extra } }, err.status === 401 ? unauthorizedHeaders : {});
    },
    readBody,
    async readJson(req) {
      const text = await readBody(req);
      try {
        return JSON.parse(text) as unknown;
      } catch (err) {
        throw new ApiError(400, options.badRequestCode, `the request body is not JSON: ${(err as Error).message}`);
      }
    },
  };
}
