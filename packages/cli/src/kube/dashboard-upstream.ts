import http, { type ClientRequest, type OutgoingHttpHeaders } from 'node:http';
import { apiServerRequest } from './api-server-request.js';
import type { KubeClient } from './kube-client.js';
import { portForwardStream } from './port-forward-stream.js';

/**
 * The two ways from this machine to a Service of Shoal's in the cluster (the dashboard's front;
 * the hub, for `shoal pcapdump` and `shoal logs`), both through the API server and its
 * authentication: the service proxy (`services/NAME:PORT/proxy`, plain HTTP requests the API
 * server forwards to the Service's pods) and, when that is refused, a port-forward to one of its
 * pods (`pods/NAME/portforward`). service-upstream.ts chooses between them.
 */
export interface DashboardUpstream {
  /** How the dashboard is reached, for the banner: `the API server's service proxy`. */
  readonly via: string;
  /** A request for the dashboard's `path` (as the browser asked it), not yet ended. */
  request(path: string, method: string, headers: OutgoingHttpHeaders): Promise<ClientRequest>;
}

/** `/api/v1/namespaces/NS/services/NAME:PORT/proxy`: where the service proxy serves a Service's port. */
export function serviceProxyPrefix(namespace: string, service: string, port: number): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(service)}:${port}/proxy`;
}

export function serviceProxyUpstream(client: KubeClient, namespace: string, service: string, port: number): DashboardUpstream {
  const prefix = serviceProxyPrefix(namespace, service, port);
  return {
    via: `the API server's service proxy (${client.server}${prefix}/)`,
    // The API server rewrites the page's absolute links under its prefix (its proxy transport):
    // those come back already prefixed.
    request: (path, method, headers) => apiServerRequest(client, path.startsWith(`${prefix}/`) ? path : `${prefix}${path}`, method, headers),
  };
}

export function portForwardUpstream(client: KubeClient, namespace: string, pod: string, port: number): DashboardUpstream {
  return {
    via: `a port-forward to pod ${namespace}/${pod}:${port}`,
    request: async (path, method, headers) =>
      http.request({
        method, path, headers,
        // Each connection is a port-forward of its own (the client's PortForward: one WebSocket each).
        createConnection: (_options, made) => {
          portForwardStream(client, namespace, pod, port).then((s) => made(null, s), (err: Error) => made(err, undefined as never));
          return undefined;
        },
      }),
  };
}
