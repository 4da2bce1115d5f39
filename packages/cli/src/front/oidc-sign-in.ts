/**
 * Signing in through an OpenID provider: the authorization code flow (OpenID Connect Core 1.0
 * §3.1) with PKCE (RFC 7636), through openid-client.
 *
 * 1. `GET /auth/oidc/sign-in`: a fresh state, nonce and PKCE verifier go into a sealed cookie
 *    (the transaction, ten minutes), and the browser is sent to the provider's authorization
 *    endpoint with the state, the nonce and the verifier's S256 challenge.
 * 2. `GET /auth/oidc/callback?code=…&state=…`: the state must be the transaction's (Core §3.1.2.7,
 *    RFC 6749 §10.12: a callback this browser did not start is refused); the code is exchanged
 *    with the verifier; openid-client checks the ID token (Core §3.1.3.7: issuer, signature,
 *    audience = our client id, expiry, nonce). The user's groups come from the ID token's groups
 *    claim, else from the UserInfo endpoint; the roles file turns them into a scope.
 *
 * The transaction cookie is SameSite=Lax, not Strict: the provider sends the browser back by a
 * cross-site top-level navigation, with which a Strict cookie would not be sent (RFC 6265bis
 * §5.4.7.1), and every callback would fail its state check.
 */
import type { IncomingMessage } from 'node:http';
import * as client from 'openid-client';
import { ErrorCodes, FRONT_OIDC_SIGN_IN_PATH } from '@shoal/model';
import type { Identity } from '@shoal/model/http';
import type { Logger } from 'pino';
import type { AuditWho } from './audit-log.js';
import type { CookieSeal } from './cookie-seal.js';
import type { FrontPage } from './front-pages.js';
import { reasonOf, type OidcDiscovery } from './oidc-discovery.js';
import { scopeOf, type Role } from './roles-file.js';
import { cookieAttributes, cookieValue } from './session-cookie.js';
import type { OidcGrant, SessionOwner } from './session-store.js';

export interface OidcSignInOptions {
  discovery: OidcDiscovery;
  /** This front's callback, absolute: registered at the provider as the client's redirect_uri. */
  redirectUri: string;
  /** The page after signing out, absolute: the provider's post_logout_redirect_uri. */
  signedOutUri: string;
  /** `--oidc-scopes`, space-separated. */
  scopes: string;
  /** `--groups-claim`. */
  groupsClaim: string;
  roles: readonly Role[];
  seal: CookieSeal;
  port: number;
  secure: boolean;
  log: Logger;
  now?: () => number;
}

/** How long a started sign-in waits for the provider's answer (the user typing a password). */
const TRANSACTION_TTL_MS = 10 * 60_000;

interface Transaction {
  state: string;
  nonce: string;
  verifier: string;
  expires: number;
  /** The dashboard's path and query the user was on, to land there again (returnPath). */
  returnTo: string;
}

/** The longest return path kept: a URL of the dashboard, not a document. */
const MAX_RETURN_CHARS = 2000;

/**
 * `?return=` of the sign-in, when it is a page of the dashboard: a path of this front, `/` then
 * no second `/` or `\` (`//host` and `/\host` are other sites to a browser: an open
 * redirect), not under `/auth/` (a loop) or `/api/`, in visible ASCII only (a browser's
 * `location.pathname + location.search` is percent-encoded; a Location header takes no
 * control characters). Anything else is `/`.
 */
export function returnPath(value: string | null): string {
  if (value === null || value.length > MAX_RETURN_CHARS || !/^\/(?![/\\])[\x21-\x7e]*$/.test(value)) return '/';
  if (value.startsWith('/auth/') || value.startsWith('/api/')) return '/';
  return value;
}

/** Where a sign-in went: a session's owner, the roles that gave its scope and where to land; or a page saying why not. */
export type CallbackOutcome =
  | { owner: Extract<SessionOwner, { kind: 'oidc' }>; roles: string[]; returnTo?: string }
  | { page: FrontPage; reason: string; who?: AuditWho };

/** oauth4webapi's code (under openid-client) for an ID token claim that is not what was expected; `cause.claim` names it. */
const CLAIM_COMPARISON_FAILED = 'OAUTH_JWT_CLAIM_COMPARISON_FAILED';

/** The link every failure page offers. */
const SIGN_IN_AGAIN = { href: FRONT_OIDC_SIGN_IN_PATH, text: 'Sign in again' };

