/**
 * Who may use the front: a token sign-in exchanged for a session cookie (docs/front.md#sign-in).
 *
 * - `POST /auth/sign-in` `{"token": "…"}`: the token is checked in constant time; right, a
 *   session starts and its cookie is set (204); wrong, 401. Failures are bounded per client
 *   address (SignInLimiter): beyond the bound, 429 with Retry-After.
 * - A page loaded with `?token=…` (the link `shoal local`, `view` and `lab up` print) is the same
 *   sign-in, answered with a 303 to the same URL without the token, so the token leaves the
 *   address bar and the history at once; a refused token comes back as `?sign-in-failed=CODE`
 *   for the sign-in form to explain.
 * - `GET /auth/session` says whether the page is signed in; `POST /auth/sign-out` ends it.
 *
 * With `--sign-in none` everyone counts as signed in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ErrorCodes,
  FRONT_SESSION_PATH,
  FRONT_SIGN_IN_PATH,
  FRONT_SIGN_OUT_PATH,
  SIGN_IN_FAILED_PARAM,
  SIGN_IN_TOKEN_PARAM,
  type FrontSessionState,
  type SignInMethod,
} from '@shoal/model';
import { ApiError, jsonApi, sendJson } from '@shoal/model/http';
import { sendFrontError } from './front-errors.js';
import { SessionCookie } from './session-cookie.js';
import { hashOf, SessionsFull, SessionStore, type Session } from './session-store.js';
import { SignInLimiter } from './sign-in-limiter.js';
import { TokenCheck } from '@shoal/model/http';
import type { Logger } from 'pino';

export interface FrontAuthOptions {
  /** The sign-in token; without it, sign-in is off (`--sign-in none`). */
  token?: string;
  /** The front's port: part of the cookie's name. */
  port: number;
  /** Served over https (directly or behind a proxy): the cookie is Secure. */
  secure: boolean;
  sessionTtlMs: number;
  maxSessions: number;
  /** Sign-ins and refusals are logged (never a token): who signed in from where, who was refused. */
  log: Logger;
  now?: () => number;
}

/** Wrong tokens a client address may send per minute; then 429 until the oldest is a minute old. */
export const SIGN_IN_FAILURES_PER_MINUTE = 10;
/** Client addresses with recent failures tracked at most (SignInLimiter). */
export const SIGN_IN_CLIENTS_TRACKED = 10_000;

/** The sign-in body is one token: nothing larger is read. */
const api = jsonApi({
  realm: 'shoal front',
  maxBodyBytes: 4096,
  tooLargeCode: ErrorCodes.FRONT_ERR_BAD_REQUEST,
  badRequestCode: ErrorCodes.FRONT_ERR_BAD_REQUEST,
  internalCode: ErrorCodes.FRONT_ERR_INTERNAL,
  service: 'front',
});

type SignInOutcome = { session: Session } | { refused: ApiError };

export class FrontAuth {
  readonly method: SignInMethod;
  readonly sessions: SessionStore;
  readonly cookie: SessionCookie;
  private readonly check: TokenCheck | undefined;
  private readonly limiter: SignInLimiter;

  constructor(private readonly options: FrontAuthOptions) {
    this.method = options.token === undefined ? 'none' : 'token';
    this.check = options.token === undefined ? undefined : new TokenCheck(options.token);
    const now = options.now ?? Date.now;
    this.sessions = new SessionStore({ ttlMs: options.sessionTtlMs, maxSessions: options.maxSessions, now });
    this.limiter = new SignInLimiter({ maxFailures: SIGN_IN_FAILURES_PER_MINUTE, windowMs: 60_000, maxClients: SIGN_IN_CLIENTS_TRACKED, now });
    this.cookie = new SessionCookie(options.port, options.secure);
  }

  /** The request's live session, if any. */
  session(req: IncomingMessage): Session | undefined {
    const id = this.cookie.read(req.headers.cookie);
    return id === undefined ? undefined : this.sessions.get(id);
  }

  /**
   * Who the request is for the hub's per-client bounds (`X-Shoal-Client`), or undefined when it
   * may not reach the hub. A session is named by a hash of its id (the id itself is a secret the
   * hub has no use for); without sign-in, the client's address.
   */
  clientOf(req: IncomingMessage): string | undefined {
    if (this.method === 'none') return `address:${req.socket.remoteAddress ?? 'unknown'}`;
    const id = this.cookie.read(req.headers.cookie);
    return id === undefined || this.sessions.get(id) === undefined ? undefined : `session:${hashOf(id).slice(0, 16)}`;
  }

