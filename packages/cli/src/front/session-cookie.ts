import type { CookieSeal } from './cookie-seal.js';

/** What the session cookie carries, sealed: the session's id and when it ends (epoch ms). */
export interface SessionTicket {
  id: string;
  expires: number;
}

/**
 * SameSite (RFC 6265bis §5.4.7): Strict for a token sign-in, where no other site's page ever
 * needs to bring the browser in signed in. Lax with OIDC: the provider sends the browser back to
 * the front by a cross-site top-level navigation (a redirect from the provider's site), and the
 * page it lands on must see the session; Lax still withholds the cookie from another site's
 * subrequests and POSTs, and every change the front accepts is a POST whose Origin it checks.
 */
export type SameSite = 'Strict' | 'Lax';

/** Parses one cookie's value out of a `Cookie` header (RFC 6265 §5.4). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** The attributes every cookie of the front has: HttpOnly, Path, SameSite, Secure over https. */
export function cookieAttributes(pair: string, maxAgeS: number, path: string, sameSite: SameSite, secure: boolean): string {
  return `${pair}; Max-Age=${maxAgeS}; Path=${path}; HttpOnly; SameSite=${sameSite}${secure ? '; Secure' : ''}`;
}

/**
 * The session cookie (RFC 6265): its value sealed (CookieSeal: encrypted and authenticated, so
 * it cannot be read or forged), HttpOnly (the page's scripts never see it), SameSite (see
 * SameSite), Path=/, and Secure when the dashboard is served over https (then under the `__Host-`
 * prefix, which browsers only accept from a secure origin without a Domain attribute: RFC 6265bis
 * §4.1.3.2). Cookies are not kept apart by port (RFC 6265 §8.5), so the name carries the front's
 * port: two fronts on one host (a lab's and `shoal local`'s) do not sign each other out.
 */
export class SessionCookie {
  readonly name: string;

  constructor(
    port: number,
    private readonly secure: boolean,
    private readonly seal: CookieSeal,
    private readonly sameSite: SameSite = 'Strict',
  ) {
    this.name = `${secure ? '__Host-' : ''}shoal-session-${port}`;
  }

  /** The ticket the `Cookie` header carries, or undefined (none, or not one this front sealed). */
  read(header: string | undefined): SessionTicket | undefined {
    const value = cookieValue(header, this.name);
    if (value === undefined) return undefined;
    const ticket = this.seal.open(value) as Partial<SessionTicket> | undefined;
    return typeof ticket?.id === 'string' && typeof ticket.expires === 'number' ? { id: ticket.id, expires: ticket.expires } : undefined;
  }

  /** `Set-Cookie` for a session that lasts `maxAgeMs`. */
  set(ticket: SessionTicket, maxAgeMs: number): string {
    return cookieAttributes(`${this.name}=${this.seal.seal(ticket)}`, Math.max(0, Math.floor(maxAgeMs / 1000)), '/', this.sameSite, this.secure);
  }

  /** `Set-Cookie` that removes it. */
  clear(): string {
    return cookieAttributes(`${this.name}=`, 0, '/', this.sameSite, this.secure);
  }
}
