import type { ClientRequest } from 'node:http';
import type { Duplex } from 'node:stream';
import { endToEndRawHeaders } from './front/hop-by-hop.js';

/**
 * A proxy's WebSocket upgrade, once the upstream request is sent: when the upstream answers 101,
 * the 101 goes to the client as it came (its Connection and Upgrade are the handshake itself)
 * and the two sockets are joined byte for byte; when it answers anything else (401, 404), that
 * answer goes to the client and the connection closes. `head` is what the client sent after its
 * request's headers. `onError` answers a request that failed before any answer.
 */
export function spliceUpgrade(upstream: ClientRequest, socket: Duplex, head: Buffer, onError: (err: Error) => void): void {
  upstream.on('upgrade', (res, upSocket, upHead) => {
    const lines = [`HTTP/1.1 ${res.statusCode ?? 101} ${res.statusMessage ?? 'Switching Protocols'}`];
    for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
    socket.write(lines.join('\r\n') + '\r\n\r\n');
    if (upHead.length > 0) socket.write(upHead);
    if (head.length > 0) upSocket.write(head);
    upSocket.pipe(socket).pipe(upSocket);
    upSocket.on('error', () => socket.destroy());
    socket.on('error', () => upSocket.destroy());
    upSocket.on('close', () => socket.destroy());
    socket.on('close', () => upSocket.destroy());
  });
  upstream.on('response', (res) => {
    const lines = [`HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ''}`, 'connection: close'];
    for (const [name, value] of endToEndRawHeaders(res.rawHeaders)) lines.push(`${name}: ${value}`);
    socket.write(lines.join('\r\n') + '\r\n\r\n');
    res.pipe(socket);
  });
  upstream.on('error', onError);
  socket.on('error', () => upstream.destroy());
}
