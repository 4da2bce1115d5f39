import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCodes, FRONT_OIDC_CALLBACK_PATH, FRONT_SIGNED_OUT_PATH } from '@shoal/model';
import { pino, type Logger } from 'pino';
import { contentType, readDashboardFile } from './dashboard-files.js';
import { CookieSeal } from './cookie-seal.js';
import { FrontAuth } from './front-auth.js';
import { refuseUpgrade, sendFrontError } from './front-errors.js';
import { FrontNames } from './front-names.js';
import { API_PREFIX, HubProxy, type HubTransport } from './hub-proxy.js';
import { OidcDiscovery } from './oidc-discovery.js';
import { OidcSignIn } from './oidc-sign-in.js';
import type { Role } from './roles-file.js';
import { SECURITY_HEADERS } from './security-headers.js';

export interface FrontOptions {
  port: number;
  host: string;
  /** The hub every `/api/*` request and the WebSocket go to, e.g. `http://127.0.0.1:8898`, or a way to it (HubTransport). */
  hubUrl: string | HubTransport;
  /** Sent to the hub as `Authorization: Bearer`, so the page itself never holds it. */
  hubToken?: string;
  /** PEM certificates to trust for an https hub (`--hub-ca`). */
  hubCa?: string;
  /** The built dashboard (dashboardDir()). */
  dir: string;
  /** The token users sign in with (`--auth token`); absent and without `oidc`, there is no sign-in (`--auth none`). */
  signInToken?: string;
  /** Sign-in through an OpenID provider (`--auth oidc`); the hub is then sent identities, never `hubToken`. */
  oidc?: FrontOidcOptions;
  /** Seals the session cookie (`--session-key-file`); default a random key per run. */
  sessionKey?: Buffer;
  /** Where users reach the front when a proxy stands before it: its name is accepted as Host, https makes the cookie Secure. */
  publicUrl?: URL;
  /** Origins besides the front's own whose pages may call it. */
  allowedOrigins?: readonly string[];
  /** How long a session lasts (default 12 h). */
  sessionTtlMs?: number;
  /** Live sessions at most (default DEFAULT_MAX_SESSIONS). */
  maxSessions?: number;
  /** Sign-ins, refusals, an unreachable hub; every request at debug (its path, never its query). Default: silent. */
  log?: Logger;
  /** `shoal view`: the file's time span, which the map and the statistics open on (FrontSessionState `span`). */
  dataSpan?: () => { from: number; to: number } | null;
}

export interface FrontOidcOptions {
  issuer: URL;
  clientId: string;
  clientSecret?: string;
  /** Space-separated (default DEFAULT_OIDC_SCOPES). */
  scopes?: string;
  /** The claim that lists the user's groups (default `groups`). */
  groupsClaim?: string;
  roles: readonly Role[];
  /** Signs each request's identity assertion for the hub (`--identity-key-file`). */
  identityKey: Buffer;
}

export const DEFAULT_OIDC_SCOPES = 'openid email profile';
export const DEFAULT_GROUPS_CLAIM = 'groups';
export const DEFAULT_SESSION_HOURS = 12;
export const DEFAULT_MAX_SESSIONS = 1000;

