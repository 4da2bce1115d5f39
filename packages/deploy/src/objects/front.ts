import { FRONT_SESSION_PATH } from '@shoal/model';
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import type { V1VolumeProjection } from '@kubernetes/client-node';
import { FRONT_PORT, objectName, oidcSignIn, tokenSignIn, type BuildInput } from './build-context.js';
import { CLIENT_SECRET_KEY, ROLES_KEY } from './config.js';
import { labels, metadata, selectorLabels } from './labels.js';
import { httpProbe, image, podBasics, podFile, resources, restrictedContainer, restrictedPod, tokenFile, tokensVolume } from './pod-parts.js';

/** The OIDC client secret's file in the front's pod. */
const CLIENT_SECRET_FILE = 'oidc-client-secret';

/** Where users reach the dashboard: `tap.publicUrl`, else through the Ingress, if there is one. */
export function publicUrl(input: BuildInput): string | undefined {
  const { ingress, publicUrl: given } = input.settings.tap;
  if (given !== '') return given;
  if (!ingress.enabled) return undefined;
  const secure = ingress.tls.some((t) => (t.hosts ?? []).includes(ingress.host));
  return `${secure ? 'https' : 'http'}://${ingress.host}`;
}

/** The OIDC client secret, when there is one: the Secret made for `clientSecret`, or the one `clientSecretRef` names. */
function clientSecretSource(input: BuildInput): V1VolumeProjection | undefined {
  const { clientSecret, clientSecretRef } = input.settings.tap.auth.oidc;
  if (clientSecretRef.name !== '') return { secret: { name: clientSecretRef.name, items: [{ key: clientSecretRef.key, path: CLIENT_SECRET_FILE }] } };
  if (clientSecret !== '') return { secret: { name: objectName(input, 'oidc'), items: [{ key: CLIENT_SECRET_KEY, path: CLIENT_SECRET_FILE }] } };
  return undefined;
}

/**
 * The OIDC sign-in's arguments (docs/front.md): the client, the roles, the identity key. No hub
 * token: the front hands the hub only users' signed identities, so no bug of the front's can show
 * a user more than their roles allow.
 */
function oidcArgs(input: BuildInput): string[] {
  const { oidc } = input.settings.tap.auth;
  return [
    '--auth', 'oidc',
    '--oidc-issuer', oidc.issuer,
    '--oidc-client-id', oidc.clientId,
    ...(clientSecretSource(input) !== undefined ? ['--oidc-client-secret-file', podFile(CLIENT_SECRET_FILE)] : []),
    '--oidc-scopes', oidc.scopes.join(' '),
    '--groups-claim', oidc.groupsClaim,
    '--roles-file', podFile(ROLES_KEY),
    '--identity-key-file', tokenFile('identity'),
  ];
}

/** How users sign in: OIDC, the sign-in token, or not at all. */
function signInArgs(input: BuildInput): string[] {
  if (oidcSignIn(input)) return oidcArgs(input);
  return tokenSignIn(input) ? ['--hub-token-file', tokenFile('hub'), '--token-file', tokenFile('signIn')] : ['--hub-token-file', tokenFile('hub'), '--sign-in', 'none', '--allow-unauthenticated'];
}

/** The front's arguments to `shoal front` (its --help). */
function frontArgs(input: BuildInput): string[] {
  const { tap } = input.settings;
  const url = publicUrl(input);
  return [
    'front',
    '--host', '0.0.0.0',
    '--port', String(FRONT_PORT),
    '--hub', `http://${objectName(input, 'hub')}.${tap.release.namespace}.svc:${tap.proxy.hub.srvPort}`,
    ...signInArgs(input),
    ...(url !== undefined ? ['--public-url', url] : []),
    '--log-level', input.settings.logLevel,
  ];
}

/** The front's files: the tokens of its sign-in, and with OIDC its client secret and roles. */
function frontFiles(input: BuildInput): ReturnType<typeof tokensVolume> {
  if (!oidcSignIn(input)) return tokensVolume(input, tokenSignIn(input) ? ['hub', 'signIn'] : ['hub']);
  const secret = clientSecretSource(input);
  const roles: V1VolumeProjection = { configMap: { name: objectName(input, 'roles'), items: [{ key: ROLES_KEY, path: ROLES_KEY }] } };
  return tokensVolume(input, ['identity'], [...(secret !== undefined ? [secret] : []), roles]);
}

/**
 * One front: its sign-in sessions live in its memory, so a second replica would sign users out
 * at random. Probes name the front by 127.0.0.1 in Host: it answers only to its own names
 * (DNS rebinding), and the kubelet would otherwise send the pod's IP.
 */
export function frontDeployment(input: BuildInput): V1Deployment {
  const tokens = frontFiles(input);
  const host = `127.0.0.1:${FRONT_PORT}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(input, objectName(input, 'front'), 'front'),
    spec: {
      replicas: 1,
      selector: { matchLabels: selectorLabels(input, 'front') },
      template: {
        metadata: { labels: labels(input, 'front') },
        spec: {
          ...podBasics(input, 'front'),
          securityContext: restrictedPod(),
          containers: [
            {
              name: 'front',
              image: image(input, 'front'),
              imagePullPolicy: input.settings.tap.docker.imagePullPolicy,
              args: frontArgs(input),
              ports: [{ name: 'http', containerPort: FRONT_PORT, protocol: 'TCP' }],
              // Ready once the dashboard's page is served; alive while the server answers.
              readinessProbe: httpProbe('/', 'http', 5, 3, host),
              livenessProbe: httpProbe(FRONT_SESSION_PATH, 'http', 10, 6, host),
              resources: resources(input.settings.tap.resources.front),
              securityContext: restrictedContainer(),
              volumeMounts: [tokens.mount],
            },
          ],
          volumes: [tokens.volume],
        },
      },
    },
  };
}

export function frontService(input: BuildInput): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(input, objectName(input, 'front'), 'front'),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(input, 'front'),
      ports: [{ name: 'http', port: FRONT_PORT, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}
