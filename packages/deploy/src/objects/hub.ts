import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import { objectName, oidcSignIn, type BuildInput } from './build-context.js';
import { labels, metadata, selectorLabels } from './labels.js';
import { httpProbe, image, podBasics, resources, restrictedContainer, restrictedPod, tokenFile, tokensVolume } from './pod-parts.js';

/** The hub's arguments to `shoal hub` (its --help): names and workers from the Kubernetes API. */
function hubArgs(input: BuildInput): string[] {
  const { tap, logLevel } = input.settings;
  const workers = Object.entries(selectorLabels(input, 'worker')).map(([k, v]) => `${k}=${v}`).join(',');
  return [
    'hub',
    '--host', '0.0.0.0',
    '--port', String(tap.proxy.hub.srvPort),
    '--token-file', tokenFile('hub'),
    '--kubernetes',
    '--worker-namespace', tap.release.namespace,
    '--worker-selector', workers,
    '--worker-port', String(tap.proxy.worker.srvPort),
    '--worker-token-file', tokenFile('worker'),
    // The selection lives in the installation's ConfigMap (its Role allows that one object): it
    // survives any restart, and the hub follows a second `shoal tap` or a `helm upgrade`.
    '--targets-configmap', objectName(input, 'config'),
    // With the OIDC sign-in the front sends users' signed identities, which the hub checks and scopes.
    ...(oidcSignIn(input) ? ['--identity-key-file', tokenFile('identity')] : []),
    '--log-level', logLevel,
  ];
}

/**
 * One hub (it holds the live subscriptions and the selection): Recreate, so an upgrade never runs
 * two that both push targets to the workers.
 */
export function hubDeployment(input: BuildInput): V1Deployment {
  const tokens = tokensVolume(input, oidcSignIn(input) ? ['hub', 'worker', 'identity'] : ['hub', 'worker']);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(input, objectName(input, 'hub'), 'hub'),
    spec: {
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selectorLabels(input, 'hub') },
      template: {
        metadata: { labels: labels(input, 'hub') },
        spec: {
          serviceAccountName: objectName(input, 'hub'),
          ...podBasics(input, 'hub'),
          securityContext: restrictedPod(),
          containers: [
            {
              name: 'hub',
              image: image(input, 'hub'),
              imagePullPolicy: input.settings.tap.docker.imagePullPolicy,
              args: hubArgs(input),
              ports: [{ name: 'api', containerPort: input.settings.tap.proxy.hub.srvPort, protocol: 'TCP' }],
              // /health is open and answers while the hub serves, whatever its workers do.
              readinessProbe: httpProbe('/health', 'api', 5, 3),
              livenessProbe: httpProbe('/health', 'api', 10, 6),
              resources: resources(input.settings.tap.resources.hub),
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

export function hubService(input: BuildInput): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(input, objectName(input, 'hub'), 'hub'),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(input, 'hub'),
      ports: [{ name: 'api', port: input.settings.tap.proxy.hub.srvPort, targetPort: 'api', protocol: 'TCP' }],
    },
  };
}
