import type { V1NetworkPolicy, V1NetworkPolicyPeer } from '@kubernetes/client-node';
import { FRONT_PORT, objectName, type BuildInput } from './build-context.js';
import { metadata, selectorLabels } from './labels.js';

/**
 * The hub serves every captured request to whoever holds its token: only the front reaches it,
 * and the addresses in `tap.networkPolicies.apiServerCIDRs` (the API server, whose service proxy
 * `shoal` uses, and a Prometheus that scrapes /metrics). NetworkPolicy cannot name the API
 * server: on a cluster whose CNI enforces policies, list its addresses or turn the policies off.
 */
export function hubNetworkPolicy(input: BuildInput): V1NetworkPolicy {
  const ports = [{ protocol: 'TCP', port: input.settings.tap.proxy.hub.srvPort }];
  const cidrs = input.settings.tap.networkPolicies.apiServerCIDRs;
  const fromFront: V1NetworkPolicyPeer = { podSelector: { matchLabels: selectorLabels(input, 'front') } };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: metadata(input, objectName(input, 'hub'), 'hub'),
    spec: {
      podSelector: { matchLabels: selectorLabels(input, 'hub') },
      policyTypes: ['Ingress'],
      ingress: [{ _from: [fromFront], ports }, ...(cidrs.length > 0 ? [{ _from: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: structuredClone(ports) }] : [])],
    },
  };
}

/**
 * The front is where users arrive (port-forward, service proxy, Ingress controller): any source,
 * its one port only; its sign-in stands in front of the hub.
 */
export function frontNetworkPolicy(input: BuildInput): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: metadata(input, objectName(input, 'front'), 'front'),
    spec: {
      podSelector: { matchLabels: selectorLabels(input, 'front') },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ protocol: 'TCP', port: FRONT_PORT }] }],
    },
  };
}
