import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { CLIENT_ID_HEADER, ErrorCodes } from '@shoal/model';
import { IDENTITY_HEADER, signIdentity, TOKEN_HEADER, type Identity } from '@shoal/model/http';
import { spliceUpgrade } from '../upgrade-splice.js';
import { endToEndHeaders } from './hop-by-hop.js';
import { SECURITY_HEADERS } from './security-headers.js';
import { sendFrontError, refuseUpgrade } from './front-errors.js';
import type { Logger } from 'pino';

/**
 * A way to the hub other than its URL: `shoal tap` and `shoal proxy` with the OIDC sign-in
 * installed serve a dashboard of their own on this machine, which reaches the cluster's hub
 * through the API server (its service proxy, or a port-forward: kube/dashboard-upstream.ts) and
 * adds the hub's token itself. `via` names the way in messages.
 */
export interface HubTransport {
  via: string;
  /** A request for the hub's `path`, not yet ended. */
  request(path: string, method: string, headers: http.OutgoingHttpHeaders): Promise<http.ClientRequest>;
}

export interface HubProxyOptions {
  /** `http://host:port` or `https://host:port` (443 when no port is given); or `transport`. */
  hubUrl: string | HubTransport;
  /** Sent to the hub as `Authorization: Bearer`, so the page itself never holds it (`--auth token`/`none`). */
  hubToken?: string;
  /**
   * With `--auth oidc`: the key the user's identity is signed with for the hub (IDENTITY_HEADER),
   * instead of the hub token, which is then never sent: the hub scopes each request to the
   * identity, so a bug in the front cannot widen what a user sees.
   */
  identityKey?: Buffer;
  /** PEM certificates to trust for an https hub, instead of Node's bundled CAs (`--hub-ca`). */
  hubCa?: string;
  log: Logger;
}

/** The prefix of the hub's routes on the front: `/api/status` is the hub's `/status`. */
export const API_PREFIX = '/api/';

/**
 * What the front never passes to the hub: the browser's credentials for the front (its cookie;
 * an Authorization the front replaces with its own), the Host (the hub gets its own), the
 * Origin, which the front has checked already and which names the front, not the hub, and a
 * client name the front sets itself (a caller's own would dodge the hub's per-client bounds), and
 * an identity assertion: only the front's own, signed for the signed-in user, reaches the hub.
 */
const FRONT_ONLY_REQUEST = ['host', 'authorization', TOKEN_HEADER, 'cookie', 'origin', CLIENT_ID_HEADER, IDENTITY_HEADER];
/** The front's own security headers replace any the hub sent. */
const FRONT_ONLY_RESPONSE = Object.keys(SECURITY_HEADERS);

/**
 * `/api/*` passed to the hub with the prefix removed, the `/api/ws` WebSocket included, over
 * TLS when the hub's URL is https. Bodies stream both ways with backpressure (a PCAP download is
 * not held in memory). The caller has checked who is asking.
 */
export class HubProxy {
  /** Opens a request for the hub's `path`. */
  private readonly open: HubTransport['request'];
  /** The hub, as messages name it. */
  private readonly hubName: string;

  constructor(private readonly options: HubProxyOptions) {
    if (typeof options.hubUrl !== 'string') {
      this.open = options.hubUrl.request;
      this.hubName = `the hub through ${options.hubUrl.via}`;
      return;
    }
    const hub = new URL(options.hubUrl);
    const request = hub.protocol === 'https:' ? https.request : http.request;
    // A TLS hub's certificate is checked against its name (https.request does, by default).
    const tls: https.RequestOptions = options.hubCa !== undefined ? { ca: options.hubCa } : {};
    this.hubName = `the hub at ${options.hubUrl}`;
    this.open = async (path, method, headers) =>
      request({
        ...tls,
        // URL keeps an IPv6 literal's brackets; the socket wants the bare address.
        hostname: hub.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: hub.port !== '' ? Number(hub.port) : hub.protocol === 'https:' ? 443 : 80,
        path,
        method,
        headers,
      });
  }

  /** An HTTP request under `/api/`; `identity`: the signed-in user with `--auth oidc`. */
  forward(req: IncomingMessage, res: ServerResponse, client: string, identity?: Identity): void {
    const failed = (err: Error): void => {
      if (!res.headersSent) sendFrontError(res, 502, ErrorCodes.FRONT_ERR_HUB, this.unreachable(err));
      else res.destroy();
    };
    this.open(hubPath(req), req.method ?? 'GET', this.requestHeaders(req, client, identity)).then((upstream) => {
      upstream.on('response', (hubRes) => {
        res.writeHead(hubRes.statusCode ?? 502, endToEndHeaders(hubRes.headers, FRONT_ONLY_RESPONSE));
        hubRes.pipe(res);
      });
      upstream.on('error', failed);
      // The page went away (a download cancelled): stop asking the hub.
      res.on('close', () => upstream.destroy());
      req.pipe(upstream);
    }, failed);
  }

  /** A WebSocket upgrade under `/api/`: it goes to the hub, and is joined to it (spliceUpgrade). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, client: string, identity?: Identity): void {
    const headers = this.requestHeaders(req, client, identity);
    headers['connection'] = 'Upgrade';
    headers['upgrade'] = req.headers['upgrade'] ?? 'websocket';
    const failed = (err: Error): void => refuseUpgrade(socket, 502, ErrorCodes.FRONT_ERR_HUB, this.unreachable(err));
    this.open(hubPath(req), req.method ?? 'GET', headers).then((upstream) => {
      spliceUpgrade(upstream, socket, head, failed);
      upstream.end();
    }, failed);
  }

  /**
   * `client`: who is asking, for the hub's per-client bounds (FrontAuth.access). With an identity
   * key, a fresh assertion of `identity` (one per request and upgrade: it lives a minute) and no
   * hub token; a request without an identity then carries no credential at all.
   */
  private requestHeaders(req: IncomingMessage, client: string, identity: Identity | undefined): http.OutgoingHttpHeaders {
    const headers = endToEndHeaders(req.headers, FRONT_ONLY_REQUEST);
    headers[CLIENT_ID_HEADER] = client;
    if (this.options.identityKey !== undefined) {
      if (identity !== undefined) headers[IDENTITY_HEADER] = signIdentity(this.options.identityKey, identity);
    } else if (this.options.hubToken !== undefined) {
      headers['authorization'] = `Bearer ${this.options.hubToken}`;
    }
    return headers;
  }

  private unreachable(err: Error): string {
    const why = (err as NodeJS.ErrnoException).code ?? err.message;
    this.options.log.warn({ hub: typeof this.options.hubUrl === 'string' ? this.options.hubUrl : this.options.hubUrl.via, err: why }, 'the hub is unreachable');
    return typeof this.options.hubUrl === 'string'
      ? `cannot reach ${this.hubName} (${why}): is it running? shoal front --hub URL names it`
      : `cannot reach ${this.hubName} (${why})`;
  }
}

/** The hub's path of a request under `/api/`: the prefix removed. */
function hubPath(req: IncomingMessage): string {
  return (req.url ?? '/').slice(API_PREFIX.length - 1);
}
