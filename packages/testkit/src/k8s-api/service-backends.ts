import type { KubeObject, ObjectStore } from './object-store.js';
import { isReady } from './pod-fates.js';
import { workloadSelector } from './selectors.js';
import { notFound, serviceUnavailable } from './status.js';

/**
 * Where traffic for a Service goes. The real API server's service proxy and port-forward reach
 * the Service's ready pods in the cluster's network; no pod runs here, so a test registers the
 * local address of a real process (a `shoal front` started by the test) for a Service's port, and
 * the proxy and port-forward reach that process when the Service has a ready pod behind it, as
 * the real ones reach that pod.
 */
export interface Address {
  host: string;
  port: number;
}

interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
}

function servicePorts(service: KubeObject): ServicePort[] {
  return ((service['spec'] as { ports?: ServicePort[] } | undefined)?.ports ?? []);
}

/** The container port a Service port's targetPort names in `pod` (a number, or a port's name). */
function containerPort(pod: KubeObject, p: ServicePort): number | undefined {
  const target = p.targetPort ?? p.port;
  if (typeof target === 'number') return target;
  const containers = ((pod['spec'] as { containers?: { ports?: { name?: string; containerPort: number }[] }[] } | undefined)?.containers ?? []);
  return containers.flatMap((c) => c.ports ?? []).find((cp) => cp.name === target)?.containerPort;
}

export class ServiceBackends {
  private readonly addresses = new Map<string, Address>();

  constructor(private readonly store: ObjectStore) {}

  register(namespace: string, service: string, port: number, address: Address): void {
    this.addresses.set(`${namespace}/${service}/${port}`, address);
  }

  /**
   * The address behind `services/NAME[:PORT]/proxy` (NAME may carry a scheme, `http:NAME:PORT`;
   * PORT is a port's number or name, and may be left out when the Service has one port). Throws
   * the API server's Status: 404 without the Service, 503 without a ready pod or an address.
   */
  forProxy(namespace: string, id: string): Address {
    const parts = id.split(':');
    const [name, portText] = parts.length === 3 ? [parts[1]!, parts[2]!] : [parts[0]!, parts[1] ?? ''];
    const service = this.store.get('services', name, namespace);
    if (service === undefined) throw notFound({ group: '', resource: 'services' }, name);
    const ports = servicePorts(service);
    const port = portText === '' ? (ports.length === 1 ? ports[0] : undefined) : ports.find((p) => p.name === portText || String(p.port) === portText);
    if (port === undefined) throw serviceUnavailable(`no endpoints available for service "${id}"`);
    const selector = workloadSelector({ matchLabels: (service['spec'] as { selector?: Record<string, string> }).selector ?? {} });
    const ready = this.store.list('pods', namespace).filter((p) => selector(p) && isReady(p) && p.metadata.deletionTimestamp === undefined);
    const address = this.addresses.get(`${namespace}/${name}/${port.port}`);
    if (ready.length === 0 || address === undefined) throw serviceUnavailable(`no endpoints available for service "${name}"`);
    return address;
  }

  /** The address behind a pod's port: that of a Service selecting the pod whose targetPort is that port. */
  forPod(namespace: string, podName: string, port: number): Address | undefined {
    const pod = this.store.get('pods', podName, namespace);
    if (pod === undefined) return undefined;
    for (const service of this.store.list('services', namespace)) {
      const selector = workloadSelector({ matchLabels: (service['spec'] as { selector?: Record<string, string> }).selector ?? {} });
      if (!selector(pod)) continue;
      for (const p of servicePorts(service)) {
        const address = this.addresses.get(`${namespace}/${service.metadata.name}/${p.port}`);
        if (address !== undefined && containerPort(pod, p) === port) return address;
      }
    }
    return undefined;
  }
}