  /** Answers the request if it is one of the sign-in routes; false when it is not. */
  async route(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    if (pathname === FRONT_SESSION_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') sendFrontError(res, 405, ErrorCodes.FRONT_ERR_METHOD, `${pathname} takes GET`);
      else this.sendState(res, this.session(req));
      return true;
    }
    if (pathname === FRONT_SIGN_IN_PATH) {
      if (req.method !== 'POST') sendFrontError(res, 405, ErrorCodes.FRONT_ERR_METHOD, `${pathname} takes POST {"token": "…"}`);
      else await this.signInRoute(req, res);
      return true;
    }
    if (pathname === FRONT_SIGN_OUT_PATH) {
      if (req.method !== 'POST') sendFrontError(res, 405, ErrorCodes.FRONT_ERR_METHOD, `${pathname} takes POST`);
      else this.signOut(req, res);
      return true;
    }
    return false;
  }

  /**
   * A page load whose URL carries the sign-in token: a 303 to the URL without it, with the
   * session's cookie when the token is right. False when the URL has no token.
   */
  tokenLink(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const token = url.searchParams.get(SIGN_IN_TOKEN_PARAM);
    if (token === null) return false;
    url.searchParams.delete(SIGN_IN_TOKEN_PARAM);
    url.searchParams.delete(SIGN_IN_FAILED_PARAM);
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    // Already signed in (the link clicked twice): no second session.
    if (this.method === 'token' && this.session(req) === undefined) {
      const outcome = this.signIn(req, token);
      if ('session' in outcome) headers['set-cookie'] = this.cookie.set(outcome.session.id, this.options.sessionTtlMs);
      else url.searchParams.set(SIGN_IN_FAILED_PARAM, outcome.refused.code);
    }
    res.writeHead(303, { ...headers, location: `${url.pathname}${url.search}`, 'content-length': 0 });
    res.end();
    return true;
  }

  private async signInRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.method === 'none') return sendFrontError(res, 404, ErrorCodes.FRONT_ERR_NOT_FOUND, 'this front has no sign-in (--sign-in none)');
    let body: unknown;
    try {
      body = await api.readJson(req);
    } catch (err) {
      const e = err as ApiError;
      return sendFrontError(res, e.status ?? 400, ErrorCodes.FRONT_ERR_BAD_REQUEST, e.message);
    }
    const token = (body as { token?: unknown } | null)?.token;
    if (typeof token !== 'string') return sendFrontError(res, 400, ErrorCodes.FRONT_ERR_BAD_REQUEST, 'the sign-in body is {"token": "…"}');
    const outcome = this.signIn(req, token);
    if ('refused' in outcome) {
      const { status, code, message, extra } = outcome.refused;
      return sendFrontError(res, status, code, message, extra as Record<string, string>);
    }
    res.writeHead(204, { 'set-cookie': this.cookie.set(outcome.session.id, this.options.sessionTtlMs), 'cache-control': 'no-store' });
    res.end();
  }

  /** The token's check, within the client's bound of failures. */
  private signIn(req: IncomingMessage, token: string): SignInOutcome {
    const client = req.socket.remoteAddress ?? '';
    const waitMs = this.limiter.retryAfterMs(client);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      this.options.log.warn({ client }, 'sign-in refused: too many wrong tokens from this address');
      return { refused: new ApiError(429, ErrorCodes.FRONT_ERR_SIGN_IN_LIMITED, `too many wrong tokens from ${client}: try again in ${seconds} s`, { 'retry-after': String(seconds) }) };
    }
    if (!this.check!.matches(token)) {
      this.limiter.failed(client);
      this.options.log.warn({ client }, 'sign-in refused: wrong token');
      return { refused: new ApiError(401, ErrorCodes.FRONT_ERR_SIGN_IN, 'wrong token: use the sign-in link the command printed, or the content of shoal front --token-file') };
    }
    this.limiter.succeeded(client);
    try {
      const session = this.sessions.create({ kind: 'token' }, 'all');
      this.options.log.info({ client, session: hashOf(session.id).slice(0, 16), sessions: this.sessions.size }, 'signed in');
      return { session };
    } catch (err) {
      if (err instanceof SessionsFull) this.options.log.warn({ client, sessions: this.options.maxSessions }, 'sign-in refused: --max-sessions reached');
      if (err instanceof SessionsFull) return { refused: new ApiError(503, ErrorCodes.FRONT_ERR_SESSIONS_FULL, err.message) };
      throw err;
    }
  }

  private signOut(req: IncomingMessage, res: ServerResponse): void {
    const id = this.cookie.read(req.headers.cookie);
    if (id !== undefined) this.sessions.delete(id);
    res.writeHead(204, { 'set-cookie': this.cookie.clear(), 'cache-control': 'no-store' });
    res.end();
  }

  private sendState(res: ServerResponse, session: Session | undefined): void {
    const state: FrontSessionState =
      this.method === 'none' ? { method: 'none', signedIn: true } : session === undefined ? { method: 'token', signedIn: false } : { method: 'token', signedIn: true, expires: session.expires };
    sendJson(res, 200, state, { 'cache-control': 'no-store' });
  }
}
