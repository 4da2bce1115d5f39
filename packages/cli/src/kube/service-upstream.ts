import type { OutgoingHttpHeaders } from 'node:http';
import { ShoalError } from '@shoal/model';
import type { Progress } from './apply-objects.js';
import { portForwardUpstream, serviceProxyUpstream, type DashboardUpstream } from './dashboard-upstream.js';
import type { KubeClient } from './kube-client.js';
import { isPodReady } from './pod-selection.js';

/**
 * How this machine reaches one of Shoal's Services in the cluster (the front for `shoal tap` and
 * `shoal proxy`, the hub for `shoal pcapdump` and `shoal logs`): through the API server's service
 * proxy when a check request answers through it, else through a port-forward to a ready pod of
 * the Service (Kubeshark's order: the service proxy first, a port-forward when it is refused).
 * Each way is checked before it is chosen, so a proxy that silently fails is never handed on.
 */
export interface ServiceTarget {
  namespace: string;
  service: string;
  /** The Service's port; also the container port a port-forward goes to. */
  servicePort: number;
  /** The label selector of the Service's pods, for a port-forward. */
  podSelector: string;
  /** What answers there, in messages: `the dashboard`, `the hub`. */
  what: string;
  /** Its pods, in messages: `front`, `hub`. */
  pods: string;
  /** The check: a GET of `path` with `headers` must answer 200. */
  probe: { path: string; headers: OutgoingHttpHeaders };
}

export interface Probe {
  ok: boolean;
  status: number;
  why: string;
}

/** How long a check may take to answer. */
const PROBE_MS = 15_000;

/** GET `path` through `upstream`: 200, or why not. */
export async function probe(upstream: DashboardUpstream, path: string, headers: OutgoingHttpHeaders): Promise<Probe> {
  try {
    const req = await upstream.request(path, 'GET', headers);
    // A timer, not req.setTimeout: a port-forward's stream is no net.Socket.
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${PROBE_MS / 1000} s`)), PROBE_MS);
    return await new Promise<Probe>((resolve) => {
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += body.length < 400 ? d.toString('utf8') : ''));
        res.on('end', () => resolve({ ok: res.statusCode === 200, status: res.statusCode ?? 0, why: `${res.statusCode} ${statusText(body)}` }));
        res.on('error', (err) => resolve({ ok: false, status: 0, why: err.message }));
      });
      req.on('error', (err) => resolve({ ok: false, status: refusedWith(err), why: err.message }));
      req.end();
    }).finally(() => clearTimeout(timer));
  } catch (err) {
    return { ok: false, status: refusedWith(err as Error), why: (err as Error).message };
  }
}

/** The HTTP status that refused a WebSocket (a port-forward): `Unexpected server response: 403`. */
function refusedWith(err: Error): number {
  return Number(/Unexpected server response: (\d{3})/.exec(err.message)?.[1] ?? 0);
}

/** The message of an API server's Status (or a Shoal error) body, or the start of any other body. */
function statusText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: { message?: unknown } };
    if (typeof parsed.message === 'string') return parsed.message;
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
  } catch {
    // not JSON
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 200);
}

export async function chooseUpstream(client: KubeClient, t: ServiceTarget, progress: Progress): Promise<DashboardUpstream> {
  const viaService = serviceProxyUpstream(client, t.namespace, t.service, t.servicePort);
  const first = await probe(viaService, t.probe.path, t.probe.headers);
  if (first.ok) return viaService;
  progress(`  the service proxy did not serve ${t.what} (${first.why}); trying a port-forward`);
  const pods = await client.call({ verb: 'list', group: '', resource: 'pods', namespace: t.namespace }, () => client.core.listNamespacedPod({ namespace: t.namespace, labelSelector: t.podSelector }));
  const ready = pods.items.find(isPodReady);
  if (ready === undefined) {
    throw new ShoalError('CLI_ERR_ROLLOUT', `${t.what} cannot be reached: the service proxy answered ${first.why}, and no ${t.pods} pod is ready to port-forward to (kubectl -n ${t.namespace} get pods -l ${t.podSelector})`);
  }
  const viaPod = portForwardUpstream(client, t.namespace, ready.metadata!.name!, t.servicePort);
  const second = await probe(viaPod, t.probe.path, t.probe.headers);
  if (second.ok) return viaPod;
  if (first.status === 403 && second.status === 403) {
    throw new ShoalError('CLI_ERR_FORBIDDEN', `${t.what} cannot be reached: RBAC forbids both the service proxy (get services/proxy "${t.service}" in namespace ${t.namespace}) and a port-forward (create pods/portforward in namespace ${t.namespace}). Ask a cluster admin for either right`);
  }
  throw new ShoalError('CLI_ERR_ROLLOUT', `${t.what} does not answer: through the service proxy ${first.why}; through a port-forward to ${ready.metadata!.name} ${second.why}`);
}
