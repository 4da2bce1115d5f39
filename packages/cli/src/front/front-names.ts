/**
 * The names the front answers to, and the origins whose pages may change things through it.
 *
 * Host: a page of any site can make the browser call the front once a name of that site resolves
 * to the front's address (DNS rebinding); the browser then sends that site's name as Host. So a
 * request is only served when its Host is one of the front's own: the listen address (unless it
 * is every interface) with the port, the host of `--public-url` (RFC 9110 §7.2: Host is
 * host[:port], the port left out when it is the scheme's default), and a loopback name —
 * `localhost`, `127.0.0.1`, `[::1]` — with any port. A browser sends a loopback name only when it
 * connected to its own machine's loopback (it resolves `localhost` itself, RFC 6761 §6.3), which
 * no site's name can be rebound to; and the port is whatever local port forwards to the front:
 * `kubectl port-forward`, `shoal tap`'s proxy (--proxy-front-port), an SSH tunnel.
 *
 * Origin (RFC 6454 §7): browsers send it with every WebSocket upgrade and every non-GET request;
 * a page of another site is refused. The front's own origins are `http://` + each of its names
 * with its port, `--public-url`'s origin, the `--allowed-origin` values, and, for a request sent
 * to a loopback name, that very origin (`http://` + its Host): same-origin only, so a page of
 * another local port is refused although cookies do not tell ports apart.
 */
export interface FrontNamesOptions {
  /** The port the front listens on. */
  port: number;
  /** The listen address. */
  host: string;
  /** Where users reach the front when a proxy or Ingress stands before it. */
  publicUrl?: URL;
  /** Origins besides the front's own whose pages may call it, e.g. `https://tools.example`. */
  allowedOrigins?: readonly string[];
}

const EVERY_INTERFACE = new Set(['0.0.0.0', '::', '[::]']);
const LOOPBACK_NAME = /^(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/** Whether a Host value (lower case) is a loopback name, with or without a port. */
const isLoopbackName = (host: string): boolean => LOOPBACK_NAME.test(host);

export class FrontNames {
  private readonly hosts = new Set<string>();
  private readonly origins = new Set<string>();

  constructor(options: FrontNamesOptions) {
    const names = ['localhost', '127.0.0.1', '[::1]'];
    if (!EVERY_INTERFACE.has(options.host)) names.push(options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host);
    for (const name of names) {
      const host = `${name.toLowerCase()}:${options.port}`;
      this.hosts.add(host);
      this.origins.add(`http://${host}`);
      // The default port is left out of Host and Origin.
      if (options.port === 80) {
        this.hosts.add(name.toLowerCase());
        this.origins.add(`http://${name.toLowerCase()}`);
      }
    }
    if (options.publicUrl !== undefined) {
      this.hosts.add(options.publicUrl.host.toLowerCase());
      this.origins.add(options.publicUrl.origin.toLowerCase());
    }
    for (const origin of options.allowedOrigins ?? []) this.origins.add(origin.toLowerCase());
  }

  /** Whether `host` (the Host header) names this front. */
  hostAllowed(host: string | undefined): boolean {
    return host !== undefined && (this.hosts.has(host.toLowerCase()) || isLoopbackName(host.toLowerCase()));
  }

  /**
   * Whether a page of `origin` (the Origin header) may call the front through `host` (the
   * request's Host); `null` origins never.
   */
  originAllowed(origin: string, host: string | undefined): boolean {
    const o = origin.toLowerCase();
    if (this.origins.has(o)) return true;
    const h = host?.toLowerCase();
    return h !== undefined && isLoopbackName(h) && o === `http://${h}`;
  }
}

/**
 * An `--allowed-origin` or `--public-url` value as an origin: scheme, host and port only. Throws
 * a message for anything else.
 */
export function parseOrigin(text: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${flag} must be a URL like https://shoal.example, got '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${flag} must be http:// or https://, got '${text}'`);
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || url.pathname !== '/') {
    throw new Error(`${flag} must be scheme://host[:port] with no path, query or user, got '${text}'`);
  }
  return url;
}
