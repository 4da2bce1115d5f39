/**
 * A real OpenID provider for the front's OIDC tests: the `oidc-provider` package (a certified
 * OpenID Provider implementation) on loopback, with its own login and consent pages
 * (devInteractions: any password is accepted for a known user), discovery, JWKS, the token,
 * UserInfo and end-session endpoints.
 *
 * - Users (USERS): alice in group shop-devs, bob in ops, carol in interns; their email,
 *   preferred_username and groups claims (the `groups` scope) come from findAccount.
 * - Clients are added while it runs (addClient), so a test registers a front's redirect URI once
 *   the front has its port: they live in the provider's adapter, as dynamically registered
 *   clients would.
 * - `idTokenSeconds` per client: an ID token that expires soon, for the expiry tests; clients
 *   with the refresh_token grant get refresh tokens.
 * - `substituteIdToken`: while set, the ID token in every token response is replaced by it, as a
 *   token endpoint answer altered in transit would be (a mix-up: a real ID token, issued by this
 *   provider for another client), for the audience test.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Adapter, type AdapterPayload, type ClientMetadata } from 'oidc-provider';
import { parseRoles } from '../../dist/front/roles-file.js';

export const USERS: Record<string, { email: string; groups: string[] }> = {
  alice: { email: 'alice@example.test', groups: ['shop-devs'] },
  bob: { email: 'bob@example.test', groups: ['ops'] },
  carol: { email: 'carol@example.test', groups: ['interns'] },
};

/** The roles file the tests' fronts read: shop-devs see namespace shop; ops are admins of every namespace; interns have no role. */
export const TEAM_ROLES = parseRoles(
  `roles:
  - name: shop-devs
    groups: [shop-devs]
    namespaces: [shop]
  - name: operators
    groups: [ops]
    namespaces: ["*"]
    admin: true
`,
  'roles.yaml',
);

export interface TestClient {
  clientId: string;
  clientSecret: string;
  /** The front's origin: its callback and signed-out pages are registered under it. */
  front: string;
  idTokenSeconds?: number;
  refreshTokens?: boolean;
}

export interface OpenIdProvider {
  /** The issuer, e.g. http://127.0.0.1:40123 (no trailing slash). */
  issuer: string;
  addClient(client: TestClient): void;
  /** While set, token responses carry this ID token instead of their own. */
  substituteIdToken: string | undefined;
  /** The authorization codes sent to `${issuer}/test-capture` (a redirect URI of a test's own), by state. */
  readonly captured: Map<string, string>;
  close(): Promise<void>;
}

type Stored = Map<string, { payload: AdapterPayload; expiresAt: number }>;

/** Every model of one provider in a map of its own, in memory; expired payloads are gone when looked up. */
class MemoryAdapter implements Adapter {
  private readonly store: Stored;

  constructor(stores: Map<string, Stored>, name: string) {
    const store = stores.get(name) ?? new Map();
    stores.set(name, store);
    this.store = store;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    this.store.set(id, { payload, expiresAt: expiresIn === undefined ? Infinity : Date.now() + expiresIn * 1000 });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const kept = this.store.get(id);
    if (kept === undefined || kept.expiresAt <= Date.now()) return undefined;
    return kept.payload;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    for (const [id, kept] of this.store) if (kept.payload.uid === uid) return this.find(id);
    return undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    for (const [id, kept] of this.store) if (kept.payload.userCode === userCode) return this.find(id);
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const kept = this.store.get(id);
    if (kept !== undefined) kept.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.delete(id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, kept] of this.store) if (kept.payload.grantId === grantId) this.store.delete(id);
  }
}

/** Starts the provider on 127.0.0.1 (`port` 0: a free one). */
export async function startOpenIdProvider(port = 0): Promise<OpenIdProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idTokenSeconds = new Map<string, number>();
  // The adapter's state is this provider's: tests in one process start several.
  const stores = new Map<string, Stored>();
  const clients = new MemoryAdapter(stores, 'Client');

  const provider = new Provider(issuer, {
    adapter: (name: string) => new MemoryAdapter(stores, name),
    async findAccount(_ctx, sub) {
      const user = USERS[sub];
      if (user === undefined) return undefined;
      return { accountId: sub, claims: async () => ({ sub, email: user.email, email_verified: true, preferred_username: sub, groups: user.groups }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['preferred_username'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups', 'offline_access'],
    cookies: { keys: ['a test provider cookie key, not a secret'] },
    ttl: {
      IdToken: (_ctx, _token, client) => idTokenSeconds.get(client.clientId) ?? 3600,
      AccessToken: 3600,
      AuthorizationCode: 60,
      Grant: 3600,
      Interaction: 600,
      Session: 3600,
      RefreshToken: 3600,
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    pkce: { required: () => true },
  });
  const callback = provider.callback();

  const result: OpenIdProvider = {
    issuer,
    substituteIdToken: undefined,
    captured: new Map(),
    addClient(c) {
      if (c.idTokenSeconds !== undefined) idTokenSeconds.set(c.clientId, c.idTokenSeconds);
      const metadata: ClientMetadata = {
        client_id: c.clientId,
        client_secret: c.clientSecret,
        redirect_uris: [`${c.front}/auth/oidc/callback`, `${issuer}/test-capture`],
        post_logout_redirect_uris: [`${c.front}/auth/signed-out`],
        grant_types: c.refreshTokens === true ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
        response_types: ['code'],
      };
      void clients.upsert(c.clientId, metadata as unknown as AdapterPayload);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/test-capture') {
      result.captured.set(url.searchParams.get('state') ?? '', url.searchParams.get('code') ?? '');
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('captured');
      return;
    }
    const substitute = result.substituteIdToken;
    if (url.pathname === '/token' && substitute !== undefined) {
      // The provider's JSON answer goes out through one res.end(body): replace its ID token there.
      const end = res.end.bind(res) as (body?: unknown) => http.ServerResponse;
      res.end = ((body?: unknown) => {
        if (typeof body !== 'string' && !Buffer.isBuffer(body)) return end(body);
        const answer = JSON.parse(body.toString()) as { id_token?: string };
        if (answer.id_token !== undefined) answer.id_token = substitute;
        const text = JSON.stringify(answer);
        res.setHeader('content-length', Buffer.byteLength(text));
        return end(text);
      }) as typeof res.end;
    }
    callback(req, res);
  });
  return result;
}
