/**
 * A STAND-IN for a hub run with `--identity-key-file`, for the front's OIDC tests: the hub's
 * own verification of the assertion is built and tested on the hub's side. This checks what the
 * front sends: every request and WebSocket upgrade must carry an `x-shoal-identity` that
 * verifyIdentity accepts with the shared key (else 401, as the hub answers), and no hub token;
 * each is recorded (path, identity or why it was refused, any credential besides). A checked
 * request then goes on to a real hub (with no workers) with that hub's token, so the dashboard
 * gets real answers to render.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { IDENTITY_HEADER, TOKEN_HEADER, verifyIdentity, type Identity } from '@shoal/model/http';
import { startHub, type RunningHub } from '@shoal/hub';
import { pino } from 'pino';
import { HubProxy } from '../../dist/front/hub-proxy.js';

export interface SeenRequest {
  path: string;
  upgrade: boolean;
  identity?: Identity;
  /** Why the assertion was refused, or that there was none. */
  refused?: string;
  /** Credentials besides the assertion: the front must send none. */
  authorization?: string;
  token?: string;
}

export class IdentityCheckingHub {
  readonly seen: SeenRequest[] = [];
  /** Upgraded sockets leave the server's bookkeeping: closing ends them here. */
  private readonly tunnels = new Set<Duplex>();
  private constructor(
    private readonly server: http.Server,
    private readonly hub: RunningHub,
    readonly url: string,
  ) {}

  static async start(key: Buffer): Promise<IdentityCheckingHub> {
    const hubToken = 'the real hub behind the stand-in, a token of its own';
    const hub = await startHub({ port: 0, host: '127.0.0.1', workers: [], token: hubToken, logger: pino({ level: 'silent' }) });
    const onward = new HubProxy({ hubUrl: `http://127.0.0.1:${hub.port}`, hubToken, log: pino({ level: 'silent' }) });
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const standIn = new IdentityCheckingHub(server, hub, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);

    const check = (req: IncomingMessage, upgrade: boolean): SeenRequest => {
      const seen: SeenRequest = { path: (req.url ?? '').split('?')[0]!, upgrade };
      if (req.headers.authorization !== undefined) seen.authorization = req.headers.authorization;
      const token = req.headers[TOKEN_HEADER];
      if (typeof token === 'string') seen.token = token;
      const assertion = req.headers[IDENTITY_HEADER];
      if (typeof assertion !== 'string') seen.refused = 'no identity assertion';
      else {
        try {
          seen.identity = verifyIdentity(key, assertion);
        } catch (err) {
          seen.refused = (err as Error).message;
        }
      }
      standIn.seen.push(seen);
      return seen;
    };
    // HubProxy takes the front's paths: /api/… becomes the hub's /….
    const asFront = (req: IncomingMessage) => void (req.url = `/api${req.url ?? '/'}`);

    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const seen = check(req, false);
      if (seen.identity === undefined) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'HUB_ERR_UNAUTHORIZED', message: `stand-in: ${seen.refused}` } }));
        return;
      }
      asFront(req);
      onward.forward(req, res, `stand-in:${seen.identity.subject}`);
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const seen = check(req, true);
      if (seen.identity === undefined) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      standIn.tunnels.add(socket);
      socket.on('close', () => standIn.tunnels.delete(socket));
      asFront(req);
      onward.upgrade(req, socket, head, `stand-in:${seen.identity.subject}`);
    });
    return standIn;
  }

  /** The identities the front asserted for requests to `path` (the hub's path, e.g. /status). */
  identitiesAt(path: string): Identity[] {
    return this.seen.filter((s) => s.path === path && s.identity !== undefined).map((s) => s.identity!);
  }

  async close(): Promise<void> {
    for (const socket of this.tunnels) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.hub.close();
  }
}
