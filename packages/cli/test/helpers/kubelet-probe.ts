/**
 * A container's probe asked as the kubelet asks it (Kubernetes "Configure Liveness, Readiness and
 * Startup Probes"): an HTTP GET to the pod's address at the probe's port (a container port's name
 * or number) and path with its headers, healthy on a status from 200 to 399; a TCP connection that
 * opens. Bounded by the probe's timeoutSeconds.
 */
import http from 'node:http';
import net from 'node:net';
import type { V1Container, V1Probe } from '@kubernetes/client-node';

function portOf(container: V1Container, port: number | string): number {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port);
  if (named === undefined) throw new Error(`container ${container.name} has no port named ${port}`);
  return named.containerPort;
}

/** Resolves with what the probe found: 'ok' or why not. */
export function askProbe(container: V1Container, probe: V1Probe, podIp: string): Promise<string> {
  const timeout = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet !== undefined) {
    const get = probe.httpGet;
    const headers = Object.fromEntries((get.httpHeaders ?? []).map((h) => [h.name, h.value]));
    return new Promise((resolve) => {
      // A connection of its own, as the kubelet's probes have (no kept-alive socket the server may just have closed).
      const req = http.get({ host: podIp, port: portOf(container, get.port), path: get.path ?? '/', headers, timeout, agent: false }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? 'ok' : `GET ${get.path} answered ${code}`);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer in ${timeout} ms`)));
      req.on('error', (err) => resolve(`GET ${get.path}: ${err.message}`));
    });
  }
  if (probe.tcpSocket !== undefined) {
    const port = portOf(container, probe.tcpSocket.port);
    return new Promise((resolve) => {
      const socket = net.connect({ host: podIp, port, timeout });
      socket.on('connect', () => {
        socket.destroy();
        resolve('ok');
      });
      socket.on('timeout', () => socket.destroy(new Error(`no connection in ${timeout} ms`)));
      socket.on('error', (err) => resolve(`connect to ${port}: ${err.message}`));
    });
  }
  throw new Error(`container ${container.name}: a probe of a kind this helper does not ask`);
}
