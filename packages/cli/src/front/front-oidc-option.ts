import { readFileSync } from 'node:fs';
import { identityKey, isLoopbackHost } from '@shoal/model/http';
import { usageError } from '../usage-error.js';
import { DEFAULT_GROUPS_CLAIM, DEFAULT_OIDC_SCOPES, type FrontOidcOptions } from './front-server.js';
import { parseRoles } from './roles-file.js';
import { tokenFileOption } from '../token-option.js';

/** The `--oidc-*`, `--roles-file` and `--identity-key-file` values of `shoal front --auth oidc`. */
export interface OidcFlags {
  issuer?: string;
  clientId?: string;
  clientSecretFile?: string;
  scopes?: string;
  groupsClaim?: string;
  rolesFile?: string;
  identityKeyFile?: string;
}

function readFlagFile(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`cannot read ${flag} '${file}': ${(err as Error).message}`);
  }
}

/**
 * The OIDC sign-in's options, read and checked: every file readable, the issuer an https URL
 * (http only on loopback: a provider on this machine), the roles file valid, the identity key
 * long enough. Usage errors say which flag is wrong and how to fix it.
 */
export function frontOidcOption(flags: OidcFlags): FrontOidcOptions {
  for (const [flag, value] of [
    ['--oidc-issuer', flags.issuer],
    ['--oidc-client-id', flags.clientId],
    ['--roles-file', flags.rolesFile],
    ['--identity-key-file', flags.identityKeyFile],
  ] as const) {
    if (value === undefined) throw usageError(`--auth oidc needs ${flag} (docs/front.md#oidc-sign-in)`);
  }
  let issuer: URL;
  try {
    issuer = new URL(flags.issuer!);
  } catch {
    throw usageError(`--oidc-issuer must be the provider's issuer URL, like https://id.example/realms/shop, got '${flags.issuer}'`);
  }
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname.replace(/^\[(.*)\]$/, '$1')))) {
    throw usageError(`--oidc-issuer must be https:// (plain http only for a provider on loopback), got '${flags.issuer}'`);
  }
  let roles;
  try {
    roles = parseRoles(readFlagFile(flags.rolesFile!, '--roles-file'), flags.rolesFile!);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  let key: Buffer;
  try {
    key = identityKey(readFlagFile(flags.identityKeyFile!, '--identity-key-file'), `--identity-key-file '${flags.identityKeyFile}'`);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  const scopes = flags.scopes ?? DEFAULT_OIDC_SCOPES;
  if (!scopes.split(/\s+/).includes('openid')) throw usageError(`--oidc-scopes must include openid (OpenID Connect Core §3.1.2.1), got '${scopes}'`);
  return {
    issuer,
    clientId: flags.clientId!,
    ...(flags.clientSecretFile !== undefined ? { clientSecret: tokenFileOption(flags.clientSecretFile, '--oidc-client-secret-file') } : {}),
    scopes,
    groupsClaim: flags.groupsClaim ?? DEFAULT_GROUPS_CLAIM,
    roles,
    identityKey: key,
  };
}
