import type { IncomingMessage } from 'node:http';
import { TOKEN_KEYS, type Settings } from '@shoal/deploy';
import { ShoalError, type TextPosition } from '@shoal/model';
import { TOKEN_HEADER } from '@shoal/model/http';
import type { HubTransport } from '../front/hub-proxy.js';
import type { Progress } from '../kube/apply-objects.js';
import type { KubeClient } from '../kube/kube-client.js';
import { selectorText } from '../kube/pod-selection.js';
import { readSecretKey } from '../kube/secret-key.js';
import { chooseUpstream } from '../kube/service-upstream.js';
import { serverCode, serverError } from '../observe/hub-client.js';
import { usageError } from '../usage-error.js';
import { hubDeployment, hubService, releaseObjects, tokensSecret } from './release-objects.js';

/**
 * The hub of an installation, from this machine (`shoal pcapdump`, `shoal logs`): its Service
 * reached through the API server (kube/service-upstream.ts: the service proxy, else a
 * port-forward to the hub's pod, each checked with the hub's open `/health`), every request
 * carrying the hub's client token from the installation's tokens Secret in `X-Shoal-Token`:
 * the API server's proxy removes `Authorization` before it passes a request on, and the hub
 * takes its token in either header (docs/hub.md, Authentication).
 */
export interface InstalledHub {
  /** How it is reached, for a progress line: `the API server's service proxy (…)`. */
  via: string;
  /** GET `pathAndQuery` with the token: the hub's answer, its body not read yet; `signal` ends both. */
  get(pathAndQuery: string, signal?: AbortSignal): Promise<IncomingMessage>;
  /** The hub's error answer `res` to a request for `what`, as the CLI's error (below). */
  refusal(res: IncomingMessage, what: string): Promise<ShoalError>;
}

/**
 * The way to an installation's hub: its Service through the API server (the service proxy, else
 * a port-forward to its pod, each checked with the hub's open `/health`), every request carrying
 * the hub's client token from the tokens Secret in `X-Shoal-Token`. `shoal pcapdump` and `logs`
 * ask it (connectToHub); with the OIDC sign-in installed, `shoal tap` and `proxy` serve a
 * dashboard of their own through it (dashboard-session.ts).
 */
export async function installedHubTransport(client: KubeClient, installed: Settings, progress: Progress): Promise<HubTransport & { secret: string; namespace: string; deployment: string }> {
  const built = releaseObjects(installed);
  const service = hubService(built);
  const namespace = service.metadata!.namespace!;
  const secret = tokensSecret(built).metadata!.name!;
  const token = await readSecretKey(client, namespace, secret, TOKEN_KEYS.hub);
  if (token === undefined) {
    throw new ShoalError('CLI_ERR_CLUSTER', `Secret ${secret} in namespace ${namespace} holds no ${TOKEN_KEYS.hub}: the installation is damaged; remove it (shoal clean -s ${namespace}) and tap again`);
  }
  const deployment = hubDeployment(built);
  const upstream = await chooseUpstream(client, {
    namespace,
    service: service.metadata!.name!,
    servicePort: service.spec!.ports![0]!.port,
    podSelector: selectorText(deployment.spec!.selector),
    what: 'the hub',
    pods: 'hub',
    probe: { path: '/health', headers: { accept: 'application/json' } },
  }, progress);
  return {
    via: upstream.via,
    request: (path, method, headers) => upstream.request(path, method, { ...headers, [TOKEN_HEADER]: token }),
    secret,
    namespace,
    deployment: deployment.metadata!.name!,
  };
}

export async function connectToHub(client: KubeClient, installed: Settings, progress: Progress): Promise<InstalledHub> {
  const hub = await installedHubTransport(client, installed, progress);
  return {
    via: hub.via,
    get: async (pathAndQuery, signal) => {
      const req = await hub.request(pathAndQuery, 'GET', { accept: '*/*' });
      return new Promise<IncomingMessage>((resolve, reject) => {
        // Until the answer's body is read, `signal` ends the request (and so the body).
        const abort = (): void => void req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('stopped'));
        signal?.addEventListener('abort', abort, { once: true });
        req.on('response', (res) => {
          res.once('close', () => signal?.removeEventListener('abort', abort));
          resolve(res);
        });
        req.on('error', (err) => reject(new ShoalError('CLI_ERR_CONNECT', `the hub cannot be reached through ${hub.via}: ${err.message}`, { cause: err })));
        req.end();
      });
    },
    refusal: async (res, what) => {
      const err = await hubRefusal(res, what);
      if (serverCode(err) !== 'HUB_ERR_UNAUTHORIZED') return err;
      return new ShoalError('CLI_ERR_SERVER', `the hub refused the token of Secret ${hub.secret} (HUB_ERR_UNAUTHORIZED): it runs with another token than the Secret holds now; restart it (kubectl -n ${hub.namespace} rollout restart deployment ${hub.deployment})`);
    },
  };
}

/** How much of an error answer is read. */
const ERROR_BODY_BYTES = 64 * 1024;

/**
 * The hub's refusal (`{"error": {code, message, excerpt?}}`, docs/errors.md) as the CLI's error:
 * a filter it could not compile is the user's mistake (CLI_ERR_USAGE, exit 2, with its position
 * and excerpt); anything else is CLI_ERR_SERVER ending with the hub's code.
 */
async function hubRefusal(res: IncomingMessage, what: string): Promise<ShoalError> {
  let text = '';
  for await (const chunk of res) {
    if (text.length < ERROR_BODY_BYTES) text += (chunk as Buffer).toString('utf8');
  }
  let body: { error?: { code?: string; message?: string; excerpt?: string; position?: TextPosition }; message?: string } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON
  }
  if (body.error === undefined) {
    // Not the hub's own answer (the API server's Status, a proxy's page): its words say enough.
    const words = typeof body.message === 'string' ? body.message : text.replace(/\s+/g, ' ').trim().slice(0, 300);
    body = { error: { message: `${what} answered ${res.statusCode}: ${words}` } };
  }
  const e = body.error;
  if (e?.code?.startsWith('FLT_ERR') === true) {
    const where = e.position !== undefined ? ` at line ${e.position.line}, column ${e.position.column}` : '';
    return usageError(`bad filter${where}: ${e.message ?? ''} (${e.code})${e.excerpt !== undefined ? `\n${e.excerpt}\n` : ' '}See docs/filter.md for the filter language`);
  }
  return serverError(body, `${what} answered ${res.statusCode}`);
}
