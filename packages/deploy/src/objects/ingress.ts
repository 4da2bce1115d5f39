import type { V1Ingress } from '@kubernetes/client-node';
import { objectName, type BuildInput } from './build-context.js';
import { metadata } from './labels.js';

/** The dashboard at `tap.ingress.host` + `path`, to the front's Service (the front's sign-in still applies). */
export function frontIngress(input: BuildInput): V1Ingress {
  const { ingress } = input.settings.tap;
  const annotations = Object.keys(ingress.annotations).length > 0 ? { ...ingress.annotations } : undefined;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: metadata(input, objectName(input, 'front'), 'front', annotations),
    spec: {
      ...(ingress.className !== '' ? { ingressClassName: ingress.className } : {}),
      rules: [
        {
          host: ingress.host,
          http: { paths: [{ path: ingress.path, pathType: 'Prefix', backend: { service: { name: objectName(input, 'front'), port: { name: 'http' } } } }] },
        },
      ],
      ...(ingress.tls.length > 0 ? { tls: structuredClone(ingress.tls) } : {}),
    },
  };
}
