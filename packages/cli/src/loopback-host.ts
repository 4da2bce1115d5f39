import net from 'node:net';

/**
 * Whether a listen address reaches this machine only: `localhost`, 127.0.0.0/8, ::1 (also
 * IPv4-mapped). 0.0.0.0 and :: are every interface, so not.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost') return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}
