/**
 * The session cookie (RFC 6265): HttpOnly (the page's scripts never see it), SameSite=Strict
 * (no other site's page makes the browser send it), Path=/, and Secure when the dashboard is
 * served over https (then under the `__Host-` prefix, which browsers only accept from a secure
 * origin without a Domain attribute: RFC 6265bis §4.1.3.2). Cookies are not kept apart by port
 * (RFC 6265 §8.5), so the name carries the front's port: two fronts on one host (a lab's and
 * `shoal local`'s) do not sign each other out.
 */
export class SessionCookie {
  readonly name: string;

  constructor(
    port: number,
    private readonly secure: boolean,
  ) {
    this.name = `${secure ? '__Host-' : ''}shoal-session-${port}`;
  }

  /** The session id the `Cookie` header carries, or undefined. */
  read(header: string | undefined): string | undefined {
    if (header === undefined) return undefined;
    for (const pair of header.split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && pair.slice(0, eq).trim() === this.name) return pair.slice(eq + 1).trim();
    }
    return undefined;
  }

  /** `Set-Cookie` for a session that lasts `maxAgeMs`. */
  set(id: string, maxAgeMs: number): string {
    return this.attributes(`${this.name}=${id}`, Math.max(0, Math.floor(maxAgeMs / 1000)));
  }

  /** `Set-Cookie` that removes it. */
  clear(): string {
    return this.attributes(`${this.name}=`, 0);
  }

  private attributes(pair: string, maxAgeS: number): string {
    return `${pair}; Max-Age=${maxAgeS}; Path=/; HttpOnly; SameSite=Strict${this.secure ? '; Secure' : ''}`;
  }
}
