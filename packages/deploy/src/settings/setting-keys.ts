import * as shapes from './json-shapes.js';
import {
  absolutePath,
  boolean,
  bytes,
  cidr,
  cpu,
  hostName,
  json,
  list,
  namespaceName,
  nonEmpty,
  oneOf,
  optionalHttpUrl,
  optionalOrigin,
  optionalSecretName,
  podRegex,
  port,
  releaseNameKind,
  scopeToken,
  secretKey,
  secretName,
  text,
  type SettingKind,
} from './setting-kinds.js';

/** One key of the settings: its dotted path in Settings, what it takes, and what it is for. */
export interface SettingSpec {
  key: string;
  kind: SettingKind<unknown>;
  help: string;
}

function spec<T>(key: string, kind: SettingKind<T>, help: string): SettingSpec {
  return { key, kind: kind as SettingKind<unknown>, help };
}

/** The smallest store: the worker evicts by segments of an eighth of its limit, 64 KiB at least. */
const STORE_MIN_BYTES = 16 * 1024 ** 2;

const resourceKeys = (['hub', 'sniffer', 'tracer', 'front'] as const).flatMap((container) =>
  (['limits', 'requests'] as const).flatMap((bound) => [
    spec(`tap.resources.${container}.${bound}.cpu`, cpu, `${container} container's CPU ${bound === 'limits' ? 'limit' : 'request'}`),
    spec(`tap.resources.${container}.${bound}.memory`, bytes(true), `${container} container's memory ${bound === 'limits' ? 'limit' : 'request'}`),
  ]),
);

const POD_NAMES = { hub: 'the hub\'s pod', workers: 'the workers\' pods', front: 'the front\'s pod' } as const;

const perPod = (['hub', 'workers', 'front'] as const).flatMap((pod) => [
  spec(`tap.tolerations.${pod}`, json('[{"key", "operator", "value", "effect", "tolerationSeconds"}]', shapes.tolerations), `tolerations of ${POD_NAMES[pod]}`),
  spec(`tap.nodeSelectorTerms.${pod}`, json('[{"matchExpressions": [{"key", "operator", "values"}]}]', shapes.nodeSelectorTerms), `nodes ${POD_NAMES[pod]} may run on (required node affinity; [] for any)`),
]);

/**
 * Every key `--set` takes, in the order help and docs list them: Kubeshark's names (PEERS.md),
 * plus `tap.release.*` (its release name and namespace) and `tap.networkPolicies.*` (ours). An
 * unknown key is refused. The chart's values.yaml has exactly these keys.
 */
