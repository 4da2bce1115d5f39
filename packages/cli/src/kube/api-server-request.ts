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
  if (!path.startsWith('/')) throw new Error(`not a path: ${path}`);
  const options: https.RequestOptions = {};
  await client.kc.applyToHTTPSOptions(options);
  // Always the kubeconfig's server, whatever the path holds (`//elsewhere/…` names no other host
  // here); the server's own path prefix (an API server behind https://host/k8s) stays in front.
  const url = new URL(client.server);
  const query = path.indexOf('?');
  url.pathname = `${url.pathname.replace(/\/$/, '')}${query < 0 ? path : path.slice(0, query)}`;
  url.search = query < 0 ? '' : path.slice(query);
  const request = url.protocol === 'https:' ? https.request : http.request;
  return request(url, { ...options, method, headers: { ...(options.headers ?? {}), ...headers } });
}