export interface RunningFront {
  /** Where to open the dashboard: `--public-url`, else the listen address (127.0.0.1 for every interface). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Paths without an extension are the app's own views: they get index.html. */
const hasExtension = (pathname: string) => /\.[a-z0-9]+$/i.test(pathname);

/** A request's path without its query (which may hold the sign-in token), for the log. */
const pathOf = (url: string | undefined): string => (url ?? '').split('?')[0]!.slice(0, 200);

/** A request refused before anything else looks at it: status, code and message. */
type Refusal = [number, string, string] | undefined;

/**
 * The dashboard's server (`shoal front`, and `lab up`, `local`, `view`): the built files, the
 * sign-in (front-auth.ts), and `/api/*` passed to the hub (hub-proxy.ts) for signed-in users
 * only. Every request must name the front in Host, and every request that carries an Origin
 * must come from one of the front's own origins (front-names.ts); every answer carries the
 * security headers (security-headers.ts).
 */
export function startFront(options: FrontOptions): Promise<RunningFront> {
  const log = options.log ?? pino({ enabled: false });
  const proxy = new HubProxy({
    log,
    hubUrl: options.hubUrl,
    ...(options.oidc !== undefined ? { identityKey: options.oidc.identityKey } : options.hubToken !== undefined ? { hubToken: options.hubToken } : {}),
    ...(options.hubCa !== undefined ? { hubCa: options.hubCa } : {}),
  });
  const seal = options.sessionKey !== undefined ? new CookieSeal(options.sessionKey) : CookieSeal.random();
  const discovery =
    options.oidc === undefined
      ? undefined
      : new OidcDiscovery({ issuer: options.oidc.issuer, clientId: options.oidc.clientId, ...(options.oidc.clientSecret !== undefined ? { clientSecret: options.oidc.clientSecret } : {}), log });
  const server = http.createServer();
  // Upgraded sockets leave the server's bookkeeping: closing the front ends them here.
  const tunnels = new Set<Duplex>();

  // Names and cookie follow from the port, which the system may pick: the handlers are
  // attached once it is known, before the first connection is read.
  const serve = (port: number, url: string): void => {
    const names = new FrontNames({ port, host: options.host, ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}), allowedOrigins: options.allowedOrigins ?? [] });
    const secure = options.publicUrl?.protocol === 'https:';
    const oidc =
      options.oidc === undefined || discovery === undefined
        ? undefined
        : new OidcSignIn({
            discovery,
            redirectUri: `${url}${FRONT_OIDC_CALLBACK_PATH}`,
            signedOutUri: `${url}${FRONT_SIGNED_OUT_PATH}`,
            scopes: options.oidc.scopes ?? DEFAULT_OIDC_SCOPES,
            groupsClaim: options.oidc.groupsClaim ?? DEFAULT_GROUPS_CLAIM,
            roles: options.oidc.roles,
            seal,
            port,
            secure,
            log,
          });
    const auth = new FrontAuth({
      log,
      ...(options.signInToken !== undefined ? { token: options.signInToken } : {}),
      ...(oidc !== undefined ? { oidc } : {}),
      seal,
      port,
      secure,
      sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_HOURS * 3_600_000,
      maxSessions: options.maxSessions ?? DEFAULT_MAX_SESSIONS,
      ...(options.dataSpan !== undefined ? { dataSpan: options.dataSpan } : {}),
    });

    const refusal = (req: IncomingMessage): Refusal => {
      // Origin-form only (RFC 9112 §3.2.1): the front is no proxy.
      if (!(req.url ?? '').startsWith('/')) return [400, ErrorCodes.FRONT_ERR_BAD_REQUEST, 'the request target must be a path'];
      if (!names.hostAllowed(req.headers.host)) {
        return [421, ErrorCodes.FRONT_ERR_HOST, `this front does not answer to the name '${req.headers.host ?? ''}': open it by the address it printed, or give shoal front --public-url`];
      }
      // Browsers send Origin with every WebSocket upgrade and non-GET request: one from another
      // site's page is refused. Without one the client is no browser, and needs a session anyway.
      const origin = req.headers.origin;
      if (origin !== undefined && !names.originAllowed(origin, req.headers.host)) {
        return [403, ErrorCodes.FRONT_ERR_ORIGIN, `requests from pages of ${origin} are refused: open the dashboard itself, or give shoal front --allowed-origin ${origin}`];
      }
      return undefined;
    };

