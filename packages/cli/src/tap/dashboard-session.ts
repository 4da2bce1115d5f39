import type { Settings } from '@shoal/deploy';
import { signInLink } from '../front/sign-in-link.js';
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

/**
 * With the OIDC sign-in, users sign in through the provider, which sends the browser back to the
 * front's public URL (its `--public-url`) and nowhere else: said, since this local address signs
 * in only when it is that URL.
 */
function oidcNote(installed: Settings, built: ReturnType<typeof releaseObjects>): string | undefined {
  const { auth } = installed.tap;
  if (!auth.enabled || auth.type !== 'oidc') return undefined;
  const args = frontDeployment(built).spec!.template.spec!.containers[0]!.args!;
  const url = args[args.indexOf('--public-url') + 1];
  return `  users sign in through ${auth.oidc.issuer} (tap.auth.type=oidc), which sends them back to ${url}: open that; this address signs in only if it is the same`;
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
    out(`${session.command}: the dashboard on ${link}`);
    out(`  through ${proxy.via}`);
    const oidc = oidcNote(installed, built);
    out(token !== undefined ? '  the link signs a browser in once' : hint ?? oidc ?? '  no sign-in (tap.auth.enabled=false): whoever reaches this address sees the traffic');
    if (!session.headless) {
      const opener = openBrowser(link);
      out(opener !== undefined ? `  opened in a browser (${opener})` : '  no browser opener (xdg-open) here: open the link yourself');
    }
    out(`Ctrl-C stops the local proxy; ${session.onStop}`);
    await whenAborted(stop);
  } finally {
    await proxy.close();
  }
}
