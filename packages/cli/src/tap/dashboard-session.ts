import type { Settings } from '@shoal/deploy';
import { dashboardDir } from '../front/dashboard-files.js';
import { startFront } from '../front/front-server.js';
import { signInLink } from '../front/sign-in-link.js';
import { newSignInToken } from '../token-option.js';
import { installedHubTransport } from './installed-hub.js';
import type { Progress } from '../kube/apply-objects.js';
import { startDashboardProxy } from '../kube/dashboard-proxy.js';
import type { KubeClient } from '../kube/kube-client.js';
import { selectorText } from '../kube/pod-selection.js';
import { readSecretKey } from '../kube/secret-key.js';
import { openBrowser } from './open-browser.js';
import { frontDeployment, frontService, releaseObjects, signInSecret } from './release-objects.js';
import { whenAborted } from './stop-request.js';

/**
 * The dashboard of an installation on this machine until Ctrl-C (`shoal tap`, `shoal proxy`):
 * the local proxy (kube/dashboard-proxy.ts) on `tap.proxy.host`:`tap.proxy.front.port`, the
 * sign-in link printed once it answers (the token read from the installation's sign-in Secret;
 * with the OIDC sign-in, where users sign in), a browser opened on it unless headless.
 */
export interface DashboardSession {
  /** `shoal tap`: the name its lines start with. */
  command: string;
  headless: boolean;
  /** What Ctrl-C does after stopping the proxy, in the banner. */
  onStop: string;
}

/** The sign-in token from the installation's Secret, or a sentence saying how to get it. */
async function signInToken(client: KubeClient, installed: Settings): Promise<{ token?: string; hint?: string }> {
  const secret = signInSecret(releaseObjects(installed));
  if (secret === undefined) return {};
  const name = secret.metadata!.name!;
  const namespace = secret.metadata!.namespace!;
  const key = Object.keys(secret.stringData ?? {})[0]!;
  try {
    const token = await readSecretKey(client, namespace, name, key);
    if (token !== undefined) return { token };
  } catch {
    // Said below: the user reads it with their own rights.
  }
  return { hint: `sign in with the token in Secret ${name}: kubectl -n ${namespace} get secret ${name} -o jsonpath='{.data.${key}}' | base64 -d` };
}

/** With the OIDC sign-in, where the team signs in: the provider sends browsers back to the front's public URL only. */
function oidcNote(installed: Settings): string {
  const args = frontDeployment(releaseObjects(installed)).spec!.template.spec!.containers[0]!.args!;
  const url = args[args.indexOf('--public-url') + 1];
  return `  the team signs in at ${url} through ${installed.tap.auth.oidc.issuer} (tap.auth.type=oidc)`;
}

/** The link, printed; a browser opened on it unless headless; what Ctrl-C does. */
function announce(link: string, lines: string[], session: DashboardSession, out: Progress, stopping: string): void {
  out(`${session.command}: the dashboard on ${link}`);
  for (const line of lines) out(line);
  if (!session.headless) {
    const opener = openBrowser(link);
    out(opener !== undefined ? `  opened in a browser (${opener})` : '  no browser opener (xdg-open) here: open the link yourself');
  }
  out(`Ctrl-C stops ${stopping}; ${session.onStop}`);
}

/**
 * With the OIDC sign-in installed, the cluster's front signs users in through the provider,
 * which sends them back to its public URL only, and as themselves. Whoever runs `shoal tap` or
 * `proxy` may read the hub's token from the tokens Secret anyway (their Kubernetes access implies
 * it), so they get a dashboard of their own on this machine, as an admin: a front in this process
 * (a token sign-in, a new token each run, `tap.proxy.host`) whose `/api` goes to the hub through
 * the API server with the hub's token (installed-hub.ts), never through the cluster's front.
 */
async function serveAdminDashboard(client: KubeClient, installed: Settings, listen: Listen, session: DashboardSession, out: Progress, stop: AbortSignal): Promise<void> {
  const hub = await installedHubTransport(client, installed, out);
  const token = newSignInToken();
  const front = await startFront({ port: listen.port, host: listen.host, hubUrl: hub, signInToken: token, dir: dashboardDir() });
  try {
    const lines = [`  served here as an admin, with the hub's token from Secret ${hub.secret}; the hub reached through ${hub.via}`, oidcNote(installed), '  the link signs a browser in once'];
    announce(signInLink(front.url, token), lines, session, out, 'this dashboard');
    await whenAborted(stop);
  } finally {
    await front.close();
  }
}

/** Where the dashboard is served on this machine: `tap.proxy.host` and `tap.proxy.front.port` (0: a free port). */
export interface Listen {
  host: string;
  port: number;
}

/** `--proxy-front-port 0` listens on a free port (tests, several at once); other values are the setting. */
export function listenOf(settings: Settings, portFlag: string | undefined): Listen {
  return { host: settings.tap.proxy.host, port: portFlag === '0' ? 0 : settings.tap.proxy.front.port };
}

/** Serves until `stop` aborts. `installed`: the installation's settings (its names). */
export async function serveDashboard(client: KubeClient, installed: Settings, listen: Listen, session: DashboardSession, out: Progress, stop: AbortSignal): Promise<void> {
  const { auth } = installed.tap;
  if (auth.enabled && auth.type === 'oidc') return serveAdminDashboard(client, installed, listen, session, out, stop);
  const built = releaseObjects(installed);
  const service = frontService(built);
  const selector = selectorText(frontDeployment(built).spec!.selector);
  const proxy = await startDashboardProxy(client, {
    host: listen.host,
    port: listen.port,
    namespace: service.metadata!.namespace!,
    service: service.metadata!.name!,
    servicePort: service.spec!.ports![0]!.port,
    podSelector: selector,
  }, out);
  try {
    const { token, hint } = await signInToken(client, installed);
    const link = token !== undefined ? signInLink(proxy.url, token) : proxy.url;
    const signIn = token !== undefined ? '  the link signs a browser in once' : hint ?? '  no sign-in (tap.auth.enabled=false): whoever reaches this address sees the traffic';
    announce(link, [`  through ${proxy.via}`, signIn], session, out, 'the local proxy');
    await whenAborted(stop);
  } finally {
    await proxy.close();
  }
}
