import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Who a signed-in user is, as the front tells the hub: a short-lived assertion in the request's
 * IDENTITY_HEADER, signed with a key only the front and the hub hold (a Secret in a cluster,
 * `--identity-key-file` on both). The hub scopes every answer to the namespaces named here; it
 * does not trust the front's word on anything else. A compact JWS (RFC 7515 §7.1) with HS256
 * (RFC 7518 §3.2), so that any JWT tool can read one while debugging; the claims are registered
 * JWT claims (RFC 7519 §4.1) and three of Shoal's own.
 */

/** The namespaces a user may see: a list, or every namespace. */
export type NamespaceScope = '*' | readonly string[];

export interface Identity {
  /** The user: the ID token's `sub`, or its email / preferred_username when the front is told so. */
  subject: string;
  /** A name for logs and the dashboard (email, preferred_username), when the provider gave one. */
  name?: string;
  /** The groups the provider said the user is in (for the audit log only: the hub reads `namespaces`). */
  groups: readonly string[];
  namespaces: NamespaceScope;
  /** May change targets and download PCAP of everything. */
  admin: boolean;
}

/** The header that carries an assertion from the front to the hub. */
export const IDENTITY_HEADER = 'x-shoal-identity';

/** Issuer and audience: an assertion made for something else is not one for the hub. */
const ISSUER = 'shoal-front';
const AUDIENCE = 'shoal-hub';
/** How long an assertion lives: one per request, so a minute covers a slow WebSocket upgrade. */
export const ASSERTION_TTL_SECONDS = 60;
/** Clocks of the front's and the hub's nodes may differ by this much. */
const CLOCK_SKEW_SECONDS = 30;
/** Shorter keys are refused: HS256 wants at least the hash's size (RFC 7518 §3.2). */
export const MIN_IDENTITY_KEY_BYTES = 32;
/** Assertions longer than this are refused before any work (a header, not a document). */
const MAX_ASSERTION_CHARS = 16 * 1024;

const HEADER_PART = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

interface Claims {
  iss: string;
  aud: string;
  sub: string;
  name?: string;
  groups: string[];
  ns: '*' | string[];
  admin: boolean;
  iat: number;
  exp: number;
}

/** Why an assertion was refused, for the log and the 401's message. */
export class AssertionError extends Error {}

/** The key as read from its file: surrounding whitespace dropped, at least MIN_IDENTITY_KEY_BYTES. */
export function identityKey(text: string | Buffer, source: string): Buffer {
  const key = Buffer.from(typeof text === 'string' ? text.trim() : text.toString('utf8').trim(), 'utf8');
  if (key.length < MIN_IDENTITY_KEY_BYTES) throw new Error(`${source}: the identity key has ${key.length} bytes; at least ${MIN_IDENTITY_KEY_BYTES} are needed (e.g. openssl rand -hex 32)`);
  return key;
}

function sign(key: Buffer, signingInput: string): Buffer {
  return createHmac('sha256', key).update(signingInput).digest();
}

/** An assertion for `identity`, valid for ASSERTION_TTL_SECONDS from `nowMs`. */
export function signIdentity(key: Buffer, identity: Identity, nowMs = Date.now()): string {
  const iat = Math.floor(nowMs / 1000);
  const claims: Claims = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: identity.subject,
    ...(identity.name !== undefined ? { name: identity.name } : {}),
    groups: [...identity.groups],
    ns: identity.namespaces === '*' ? '*' : [...identity.namespaces],
    admin: identity.admin,
    iat,
    exp: iat + ASSERTION_TTL_SECONDS,
  };
  const input = `${HEADER_PART}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign(key, input).toString('base64url')}`;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/**
 * The identity an assertion carries, or an AssertionError saying why not: a bad shape, another
 * algorithm (the header must be exactly ours: no `none`, no key confusion), a wrong signature
 * (compared in constant time), another issuer or audience, expired, or issued in the future.
 */
export function verifyIdentity(key: Buffer, assertion: string, nowMs = Date.now()): Identity {
  if (assertion.length > MAX_ASSERTION_CHARS) throw new AssertionError('the identity assertion is too long');
  const parts = assertion.split('.');
  if (parts.length !== 3) throw new AssertionError('the identity assertion is not a compact JWS');
  const [header, payload, signature] = parts as [string, string, string];
  if (header !== HEADER_PART) throw new AssertionError('the identity assertion is not HS256');
  const expected = sign(key, `${header}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AssertionError('the identity assertion has a wrong signature');
  let claims: Partial<Claims>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Claims>;
  } catch {
    throw new AssertionError('the identity assertion\'s claims are not JSON');
  }
  if (claims.iss !== ISSUER || claims.aud !== AUDIENCE) throw new AssertionError('the identity assertion is not for the hub');
  const now = nowMs / 1000;
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') throw new AssertionError('the identity assertion has no lifetime');
  if (now > claims.exp + CLOCK_SKEW_SECONDS) throw new AssertionError('the identity assertion has expired');
  if (claims.iat > now + CLOCK_SKEW_SECONDS) throw new AssertionError('the identity assertion was issued in the future');
  if (typeof claims.sub !== 'string' || claims.sub === '' || typeof claims.admin !== 'boolean' || !isStringArray(claims.groups)) throw new AssertionError('the identity assertion lacks a subject, groups or the admin flag');
  if (claims.ns !== '*' && !isStringArray(claims.ns)) throw new AssertionError('the identity assertion\'s namespaces are neither "*" nor a list');
  return {
    subject: claims.sub,
    ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
    groups: claims.groups,
    namespaces: claims.ns,
    admin: claims.admin,
  };
}

/** True when `scope` lets its user see namespace `namespace`. */
export function scopeAllows(scope: NamespaceScope, namespace: string | undefined): boolean {
  if (scope === '*') return true;
  return namespace !== undefined && namespace !== '' && scope.includes(namespace);
}
