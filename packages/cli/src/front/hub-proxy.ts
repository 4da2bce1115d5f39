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

export interface HubProxyOptions {
  /** `http://host:port` or `https://host:port` (443 when no port is given). */
  hubUrl: string;
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
  private readonly hub: URL;
  private readonly request: typeof http.request;
  private readonly tls: https.RequestOptions;

  constructor(private readonly options: HubProxyOptions) {
    this.hub = new URL(options.hubUrl);
    this.request = this.hub.protocol === 'https:' ? https.request : http.request;
    // A TLS hub's certificate is checked against its name (https.request does, by default).
    this.tls = options.hubCa !== undefined ? { ca: options.hubCa } : {};
  }

  /** An HTTP request under `/api/`; `identity`: the signed-in user with `--auth oidc`. */
  forward(req: IncomingMessage, res: ServerResponse, client: string, identity?: Identity): void {
    const upstream = this.request(this.target(req, this.requestHeaders(req, client, identity)), (hubRes) => {
      res.writeHead(hubRes.statusCode ?? 502, endToEndHeaders(hubRes.headers, FRONT_ONLY_RESPONSE));
      hubRes.pipe(res);
    });
    upstream.on('error', (err) => {
      if (!res.headersSent) sendFrontError(res, 502, ErrorCodes.FRONT_ERR_HUB, this.unreachable(err));
      else res.destroy();
    });
    // The page went away (a download cancelled): stop asking the hub.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }

  /** A WebSocket upgrade under `/api/`: it goes to the hub, and is joined to it (spliceUpgrade). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, client: string, identity?: Identity): void {
    const headers = this.requestHeaders(req, client, identity);
    headers['connection'] = 'Upgrade';
    headers['upgrade'] = req.headers['upgrade'] ?? 'websocket';
    const upstream = this.request(this.target(req, headers));
    spliceUpgrade(upstream, socket, head, (err) => refuseUpgrade(socket, 502, ErrorCodes.FRONT_ERR_HUB, this.unreachable(err)));
    upstream.end();
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

  private target(req: IncomingMessage, headers: http.OutgoingHttpHeaders): https.RequestOptions {
    return {
      ...this.tls,
      // URL keeps an IPv6 literal's brackets; the socket wants the bare address.
      hostname: this.hub.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: this.hub.port !== '' ? Number(this.hub.port) : this.hub.protocol === 'https:' ? 443 : 80,
      path: (req.url ?? '/').slice(API_PREFIX.length - 1),
      method: req.method ?? 'GET',
      headers,
    };
  }

  private unreachable(err: Error): string {
    this.options.log.warn({ hub: this.options.hubUrl, err: (err as NodeJS.ErrnoException).code ?? err.message }, 'the hub is unreachable');
    return `cannot reach the hub at ${this.options.hubUrl} (${(err as NodeJS.ErrnoException).code ?? err.message}): is it running? shoal front --hub URL names it`;
  }
}
