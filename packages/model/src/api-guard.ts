import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * Who may call the worker's and the hub's APIs: the bearer token and the browser's Origin.
 * One implementation for both services (docs/security.md).
 */

/** SP and HTAB, the only whitespace RFC 9110 §5.6.3 allows around a credential. */
function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * The token of `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme is case-insensitive,
 * RFC 9110 §11.1), or undefined for any other header. One pass over the header, so a long
 * header costs its length and no more (a backtracking regex here was quadratic, and ran before
 * authentication).
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length < 7) return undefined;
  if (header.slice(0, 6).toLowerCase() !== 'bearer' || !isBlank(header.charCodeAt(6))) return undefined;
  let start = 7;
  while (start < header.length && isBlank(header.charCodeAt(start))) start++;
  let end = header.length;
  while (end > start && isBlank(header.charCodeAt(end - 1))) end--;
  return header.slice(start, end);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * A secret compared in constant time: both sides are hashed to 32 bytes first, so
 * timingSafeEqual compares equal lengths and the time says nothing about the secret, not even
 * its length. The front's sign-in token and, through BearerCheck, the services' API tokens.
 */
export class TokenCheck {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  matches(given: string | undefined): boolean {
    // Hash even when nothing was given, so both paths take the same time.
    return timingSafeEqual(digest(given ?? ''), this.expected) && given !== undefined;
  }
}

/**
 * The same token in a header of its own, for calls through the Kubernetes API server's service
 * proxy: the API server authenticates the caller by `Authorization` and removes that header
 * before it proxies (k8s.io/apiserver, filters/authentication.go), so a token for the service
 * behind it has to travel in another header. Browsers never send it by themselves, and a page of
 * another origin cannot add it without a CORS preflight, which the services do not answer.
 */
export const TOKEN_HEADER = 'x-shoal-token';

/**
 * Checks `Authorization: Bearer <token>`, or TOKEN_HEADER when a request carries it (TokenCheck
 * on either). Without an expected token
 * (`undefined`) every caller is allowed: the hub's `--allow-unauthenticated`, or a loopback-only
 * hub without `--token-file`.
 */
export class BearerCheck {
  private readonly check: TokenCheck | undefined;

  constructor(token: string | undefined) {
    this.check = token === undefined ? undefined : new TokenCheck(token);
  }

  /** True when the service asks for no token. */
  get open(): boolean {
    return this.check === undefined;
  }

  allows(headers: IncomingHttpHeaders): boolean {
    if (this.check === undefined) return true;
    const own = headers[TOKEN_HEADER];
    return this.check.matches(own !== undefined ? (Array.isArray(own) ? undefined : own) : bearerToken(headers.authorization));
  }
}

/**
 * The Origin rule for WebSocket upgrades and state-changing requests (RFC 6455 §10.2, RFC 6454):
 * a request without `Origin` comes from a program (the hub, `shoal observe`, curl), which a
 * browser page cannot pretend to be, since browsers always send it on these requests; one with
 * an Origin is allowed when that origin is the service's own (its `Host`) or listed in
 * `--allowed-origin`. `null` (a sandboxed frame, a file: page) is never allowed. Returns why a
 * request is refused, or undefined.
 */
export class OriginCheck {
  private readonly allowed: ReadonlySet<string>;

  /** `allowed`: origins as `scheme://host[:port]`; normalised here (case, default port). */
  constructor(allowed: readonly string[] = []) {
    this.allowed = new Set(allowed.map((o) => normaliseOrigin(o) ?? o));
  }

  refusal(headers: IncomingHttpHeaders): string | undefined {
    const origin = headers.origin;
    if (origin === undefined) return undefined;
    const given = normaliseOrigin(origin);
    if (given === undefined) return `Origin '${origin.slice(0, 100)}' is not allowed here`;
    if (this.allowed.has(given)) return undefined;
    const host = headers.host;
    if (host !== undefined && new URL(given).host === hostOf(host)) return undefined;
    return `Origin ${given} is not allowed here: use the service from its own address, or start it with --allowed-origin ${given}`;
  }
}

/** `scheme://host[:port]` lower-cased without a default port, or undefined for `null` or junk. */
export function normaliseOrigin(text: string): string | undefined {
  if (text === 'null') return undefined;
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/** A Host header as URL.host shows it (lower case, default port dropped). */
function hostOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).host;
  } catch {
    return undefined;
  }
}

/**
 * Whether a listen address reaches this machine only (`--host`): `localhost`, 127.0.0.0/8, ::1
 * (also IPv4-mapped). 0.0.0.0 and :: are every interface, so not.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (isIPv6(h)) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}
