/**
 * The key of an address in a name table: the IP alone, or the IP with a port ("10.96.0.10:53",
 * "[fd00::a]:53") where a port names something more precise than the IP (a service's port, a
 * pod's port behind a service). IPv6 takes brackets so a key splits back without ambiguity.
 * Addresses come validated (API server, inventory check): a colon is enough to tell IPv6.
 */
export function addressKey(ip: string, port?: number): string {
  if (port === undefined) return ip;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
