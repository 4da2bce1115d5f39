import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The front's coded errors, `{"error": {"code", "message"}}` as the hub and worker answer them
 * (docs/errors.md). A 401 names the scheme the front takes, its session cookie (RFC 9110
 * §11.6.1 wants a challenge with every 401).
 */
const CHALLENGE = 'Session realm="shoal front"';

export function sendFrontError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...(status === 401 ? { 'www-authenticate': CHALLENGE } : {}),
    ...headers,
  });
  res.end(body);
}

/** The same answer on a socket whose upgrade is refused; the socket is closed after it. */
export function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  const challenge = status === 401 ? `www-authenticate: ${CHALLENGE}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nconnection: close\r\n${challenge}content-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