    const serveFile = async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
      let read = await readDashboardFile(options.dir, pathname);
      if ('missing' in read && !hasExtension(pathname)) read = await readDashboardFile(options.dir, '/index.html');
      if ('missing' in read) return sendFrontError(res, 404, ErrorCodes.FRONT_ERR_NOT_FOUND, `no dashboard file ${pathname}`);
      if ('error' in read) return sendFrontError(res, 500, ErrorCodes.FRONT_ERR_FILE, `cannot read the dashboard file ${pathname} (${read.error}); make build writes the dashboard again`);
      // Vite names assets by content hash: they never change. index.html must always be fresh.
      const cache = pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      res.writeHead(200, { 'content-type': contentType(read.file), 'content-length': read.body.length, 'cache-control': cache });
      res.end(req.method === 'HEAD' ? undefined : read.body);
    };

    const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      // The path alone: a query may carry the sign-in token.
      if (log.isLevelEnabled('debug')) res.on('finish', () => log.debug({ method: req.method, path: pathOf(req.url), status: res.statusCode }, 'request'));
      const refused = refusal(req);
      if (refused !== undefined) return refuse(req, res, refused);
      const target = req.url!;
      if (target.startsWith(API_PREFIX)) {
        const access = await auth.access(req);
        if ('refused' in access) return sendFrontError(res, ...access.refused);
        return proxy.forward(req, res, access.client, access.identity);
      }
      const url = new URL(target, 'http://front');
      if (await auth.route(req, res, url)) return;
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendFrontError(res, 405, ErrorCodes.FRONT_ERR_METHOD, `the dashboard's files take GET, not ${req.method}`);
      if (auth.tokenLink(req, res, url)) return;
      await serveFile(req, res, url.pathname);
    };

    const refuse = (req: IncomingMessage, res: ServerResponse, refused: [number, string, string]): void => {
      log.info({ method: req.method, path: pathOf(req.url), host: req.headers.host, origin: req.headers.origin, code: refused[1] }, 'request refused');
      sendFrontError(res, ...refused);
    };

    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      handle(req, res).catch((err: unknown) => {
        log.error({ method: req.method, path: pathOf(req.url), err: (err as Error).message }, 'the front failed');
        if (res.headersSent) res.destroy();
        else sendFrontError(res, 500, ErrorCodes.FRONT_ERR_INTERNAL, `the front failed: ${(err as Error).message}`);
      });
    });

    const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
      const refused = refusal(req);
      if (refused !== undefined) {
        log.info({ path: pathOf(req.url), host: req.headers.host, origin: req.headers.origin, code: refused[1] }, 'upgrade refused');
        return refuseUpgrade(socket, ...refused);
      }
      if (!req.url!.startsWith(API_PREFIX)) return refuseUpgrade(socket, 404, ErrorCodes.FRONT_ERR_NOT_FOUND, "WebSockets are under /api/ (the hub's /ws is /api/ws)");
      const access = await auth.access(req);
      if ('refused' in access) return refuseUpgrade(socket, ...access.refused);
      if (socket.destroyed) return;
      tunnels.add(socket);
      socket.on('close', () => tunnels.delete(socket));
      proxy.upgrade(req, socket, head, access.client, access.identity);
    };

    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      upgrade(req, socket, head).catch((err: unknown) => {
        log.error({ path: pathOf(req.url), err: (err as Error).message }, 'the front failed');
        refuseUpgrade(socket, 500, ErrorCodes.FRONT_ERR_INTERNAL, `the front failed: ${(err as Error).message}`);
      });
    });
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : options.port;
      const url = options.publicUrl !== undefined ? options.publicUrl.origin : `http://${listenName(options.host)}:${port}`;
      serve(port, url);
      // Discovery's first attempt before the front is said to run; a failure leaves it retrying.
      void (discovery?.start() ?? Promise.resolve()).then(() =>
        resolve({
        url,
        port,
        close: () =>
          new Promise<void>((done) => {
            discovery?.stop();
            for (const socket of tunnels) socket.destroy();
            server.closeAllConnections();
            server.close(() => done());
          }),
        }),
      );
    });
  });
}

/** The name to print for a listen address: every interface is reached locally as 127.0.0.1. */
function listenName(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '[::]') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
