import { FRONT_SESSION_PATH } from '@shoal/model';
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import { FRONT_PORT, objectName, type BuildInput } from './build-context.js';
import { labels, metadata, selectorLabels } from './labels.js';
import { httpProbe, image, podBasics, resources, restrictedContainer, restrictedPod, tokenFile, tokensVolume } from './pod-parts.js';

/** Where users reach the dashboard through the Ingress, if there is one. */
export function publicUrl(input: BuildInput): string | undefined {
  const { ingress } = input.settings.tap;
  if (!ingress.enabled) return undefined;
  const secure = ingress.tls.some((t) => (t.hosts ?? []).includes(ingress.host));
  return `${secure ? 'https' : 'http'}://${ingress.host}`;
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
    '--hub-token-file', tokenFile('hub'),
    ...(tap.auth.enabled ? ['--token-file', tokenFile('signIn')] : ['--sign-in', 'none', '--allow-unauthenticated']),
    ...(url !== undefined ? ['--public-url', url] : []),
    '--log-level', input.settings.logLevel,
  ];
}

/**
 * One front: its sign-in sessions live in its memory, so a second replica would sign users out
 * at random. Probes name the front by 127.0.0.1 in Host: it answers only to its own names
 * (DNS rebinding), and the kubelet would otherwise send the pod's IP.
 */
export function frontDeployment(input: BuildInput): V1Deployment {
  const tokens = tokensVolume(input, input.settings.tap.auth.enabled ? ['hub', 'signIn'] : ['hub']);
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
