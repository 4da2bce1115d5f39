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
 * With `--auth oidc` users sign in at an OpenID provider instead (oidc-sign-in.ts), and each
 * session carries the user's identity and scope for the hub; with `--auth none` everyone counts
 * as signed in. Either way the session cookie holds the session's id sealed (SessionCookie).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ErrorCodes,
  FRONT_OIDC_CALLBACK_PATH,
  FRONT_OIDC_SIGN_IN_PATH,
  FRONT_SESSION_EXPIRED_PATH,
  FRONT_SESSION_PATH,
  FRONT_SIGNED_OUT_PATH,
  FRONT_SIGN_IN_PATH,
  FRONT_SIGN_OUT_PATH,
  SIGN_IN_FAILED_PARAM,
  SIGN_IN_TOKEN_PARAM,
  type FrontSessionState,
  type SignInMethod,
  type SignOutAnswer,
} from '@shoal/model';
import { ApiError, jsonApi, sendJson, type Identity } from '@shoal/model/http';
import { audit } from './audit-log.js';
import type { CookieSeal } from './cookie-seal.js';
import { sendFrontError } from './front-errors.js';
import { sendPage } from './front-pages.js';
import { returnPath, type OidcSignIn } from './oidc-sign-in.js';
import { SessionCookie } from './session-cookie.js';
import { hashOf, SessionsFull, SessionStore, type Session } from './session-store.js';
import { SignInLimiter } from './sign-in-limiter.js';
import { TokenCheck } from '@shoal/model/http';
import type { Logger } from 'pino';

export interface FrontAuthOptions {
  /** The sign-in token (`--auth token`); with neither it nor `oidc`, sign-in is off (`--auth none`). */
  token?: string;
  /** Sign-in through an OpenID provider (`--auth oidc`). */
  oidc?: OidcSignIn;
  /** Seals the session cookie (`--session-key-file`, or a random key per run). */
  seal: CookieSeal;
  /** The front's port: part of the cookie's name. */
  port: number;
  /** Served over https (directly or behind a proxy): the cookie is Secure. */
  secure: boolean;
  sessionTtlMs: number;
  maxSessions: number;
  /** Sign-ins and refusals are logged (never a token): who signed in from where, who was refused. */
  log: Logger;
  now?: () => number;
  /** `shoal view`: the file's time span, told signed-in pages (FrontSessionState `span`). */
  dataSpan?: () => { from: number; to: number } | null;
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

/**
 * Whether a request may reach the hub: for whom (the hub's per-client bounds, `X-Shoal-Client`)
 * and, with OIDC, the identity the hub is told; or the refusal's status, code and message.
 */
export type Access = { client: string; identity?: Identity } | { refused: [number, string, string] };

const SIGN_IN_NEEDED = 'sign in first: open the link the command printed (?token=…), or POST /auth/sign-in';
const OIDC_SIGN_IN_NEEDED = `sign in first: open ${FRONT_OIDC_SIGN_IN_PATH}`;
const SESSION_EXPIRED = `the session has expired: sign in again (${FRONT_OIDC_SIGN_IN_PATH})`;

export class FrontAuth {
  readonly method: SignInMethod;
  readonly sessions: SessionStore;
  readonly cookie: SessionCookie;
  private readonly check: TokenCheck | undefined;
  private readonly limiter: SignInLimiter;
  private readonly now: () => number;
  /** Refreshes under way, by session id: the page's parallel requests wait for one refresh. */
  private readonly refreshing = new Map<string, Promise<Session | undefined>>();

  constructor(private readonly options: FrontAuthOptions) {
    this.method = options.oidc !== undefined ? 'oidc' : options.token === undefined ? 'none' : 'token';
    this.check = options.token === undefined ? undefined : new TokenCheck(options.token);
    this.now = options.now ?? Date.now;
    this.sessions = new SessionStore({ ttlMs: options.sessionTtlMs, maxSessions: options.maxSessions, now: this.now });
    this.limiter = new SignInLimiter({ maxFailures: SIGN_IN_FAILURES_PER_MINUTE, windowMs: 60_000, maxClients: SIGN_IN_CLIENTS_TRACKED, now: this.now });
    // Lax with OIDC: the provider's redirect back is a cross-site navigation (SameSite in session-cookie.ts).
    this.cookie = new SessionCookie(options.port, options.secure, options.seal, this.method === 'oidc' ? 'Lax' : 'Strict');
  }

