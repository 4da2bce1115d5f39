import { randomBytes } from 'node:crypto';
import type { ClusterTokens } from './objects/build-context.js';

/** 32 random bytes, base64url: the same strength as `shoal front`'s own sign-in token. */
function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The identity key: 48 random bytes, 64 characters of base64url, as long as the chart's
 * (`randAlphaNum 64`); HS256 wants at least 32 bytes (RFC 7518 §3.2).
 */
function newIdentityKey(): string {
  return randomBytes(48).toString('base64url');
}

/** Fresh tokens for a new installation (an upgrade keeps the ones it has). */
export function newClusterTokens(): ClusterTokens {
  return { worker: newToken(), hub: newToken(), signIn: newToken(), identity: newIdentityKey() };
}
