import type { V1Service } from '@kubernetes/client-node';
import { objectName, type BuildInput } from './build-context.js';
import { metadata, selectorLabels } from './labels.js';

/**
 * Headless Services that only point Prometheus at each pod's /metrics (open on the hub and the
 * workers; docs/hub.md, docs/api.md), by the usual `prometheus.io/*` annotations.
 */
function metricsService(input: BuildInput, component: 'hub' | 'worker', port: number): V1Service {
  const annotations = { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(input, objectName(input, `${component}-metrics`), component, annotations),
    spec: {
      clusterIP: 'None',
      selector: selectorLabels(input, component),
      ports: [{ name: 'metrics', port, targetPort: 'api', protocol: 'TCP' }],
    },
  };
}

export const hubMetricsService = (input: BuildInput): V1Service => metricsService(input, 'hub', input.settings.tap.proxy.hub.srvPort);
export const workerMetricsService = (input: BuildInput): V1Service => metricsService(input, 'worker', input.settings.tap.proxy.worker.srvPort);
