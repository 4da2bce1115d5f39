import { createHash, randomBytes } from 'node:crypto';
import type { Identity } from '@shoal/model/http';

/** What the provider gave at sign-in (or at the last refresh), kept on the front only. */
export interface OidcGrant {
  /** Epoch ms when the ID token expires: from then on the session needs a refresh. */
  readonly idTokenExpires: number;
  /** The ID token, as `id_token_hint` of the provider's sign-out (never logged, never sent to the hub). */
  readonly idToken: string;
  /** Given by providers that issue refresh tokens: the session outlives the ID token by refreshing. */
  readonly refreshToken?: string;
}

/**
 * Who a session belongs to. A token sign-in knows only that the token was right: an admin who
 * sees every namespace. An OIDC sign-in carries the user's identity and scope (from the roles
 * file), which the hub is told in a signed assertion with every request.
 */
export type SessionOwner = { kind: 'token' } | { kind: 'oidc'; identity: Identity; grant: OidcGrant };

export interface Session {
  /** 32 random bytes, base64url; the cookie carries it sealed (SessionCookie). */
  readonly id: string;
  readonly owner: SessionOwner;
  /** Epoch ms; the session is gone from then on. */
  readonly expires: number;
}

export interface SessionStoreOptions {
  /** How long a session lives from its sign-in, in ms. */
  ttlMs: number;
  /** Live sessions at most; a sign-in beyond is refused (FRONT_ERR_SESSIONS_FULL). */
  maxSessions: number;
  now?: () => number;
}

/** A sign-in refused because `maxSessions` sessions are live. */
export class SessionsFull extends Error {}

/**
 * The front's sessions, in memory (a restart signs everyone out). Keyed by a hash of the id, so
 * the time a lookup takes says nothing about the ids held. Expired sessions are dropped when met
 * and before each new one is counted against the cap.
 */
export class SessionStore {
  private readonly byHash = new Map<string, Session>();
  private readonly now: () => number;

  constructor(private readonly options: SessionStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A new session; throws SessionsFull when `maxSessions` are live. */
  create(owner: SessionOwner): Session {
    this.prune();
    if (this.byHash.size >= this.options.maxSessions) {
      throw new SessionsFull(`${this.options.maxSessions} sessions are live (--max-sessions): sign out elsewhere, or wait for one to expire`);
    }
    const id = randomBytes(32).toString('base64url');
    const session: Session = { id, owner, expires: this.now() + this.options.ttlMs };
    this.byHash.set(hashOf(id), session);
    return session;
  }

  /** The live session with this id, or undefined (unknown, or expired: then it is dropped). */
  get(id: string): Session | undefined {
    const key = hashOf(id);
    const session = this.byHash.get(key);
    if (session === undefined) return undefined;
    if (session.expires <= this.now()) {
      this.byHash.delete(key);
      return undefined;
    }
    return session;
  }

  /** The live session `id` with a new owner (an OIDC grant refreshed); undefined when it is gone. */
  renew(id: string, owner: SessionOwner): Session | undefined {
    const session = this.get(id);
    if (session === undefined) return undefined;
    const renewed: Session = { ...session, owner };
    this.byHash.set(hashOf(id), renewed);
    return renewed;
  }

  delete(id: string): void {
    this.byHash.delete(hashOf(id));
  }

  /** Live sessions (expired ones are dropped first). */
  get size(): number {
    this.prune();
    return this.byHash.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, s] of this.byHash) if (s.expires <= now) this.byHash.delete(key);
  }
}

/** A session's id hashed: the store's key, and the client the hub's per-client bounds count. */
export function hashOf(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}