  /** The request's live session, if any. */
  session(req: IncomingMessage): Session | undefined {
    const ticket = this.cookie.read(req.headers.cookie);
    return ticket === undefined ? undefined : this.sessions.get(ticket.id);
  }

  /**
   * Whether the request may reach the hub (Access). A session is named by a hash of its id (the
   * id itself is a secret the hub has no use for); without sign-in, the client's address. An
   * OIDC session whose ID token has expired is refreshed first when the provider gave a refresh
   * token; otherwise it ends, and the answer is 401 FRONT_ERR_SESSION_EXPIRED, on which the page
   * goes to sign in again.
   */
  async access(req: IncomingMessage): Promise<Access> {
    if (this.method === 'none') return { client: `address:${req.socket.remoteAddress ?? 'unknown'}` };
    const ticket = this.cookie.read(req.headers.cookie);
    let session = ticket === undefined ? undefined : this.sessions.get(ticket.id);
    if (this.method === 'token') {
      return session === undefined ? { refused: [401, ErrorCodes.FRONT_ERR_UNAUTHENTICATED, SIGN_IN_NEEDED] } : { client: this.clientName(session) };
    }
    if (ticket === undefined) return { refused: [401, ErrorCodes.FRONT_ERR_UNAUTHENTICATED, OIDC_SIGN_IN_NEEDED] };
    // Who it was, when the session ends at this request (its ID token expired, no refresh).
    const before = session?.owner.kind === 'oidc' ? session.owner.identity : undefined;
    if (session !== undefined && session.owner.kind === 'oidc' && session.owner.grant.idTokenExpires <= this.now()) session = await this.refreshed(session);
    if (session === undefined || session.owner.kind !== 'oidc') {
      // The cookie is this front's (it opened): the session ended under it.
      audit(this.options.log, 'refused', before, { path: (req.url ?? '').split('?')[0], reason: 'the session has expired' }, 'request refused: the session has expired');
      return { refused: [401, ErrorCodes.FRONT_ERR_SESSION_EXPIRED, SESSION_EXPIRED] };
    }
    return { client: this.clientName(session), identity: session.owner.identity };
  }

  private clientName(session: Session): string {
    return `session:${hashOf(session.id).slice(0, 16)}`;
  }

  /** The session after refreshing its grant, or undefined (then it is ended). */
  private refreshed(session: Session): Promise<Session | undefined> {
    let pending = this.refreshing.get(session.id);
    if (pending === undefined) {
      pending = (async () => {
        const owner = session.owner.kind === 'oidc' ? await this.options.oidc!.refresh(session.owner) : undefined;
        if (owner === undefined) {
          this.sessions.delete(session.id);
          return undefined;
        }
        return this.sessions.renew(session.id, owner);
      })().finally(() => this.refreshing.delete(session.id));
      this.refreshing.set(session.id, pending);
    }
    return pending;
  }