export const SETTING_KEYS: readonly SettingSpec[] = [
  spec('tap.regex', podRegex, 'pods whose names match are captured (RE2)'),
  spec('tap.namespaces', list('namespace names', namespaceName), 'capture only in these namespaces (empty: all)'),
  spec('tap.excludedNamespaces', list('namespace names', namespaceName), 'never capture in these namespaces'),
  spec('tap.release.name', releaseNameKind, 'the installation\'s name: every object is named <name>-…'),
  spec('tap.release.namespace', text('a namespace name', namespaceName), 'the namespace Shoal runs in (it must exist)'),
  spec('tap.proxy.worker.srvPort', port, 'the workers\' API port on each node\'s address (host network)'),
  spec('tap.proxy.hub.srvPort', port, 'the hub\'s API port'),
  spec('tap.proxy.front.port', port, 'where shoal tap and shoal proxy serve the dashboard on your machine'),
  spec('tap.proxy.host', nonEmpty('an address'), 'the address that local port listens on'),
  spec('tap.storageLimit', bytes(false, STORE_MIN_BYTES), 'each worker\'s store (entries and packets), at least 16Mi'),
  spec('tap.tls', boolean, 'run the TLS tracer (the targeted pods\' OpenSSL traffic, decrypted) with its capabilities (SYS_ADMIN, SYS_PTRACE)'),
  spec('tap.packetCapture', oneOf(['best', 'ebpf', 'af_packet', 'libpcap'] as const, ' (PF_RING is only detected by the worker, never chosen)'), 'the workers\' capture backend; best and ebpf grant the eBPF capabilities'),
  ...resourceKeys,
  ...perPod,
  spec('tap.ingress.enabled', boolean, 'publish the dashboard through an Ingress'),
  spec('tap.ingress.className', text('an IngressClass name, or empty for the cluster\'s default'), 'the Ingress class'),
  spec('tap.ingress.host', text('a DNS name', hostName), 'the dashboard\'s host name (needed with the Ingress)'),
  spec('tap.ingress.path', text('a path starting with /', absolutePath), 'the path the dashboard is served under'),
  spec('tap.ingress.tls', json('[{"hosts": […], "secretName"}]', shapes.ingressTls), 'the Ingress\'s TLS certificates'),
  spec('tap.ingress.annotations', json('{"name": "value"}', shapes.annotations), 'annotations of the Ingress'),
  spec('tap.docker.registry', nonEmpty('a registry and path, e.g. registry.example/shoal'), 'images are <registry>/shoal-<hub|worker|front>:<tag>'),
  spec('tap.docker.tag', text('an image tag, or empty for this version'), 'the images\' tag (default: the CLI\'s own version)'),
  spec('tap.docker.imagePullPolicy', oneOf(['IfNotPresent', 'Always', 'Never'] as const), 'when nodes pull the images'),
  spec('tap.docker.imagePullSecrets', list('Secret names', secretName), 'Secrets with the registry\'s credentials'),
  spec('tap.auth.enabled', boolean, 'users sign in to the dashboard (false: anyone who reaches it sees all traffic)'),
  spec('tap.auth.type', oneOf(['token', 'oidc'] as const), 'how users sign in: the installation\'s token, or your OpenID provider'),
  spec('tap.auth.oidc.issuer', text('an http(s) URL, or empty', optionalHttpUrl), 'the OpenID provider\'s issuer URL (needed with oidc)'),
  spec('tap.auth.oidc.clientId', text('a client ID'), 'the dashboard\'s client ID at the provider (needed with oidc)'),
  spec('tap.auth.oidc.clientSecret', text('a client secret'), 'its client secret, put in a Secret made for it (or use clientSecretRef; neither: a public client)'),
  spec('tap.auth.oidc.clientSecretRef.name', text('a Secret name, or empty', optionalSecretName), 'a Secret of yours that holds the client secret (instead of clientSecret)'),
  spec('tap.auth.oidc.clientSecretRef.key', text('a Secret key', secretKey), 'the key in that Secret'),
  spec('tap.auth.oidc.scopes', list('OAuth scopes', scopeToken), 'the scopes the sign-in asks for (add the one your provider gives groups by)'),
  spec('tap.auth.oidc.groupsClaim', nonEmpty('an ID token claim name'), 'the ID token\'s claim that lists the user\'s groups'),
  spec('tap.auth.roles', json('[{"name", "groups": […], "users": […], "namespaces": […], "admin"}]', shapes.roles), 'with oidc: which groups or users see which namespaces ("*": all), and who is admin (changes targets, all PCAP)'),
  spec('tap.publicUrl', text('an origin, or empty', optionalOrigin), 'where users reach the dashboard when not through the Ingress, e.g. https://shoal.example (empty: the Ingress\'s); oidc needs one'),
  spec('tap.networkPolicies.enabled', boolean, 'restrict who reaches the hub and the front'),
  spec('tap.networkPolicies.apiServerCIDRs', list('CIDRs', cidr), 'addresses that may reach the hub besides the front (the API server\'s service proxy, Prometheus)'),
  spec('logLevel', oneOf(['fatal', 'error', 'warn', 'info', 'debug'] as const), 'the log level of the hub and the workers'),
];