/** The claim's value as a list of strings: providers give a list, some a single string. */
function claimList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export class OidcSignIn {
  /** The transaction cookie's name, per port like the session's. */
  private readonly cookieName: string;
  private readonly now: () => number;

  constructor(private readonly options: OidcSignInOptions) {
    this.cookieName = `${options.secure ? '__Host-' : ''}shoal-oidc-${options.port}`;
    this.now = options.now ?? Date.now;
  }

  /**
   * The redirect to the provider and the transaction's cookie; or, while the provider cannot be
   * discovered, the page saying so.
   */
  async start(returnTo: string): Promise<{ location: string; setCookie: string } | { page: FrontPage }> {
    const config = this.options.discovery.configuration;
    if (config === undefined) return { page: this.unreachablePage() };
    const verifier = client.randomPKCECodeVerifier();
    const transaction: Transaction = { state: client.randomState(), nonce: client.randomNonce(), verifier, expires: this.now() + TRANSACTION_TTL_MS, returnTo };
    const location = client.buildAuthorizationUrl(config, {
      redirect_uri: this.options.redirectUri,
      scope: this.options.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: transaction.state,
      nonce: transaction.nonce,
    });
    return { location: location.href, setCookie: this.transactionCookie(this.options.seal.seal(transaction), TRANSACTION_TTL_MS) };
  }

  /** `Set-Cookie` that ends the transaction: a callback is used once. */
  clearTransaction(): string {
    return this.transactionCookie('', 0);
  }

  /** The provider's answer at the callback, checked; `search` is the callback's query. */
  async callback(req: IncomingMessage, search: string): Promise<CallbackOutcome> {
    // openid-client takes the redirect_uri of the token request from this URL: the registered one.
    const url = new URL(search, this.options.redirectUri);
    const config = this.options.discovery.configuration;
    if (config === undefined) return { page: this.unreachablePage(), reason: 'the OpenID provider cannot be discovered' };
    const sealed = cookieValue(req.headers.cookie, this.cookieName);
    const transaction = sealed === undefined ? undefined : (this.options.seal.open(sealed) as Transaction | undefined);
    if (transaction === undefined || typeof transaction.state !== 'string' || transaction.expires <= this.now()) {
      return this.refusal(400, ErrorCodes.FRONT_ERR_OIDC_STATE, 'this browser has no sign-in in progress (it was never started here, took over ten minutes, or was already completed): sign in again');
    }
    if (url.searchParams.get('state') !== transaction.state) {
      return this.refusal(400, ErrorCodes.FRONT_ERR_OIDC_STATE, 'the answer of the identity provider does not carry the state of the sign-in this browser started (a forged or replayed answer): sign in again');
    }
    // An error answer (RFC 6749 §4.1.2.1) carries the state too: only a checked one's text is shown.
    const providerError = url.searchParams.get('error');
    if (providerError !== null) {
      const description = url.searchParams.get('error_description') ?? '';
      return this.refusal(401, ErrorCodes.FRONT_ERR_OIDC, `the identity provider refused the sign-in: ${providerError}${description !== '' ? ` (${description})` : ''}`);
    }
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, url, { pkceCodeVerifier: transaction.verifier, expectedState: transaction.state, expectedNonce: transaction.nonce, idTokenExpected: true });
    } catch (err) {
      // openid-client's error wraps oauth4webapi's, whose cause names the claim.
      const e = err as { code?: string; cause?: { cause?: { claim?: string } } };
      if (e.code === CLAIM_COMPARISON_FAILED && e.cause?.cause?.claim === 'aud') {
        return this.refusal(401, ErrorCodes.FRONT_ERR_OIDC_AUDIENCE, `the identity provider's ID token was issued for another client, not for ${config.clientMetadata().client_id}: it is refused. Check --oidc-client-id`);
      }
      return this.refusal(401, ErrorCodes.FRONT_ERR_OIDC, `the sign-in could not be completed: ${reasonOf(err)}`);
    }
    const outcome = await this.ownerFrom(config, tokens, undefined);
    return 'owner' in outcome ? { ...outcome, returnTo: returnPath(typeof transaction.returnTo === 'string' ? transaction.returnTo : null) } : outcome;
  }

  /**
   * The owner after a refresh (RFC 6749 §6, Core §12) once the ID token has expired; undefined
   * when there is no refresh token, the provider refuses it, or the user has no role any more.
   */
  async refresh(owner: Extract<SessionOwner, { kind: 'oidc' }>): Promise<Extract<SessionOwner, { kind: 'oidc' }> | undefined> {
    const config = this.options.discovery.configuration;
    if (config === undefined || owner.grant.refreshToken === undefined) return undefined;
    try {
      const tokens = await client.refreshTokenGrant(config, owner.grant.refreshToken);
      const outcome = await this.ownerFrom(config, tokens, owner);
      if ('page' in outcome) {
        this.options.log.info({ subject: owner.identity.subject, reason: outcome.reason }, 'the session could not be refreshed');
        return undefined;
      }
      this.options.log.info({ subject: owner.identity.subject }, 'session refreshed');
      return outcome.owner;
    } catch (err) {
      this.options.log.info({ subject: owner.identity.subject, err: reasonOf(err) }, 'the identity provider refused to refresh the session');
      return undefined;
    }
  }

  /**
   * Where the browser goes on signing out: the provider's end_session_endpoint (RP-Initiated
   * Logout 1.0 §2) when it has one, which comes back to the signed-out page; else that page.
   */
  signOutLocation(owner: SessionOwner | undefined): string {
    const config = this.options.discovery.configuration;
    if (config === undefined || config.serverMetadata().end_session_endpoint === undefined) return this.options.signedOutUri;
    return client.buildEndSessionUrl(config, {
      post_logout_redirect_uri: this.options.signedOutUri,
      ...(owner?.kind === 'oidc' ? { id_token_hint: owner.grant.idToken } : {}),
    }).href;
  }

  /** The identity and scope the tokens give; `before` keeps what a refresh without an ID token does not say. */
  private async ownerFrom(config: client.Configuration, tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers, before: Extract<SessionOwner, { kind: 'oidc' }> | undefined): Promise<CallbackOutcome> {
    const claims = tokens.claims();
    if (claims === undefined && before !== undefined) {
      // A refresh without a new ID token: the same user, for as long as the new access token.
      const grant: OidcGrant = { ...before.grant, idTokenExpires: this.now() + (tokens.expiresIn() ?? 0) * 1000, ...(tokens.refresh_token !== undefined ? { refreshToken: tokens.refresh_token } : {}) };
      return { owner: { ...before, grant }, roles: [] };
    }
    if (claims === undefined || tokens.id_token === undefined) return this.refusal(401, ErrorCodes.FRONT_ERR_OIDC, 'the identity provider gave no ID token');
    let all: Record<string, unknown> = { ...claims };
    if (all[this.options.groupsClaim] === undefined && config.serverMetadata().userinfo_endpoint !== undefined) {
      // Core §5.4: with the code flow, claims asked for by scope are the UserInfo endpoint's.
      try {
        all = { ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)), ...all };
      } catch (err) {
        return this.refusal(401, ErrorCodes.FRONT_ERR_OIDC, `the identity provider's UserInfo endpoint failed: ${reasonOf(err)}`);
      }
    }
    const email = typeof all['email'] === 'string' ? all['email'] : undefined;
    const username = typeof all['preferred_username'] === 'string' ? all['preferred_username'] : undefined;
    const groups = claimList(all[this.options.groupsClaim]);
    const name = email ?? username ?? (typeof all['name'] === 'string' ? all['name'] : undefined);
    const who: AuditWho = { subject: claims.sub, ...(name !== undefined ? { name } : {}), groups };
    const scope = scopeOf(this.options.roles, { names: [claims.sub, ...(email !== undefined ? [email] : []), ...(username !== undefined ? [username] : [])], groups });
    if (scope === undefined) {
      return {
        page: { status: 403, code: ErrorCodes.FRONT_ERR_NO_ROLE, title: 'No access', message: `You are signed in as ${name ?? claims.sub}, but no role of this dashboard includes you or your groups (${groups.join(', ') || 'none'}): ask whoever runs Shoal to add one to its roles.`, link: SIGN_IN_AGAIN },
        reason: 'no role matches the user',
        who,
      };
    }
    const identity: Identity = { subject: claims.sub, ...(name !== undefined ? { name } : {}), groups, namespaces: scope.namespaces, admin: scope.admin };
    const refreshToken = tokens.refresh_token ?? before?.grant.refreshToken;
    const grant: OidcGrant = { idToken: tokens.id_token, idTokenExpires: claims.exp * 1000, ...(refreshToken !== undefined ? { refreshToken } : {}) };
    return { owner: { kind: 'oidc', identity, grant }, roles: scope.roles };
  }

  private refusal(status: number, code: string, message: string): CallbackOutcome {
    return { page: { status, code, title: 'Sign-in failed', message, link: SIGN_IN_AGAIN }, reason: message };
  }

  private unreachablePage(): FrontPage {
    const { discovery } = this.options;
    this.options.log.warn({ err: discovery.lastFailure }, 'sign-in refused: the OpenID provider cannot be discovered');
    return {
      status: 503,
      code: ErrorCodes.FRONT_ERR_PROVIDER,
      title: 'The identity provider is unreachable',
      message: `The dashboard signs you in through an identity provider it cannot reach right now (${discovery.lastFailure}). It keeps trying: try again in a moment; if this lasts, tell whoever runs Shoal (--oidc-issuer).`,
      link: { href: FRONT_OIDC_SIGN_IN_PATH, text: 'Try again' },
    };
  }

  private transactionCookie(value: string, maxAgeMs: number): string {
    return cookieAttributes(`${this.cookieName}=${value}`, Math.floor(maxAgeMs / 1000), '/', 'Lax', this.options.secure);
  }
}
