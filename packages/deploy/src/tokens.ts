import { randomBytes } from 'node:crypto';
import type { ClusterTokens } from './objects/build-context.js';

/** 32 random bytes, base64url: the same strength as `shoal front`'s own sign-in token. */
function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Fresh tokens for a new installation (an upgrade keeps the ones it has). */
export function newClusterTokens(): ClusterTokens {
  return { worker: newToken(), hub: newToken(), signIn: newToken() };
}
