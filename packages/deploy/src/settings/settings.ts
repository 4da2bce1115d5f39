import type { V1IngressTLS, V1NodeSelectorTerm, V1Toleration } from '@kubernetes/client-node';

/**
 * Everything a Shoal installation can be told, under the key names of Kubeshark's Helm values
 * (`tap.*`, `logLevel`) so its users' `--set` lines carry over. The chart's values.yaml holds the
 * same keys with the same defaults; setting-keys.ts says what each one accepts.
 */
export interface Settings {
  logLevel: LogLevel;
  tap: TapSettings;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug';
/** The worker's `--capture`: `best` walks eBPF, AF_PACKET, libpcap in turn. */
export type PacketCapture = 'best' | 'ebpf' | 'af_packet' | 'libpcap';
export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';
/** How users sign in to the dashboard: the installation's token, or the team's OpenID provider. */
export type AuthType = 'token' | 'oidc';

/**
 * Who may see what with the OIDC sign-in (the front's `--roles-file`, docs/security.md): a user
 * matches a role when one of their groups (the ID token's groups claim) or their `sub`, email or
 * preferred_username is listed; their scope is the union of the matching roles' namespaces
 * (`*`: all), admin if any matching role is.
 */
export interface Role {
  /** For the logs. */
  name: string;
  groups?: string[];
  users?: string[];
  namespaces: string[];
  /** May change targets and download PCAP of everything. */
  admin?: boolean;
}

/** The OpenID Connect client the front is (`--oidc-*`), registered at the provider. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** The client secret, put in a Secret the installation makes; empty when clientSecretRef names one, or for a public client. */
  clientSecret: string;
  /** A Secret of the cluster's that holds the client secret (name empty: none). */
  clientSecretRef: { name: string; key: string };
  scopes: string[];
  groupsClaim: string;
}

/** Kubernetes quantities; an empty string leaves the amount unset. */
export interface ResourceAmounts {
  cpu: string;
  memory: string;
}

export interface ContainerResources {
  limits: ResourceAmounts;
  requests: ResourceAmounts;
}

/** Scheduling settings per pod kind, named as Kubeshark's `tap.tolerations` and `tap.nodeSelectorTerms`. */
export interface PerPod<T> {
  hub: T;
  workers: T;
  front: T;
}

export interface TapSettings {
  /** The pods to capture: their names match this RE2 expression. */
  regex: string;
  /** Only these namespaces (all when empty). */
  namespaces: string[];
  excludedNamespaces: string[];
  /** The installation's name (the prefix of every object's name) and namespace. */
  release: { name: string; namespace: string };
  proxy: {
    /** The worker's API port, on each node's address (the workers use the host network). */
    worker: { srvPort: number };
    hub: { srvPort: number };
    /** Where `shoal tap` and `shoal proxy` serve the dashboard on the user's machine. */
    front: { port: number };
    host: string;
  };
  /** Each worker's store: the emptyDir's size limit (the worker keeps its own limit below it). */
  storageLimit: string;
  /** Capture TLS before encryption (the TLS tracer's capabilities). */
  tls: boolean;
  packetCapture: PacketCapture;
  resources: { hub: ContainerResources; sniffer: ContainerResources; tracer: ContainerResources; front: ContainerResources };
  tolerations: PerPod<V1Toleration[]>;
  nodeSelectorTerms: PerPod<V1NodeSelectorTerm[]>;
  ingress: {
    enabled: boolean;
    className: string;
    host: string;
    path: string;
    tls: V1IngressTLS[];
    annotations: Record<string, string>;
  };
  docker: { registry: string; tag: string; imagePullPolicy: PullPolicy; imagePullSecrets: string[] };
  auth: { enabled: boolean; type: AuthType; oidc: OidcSettings; roles: Role[] };
  /** Where users reach the dashboard when not through the Ingress (an origin); empty: the Ingress's. */
  publicUrl: string;
  networkPolicies: { enabled: boolean; apiServerCIDRs: string[] };
}

const LINUX_ONLY: V1NodeSelectorTerm[] = [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }];

function resources(memoryLimit: string): ContainerResources {
  return { limits: { cpu: '', memory: memoryLimit }, requests: { cpu: '50m', memory: '50Mi' } };
}

/**
 * The defaults, a fresh copy each call (callers change it). Kubeshark's where they fit; ours where
 * Shoal differs: the store is 500Mi as the worker's own default, TLS capture is off (no tracer
 * yet), the sign-in is on, images come from `localhost` (the name podman gives images built
 * locally) until a registry is given, and a versioned tag is never pulled again.
 */
export function defaultSettings(): Settings {
  return {
    logLevel: 'info',
    tap: {
      regex: '.*',
      namespaces: [],
      excludedNamespaces: [],
      release: { name: 'shoal', namespace: 'default' },
      proxy: { worker: { srvPort: 30001 }, hub: { srvPort: 8898 }, front: { port: 8899 }, host: '127.0.0.1' },
      storageLimit: '500Mi',
      tls: false,
      packetCapture: 'best',
      resources: { hub: resources('1Gi'), sniffer: resources('1Gi'), tracer: resources('1Gi'), front: resources('256Mi') },
      // DaemonSet pods already tolerate the node-condition taints; NoExecute ones (a node being
      // drained of other work) must not take the capture away.
      tolerations: { hub: [], workers: [{ operator: 'Exists', effect: 'NoExecute' }], front: [] },
      nodeSelectorTerms: { hub: structuredClone(LINUX_ONLY), workers: structuredClone(LINUX_ONLY), front: structuredClone(LINUX_ONLY) },
      ingress: { enabled: false, className: '', host: '', path: '/', tls: [], annotations: {} },
      docker: { registry: 'localhost', tag: '', imagePullPolicy: 'IfNotPresent', imagePullSecrets: [] },
      auth: {
        enabled: true,
        type: 'token',
        oidc: { issuer: '', clientId: '', clientSecret: '', clientSecretRef: { name: '', key: 'client-secret' }, scopes: ['openid', 'email', 'profile'], groupsClaim: 'groups' },
        roles: [],
      },
      publicUrl: '',
      networkPolicies: { enabled: true, apiServerCIDRs: [] },
    },
  };
}
