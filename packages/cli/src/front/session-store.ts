import { createHash, randomBytes } from 'node:crypto';

/**
 * Who a session belongs to. A token sign-in knows only that the token was right; OIDC (a later
 * issue) will carry the subject and its groups, from which the hub scopes what it answers.
 */
export type Identity = { kind: 'token' } | { kind: 'oidc'; subject: string; groups: string[] };

export interface Session {
  /** The cookie's value: 32 random bytes, base64url. */
  readonly id: string;
  readonly identity: Identity;
  /** The namespaces whose traffic the session may see: `all` for a token sign-in. */
  readonly namespaces: readonly string[] | 'all';
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
  create(identity: Identity, namespaces: readonly string[] | 'all'): Session {
    this.prune();
    if (this.byHash.size >= this.options.maxSessions) {
      throw new SessionsFull(`${this.options.maxSessions} sessions are live (--max-sessions): sign out elsewhere, or wait for one to expire`);
    }
    const id = randomBytes(32).toString('base64url');
    const session: Session = { id, identity, namespaces, expires: this.now() + this.options.ttlMs };
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
