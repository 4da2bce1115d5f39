import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Address } from './service-backends.js';

/**
 * A pod's port-forward over WebSocket, as the kubelet serves it behind the API server
 * (`/api/v1/namespaces/NS/pods/NAME/portforward?ports=P`, subprotocol v4.channel.k8s.io: one
 * connection per WebSocket; every binary message starts with its channel, 0 the data and 1 the
 * errors of the first port, and each channel's first message is the port, 2 bytes little-endian).
 * The port's traffic goes to the local process registered for the Service behind it.
 */
const PROTOCOLS = ['v4.channel.k8s.io', 'channel.k8s.io'];

function framed(channel: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), data]);
}

export class PortForwards {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, port: number, target: Address | undefined): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.forward(ws, port, target));
  }

  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private forward(ws: WebSocket, port: number, target: Address | undefined): void {
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(port);
    ws.send(framed(0, portBytes));
    ws.send(framed(1, portBytes));
    if (target === undefined) {
      ws.send(framed(1, Buffer.from(`error forwarding port ${port} to pod: nothing listens on it`)));
      ws.close();
      return;
    }
    const tcp = connect(target.port, target.host);
    tcp.on('data', (data: Buffer) => ws.send(framed(0, data)));
    tcp.on('end', () => ws.close());
    tcp.on('error', (err) => {
      if (ws.readyState === ws.OPEN) ws.send(framed(1, Buffer.from(`error forwarding port ${port} to pod: ${err.message}`)));
      ws.close();
    });
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary || data.length === 0 || data[0] !== 0) return;
      tcp.write(data.subarray(1));
    });
    ws.on('close', () => tcp.end());
  }
}
