import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { isShoalError } from './errors.js';
import { positionedErrorBody, type PositionedError } from './wire/errors.js';

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
    /** Response headers of the answer, e.g. `Retry-After` of a 503 (RFC 9110 §10.2.3). */
    readonly headers: Record<string, string> = {},
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
  /** The code of a failure that is a bug (500). */
  internalCode: string;
  /** Who to blame in a 500's message: "see the <service> log". */
  service: string;
}

/** Where a failed request is logged (pino's shape). */
export interface ErrorLog {
  error(details: object, message: string): void;
}

export interface JsonApi {
  sendError(res: ServerResponse, err: ApiError): void;
  /** Reads a body as text, refusing more than `maxBodyBytes` without buffering them. */
  readBody(req: IncomingMessage): Promise<string>;
  /** Reads and parses a JSON body (size limit as `readBody`). */
  readJson(req: IncomingMessage): Promise<unknown>;
  /**
   * Answers a route that threw: its ApiError, else a 500 with the stack in the log; once the
   * response has started (a pcap stream), by cutting the connection.
   */
  fail(req: IncomingMessage, res: ServerResponse, err: unknown, log: ErrorLog): void;
  /** Refuses a WebSocket upgrade with a plain HTTP answer carrying the error. */
  refuseUpgrade(socket: Duplex, err: ApiError): void;
  /** A time in epoch milliseconds (fractions allowed); `fallback` when absent or empty; else a 400. */
  timeParam(query: URLSearchParams, name: string, fallback: number): number;
  /** A whole number in [1, max]; `fallback` when absent or empty; else a 400. */
  countParam(query: URLSearchParams, name: string, fallback: number, max: number): number;
  /**
   * `text` compiled by `compile` (a filter); an error pointing into the text (a FilterError) is a
   * 400 with its own code, position and excerpt, before any work is done.
   */
  compiledParam<T>(text: string, compile: (text: string) => T): T;
}

/** A coded error that points into the user's text (a FilterError, from the filter package). */
function isPositionedError(err: unknown): err is PositionedError {
  return isShoalError(err) && typeof (err as Partial<PositionedError>).reason === 'string' && typeof (err as Partial<PositionedError>).position === 'object';
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
  const sendError = (res: ServerResponse, err: ApiError): void => {
    sendJson(res, err.status, { error: { code: err.code, message: err.message, ...err.extra } }, { ...(err.status === 401 ? unauthorizedHeaders : {}), ...err.headers });
  };
  return {
    sendError,
    readBody,
    fail(req, res, err, log) {
      if (res.headersSent) {
        // Mid-stream: the only honest signal left is a cut connection.
        log.error({ err: String(err), url: req.url }, 'request failed after the response started');
        res.destroy();
        return;
      }
      if (err instanceof ApiError) return sendError(res, err);
      log.error({ err: err instanceof Error ? err.stack : String(err), url: req.url }, 'request failed');
      sendError(res, new ApiError(500, options.internalCode, `internal error; see the ${options.service} log`));
    },
    refuseUpgrade(socket, err) {
      const body = JSON.stringify({ error: { code: err.code, message: err.message } });
      const extra = err.status === 401 ? `WWW-Authenticate: ${unauthorizedHeaders['www-authenticate']}\r\n` : '';
      socket.end(
        `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? 'Error'}\r\n${extra}Content-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
    timeParam(query, name, fallback) {
      const text = query.get(name);
      if (text === null || text === '') return fallback;
      const n = Number(text);
      if (!Number.isFinite(n)) throw new ApiError(400, options.badRequestCode, `${name}= must be a time in epoch milliseconds, got '${text}'`);
      return n;
    },
    countParam(query, name, fallback, max) {
      const text = query.get(name);
      if (text === null || text === '') return fallback;
      const n = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
      if (!(n >= 1 && n <= max)) throw new ApiError(400, options.badRequestCode, `${name}= must be a whole number from 1 to ${max}, got '${text}'`);
      return n;
    },
    compiledParam(text, compile) {
      try {
        return compile(text);
      } catch (err) {
        if (!isPositionedError(err)) throw err;
        const { code, message, ...where } = positionedErrorBody(err);
        throw new ApiError(400, code, message, where);
      }
    },
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

export { BearerCheck, OriginCheck, TOKEN_HEADER, TokenCheck, bearerToken, isLoopbackHost, normaliseOrigin } from './api-guard.js';
/** Backpressure for streamed answers (a pcap export): one drain wait at a time. */
export { drained } from './response-drain.js';
/** The signed identity the front hands the hub for a signed-in user (docs/security.md). */
export { ASSERTION_TTL_SECONDS, AssertionError, IDENTITY_HEADER, MIN_IDENTITY_KEY_BYTES, identityKey, scopeAllows, signIdentity, verifyIdentity, type Identity, type NamespaceScope } from './identity-assertion.js';