  /** Answers the request if it is one of the sign-in routes; false when it is not. */
  async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const pathname = url.pathname;
    if (pathname === FRONT_SESSION_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') sendFrontError(res, 405, ErrorCodes.FRONT_ERR_METHOD, `${pathname} takes GET`);
      else this.sendState(req, res);
      return true;
    }
    if (this.options.oidc !== undefined && (await this.oidcRoute(req, res, url, this.options.oidc))) return true;
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
      if ('session' in outcome) headers['set-cookie'] = this.cookie.set(this.ticketOf(outcome.session), this.options.sessionTtlMs);
      else url.searchParams.set(SIGN_IN_FAILED_PARAM, outcome.refused.code);
    }
    res.writeHead(303, { ...headers, location: `${url.pathname}${url.search}`, 'content-length': 0 });
    res.end();
    return true;
  }

  /** The OIDC routes (oidc-sign-in.ts); false when `url` is none of them. */
  private async oidcRoute(req: IncomingMessage, res: ServerResponse, url: URL, oidc: OidcSignIn): Promise<boolean> {
    const pages = [FRONT_OIDC_SIGN_IN_PATH, FRONT_OIDC_CALLBACK_PATH, FRONT_SESSION_EXPIRED_PATH, FRONT_SIGNED_OUT_PATH];
    if (!pages.includes(url.pathname)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendFrontError(res, 405, ErrorCodes.FRONT_ERR_METHOD, `${url.pathname} takes GET`);
      return true;
    }
    if (url.pathname === FRONT_OIDC_SIGN_IN_PATH) {
      const started = await oidc.start(returnPath(url.searchParams.get('return')));
      if ('page' in started) sendPage(res, started.page);
      else redirect(res, started.location, [started.setCookie]);
    } else if (url.pathname === FRONT_OIDC_CALLBACK_PATH) {
      await this.oidcCallback(req, res, url, oidc);
    } else if (url.pathname === FRONT_SESSION_EXPIRED_PATH) {
      sendPage(res, { status: 200, code: ErrorCodes.FRONT_ERR_SESSION_EXPIRED, title: 'Your session has expired', message: 'Your sign-in to this dashboard has ended. Sign in again to go on.', link: { href: FRONT_OIDC_SIGN_IN_PATH, text: 'Sign in again' } });
    } else {
      sendPage(res, { status: 200, title: 'Signed out', message: 'You have signed out of the dashboard.', link: { href: FRONT_OIDC_SIGN_IN_PATH, text: 'Sign in again' } });
    }
    return true;
  }

  private async oidcCallback(req: IncomingMessage, res: ServerResponse, url: URL, oidc: OidcSignIn): Promise<void> {
    const client = req.socket.remoteAddress ?? '';
    const outcome = await oidc.callback(req, url.search);
    if ('page' in outcome) {
      audit(this.options.log, 'sign-in-refused', outcome.who, { client, code: outcome.page.code, reason: outcome.reason }, 'sign-in refused');
      res.setHeader('set-cookie', oidc.clearTransaction());
      return sendPage(res, outcome.page);
    }
    const { identity } = outcome.owner;
    let session: Session;
    try {
      session = this.sessions.create(outcome.owner);
    } catch (err) {
      if (!(err instanceof SessionsFull)) throw err;
      audit(this.options.log, 'sign-in-refused', identity, { client, code: ErrorCodes.FRONT_ERR_SESSIONS_FULL, reason: '--max-sessions reached' }, 'sign-in refused');
      res.setHeader('set-cookie', oidc.clearTransaction());
      return sendPage(res, { status: 503, code: ErrorCodes.FRONT_ERR_SESSIONS_FULL, title: 'Too many sessions', message: err.message, link: { href: FRONT_OIDC_SIGN_IN_PATH, text: 'Try again' } });
    }
    audit(this.options.log, 'sign-in', identity, { client, roles: outcome.roles, namespaces: identity.namespaces, admin: identity.admin, session: hashOf(session.id).slice(0, 16), sessions: this.sessions.size }, 'signed in');
    redirect(res, outcome.returnTo ?? '/', [oidc.clearTransaction(), this.cookie.set({ id: session.id, expires: session.expires }, session.expires - this.now())]);
  }

  private async signInRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.method === 'none') return sendFrontError(res, 404, ErrorCodes.FRONT_ERR_NOT_FOUND, 'this front has no sign-in (--auth none)');
    if (this.method === 'oidc') return sendFrontError(res, 404, ErrorCodes.FRONT_ERR_NOT_FOUND, `this front signs in through an identity provider: open ${FRONT_OIDC_SIGN_IN_PATH}`);
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
    res.writeHead(204, { 'set-cookie': this.cookie.set(this.ticketOf(outcome.session), this.options.sessionTtlMs), 'cache-control': 'no-store' });
    res.end();
  }

  /** The token's check, within the client's bound of failures. */
  private signIn(req: IncomingMessage, token: string): SignInOutcome {
    const client = req.socket.remoteAddress ?? '';
    const waitMs = this.limiter.retryAfterMs(client);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      this.options.log.warn({ audit: 'sign-in-refused', client, reason: 'too many wrong tokens' }, 'sign-in refused: too many wrong tokens from this address');
      return { refused: new ApiError(429, ErrorCodes.FRONT_ERR_SIGN_IN_LIMITED, `too many wrong tokens from ${client}: try again in ${seconds} s`, { 'retry-after': String(seconds) }) };
    }
    if (!this.check!.matches(token)) {
      this.limiter.failed(client);
      this.options.log.warn({ audit: 'sign-in-refused', client, reason: 'wrong token' }, 'sign-in refused: wrong token');
      return { refused: new ApiError(401, ErrorCodes.FRONT_ERR_SIGN_IN, 'wrong token: use the sign-in link the command printed, or the content of shoal front --token-file') };
    }
    this.limiter.succeeded(client);
    try {
      const session = this.sessions.create({ kind: 'token' });
      this.options.log.info({ audit: 'sign-in', subject: 'token', admin: true, client, session: hashOf(session.id).slice(0, 16), sessions: this.sessions.size }, 'signed in');
      return { session };
    } catch (err) {
      if (err instanceof SessionsFull) this.options.log.warn({ client, sessions: this.options.maxSessions }, 'sign-in refused: --max-sessions reached');
      if (err instanceof SessionsFull) return { refused: new ApiError(503, ErrorCodes.FRONT_ERR_SESSIONS_FULL, err.message) };
      throw err;
    }
  }

  /**
   * Ends the session. With OIDC the answer (200, SignOutAnswer) names where the page goes next:
   * the provider's end-session endpoint, so the provider's own session ends too.
   */
  private signOut(req: IncomingMessage, res: ServerResponse): void {
    const session = this.session(req);
    if (session !== undefined) {
      this.sessions.delete(session.id);
      const identity = session.owner.kind === 'oidc' ? session.owner.identity : { subject: 'token' };
      audit(this.options.log, 'sign-out', identity, { client: req.socket.remoteAddress ?? '', session: hashOf(session.id).slice(0, 16) }, 'signed out');
    }
    if (this.options.oidc !== undefined) {
      const answer: SignOutAnswer = { location: this.options.oidc.signOutLocation(session?.owner) };
      return sendJson(res, 200, answer, { 'set-cookie': this.cookie.clear(), 'cache-control': 'no-store' });
    }
    res.writeHead(204, { 'set-cookie': this.cookie.clear(), 'cache-control': 'no-store' });
    res.end();
  }

  private sendState(req: IncomingMessage, res: ServerResponse): void {
    const state = this.state(req);
    const span = state.signedIn ? this.options.dataSpan?.() : null;
    // A second past the newest entry, so that a window ending there holds it.
    if (span !== null && span !== undefined) state.span = { from: Math.floor(span.from), to: Math.ceil(span.to) + 1000 };
    sendJson(res, 200, state, { 'cache-control': 'no-store' });
  }

  private state(req: IncomingMessage): FrontSessionState {
    if (this.method === 'none') return { method: 'none', signedIn: true };
    const ticket = this.cookie.read(req.headers.cookie);
    const session = ticket === undefined ? undefined : this.sessions.get(ticket.id);
    if (session === undefined) return { method: this.method, signedIn: false, ...(this.method === 'oidc' && ticket !== undefined ? { expired: true } : {}) };
    if (session.owner.kind !== 'oidc') return { method: this.method, signedIn: true, expires: session.expires };
    const { subject, name } = session.owner.identity;
    return { method: 'oidc', signedIn: true, expires: session.expires, user: { subject, ...(name !== undefined ? { name } : {}) } };
  }

  private ticketOf(session: Session): { id: string; expires: number } {
    return { id: session.id, expires: session.expires };
  }
}

/** A 303 to `location` (RFC 9110 §15.4.4: the next request is a GET), with cookies set. */
function redirect(res: ServerResponse, location: string, cookies: string[]): void {
  res.writeHead(303, { location, 'set-cookie': cookies, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

