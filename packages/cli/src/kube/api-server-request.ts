import http, { type ClientRequest, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { KubeClient } from './kube-client.js';

/**
 * A raw HTTP request to the API server, for what the generated client does not stream (the
 * service proxy's bodies and WebSocket upgrades): the kubeconfig's credentials and TLS settings
 * (its CA, client certificate, token, proxy) as the client applies them, asked again for every
 * request so a token that an exec plugin renews stays fresh.
 */
export async function apiServerRequest(client: KubeClient, path: string, method: string, headers: OutgoingHttpHeaders): Promise<ClientRequest> {
  const options: https.RequestOptions = {};
  await client.kc.applyToHTTPSOptions(options);
  const url = new URL(path, client.server.endsWith('/') ? client.server : `${client.server}/`);
  // The server's own path prefix (a proxied API server at https://host/k8s) stays in front.
  const base = new URL(client.server);
  url.pathname = `${base.pathname.replace(/\/$/, '')}${path.split('?')[0]}`;
  const request = url.protocol === 'https:' ? https.request : http.request;
  return request(url, { ...options, method, headers: { ...(options.headers ?? {}), ...headers } });
}
