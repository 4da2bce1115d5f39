import type {
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1ConfigMap,
  V1DaemonSet,
  V1Deployment,
  V1Ingress,
  V1NetworkPolicy,
  V1Role,
  V1RoleBinding,
  V1Secret,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import { checkSettings } from './settings/check-settings.js';
import type { BuildInput } from './objects/build-context.js';
import { oidcSignIn, tokenSignIn } from './objects/build-context.js';
import { oidcSecret, rolesConfigMap, settingsConfigMap, signInSecret, tokensSecret } from './objects/config.js';
import { frontDeployment, frontService } from './objects/front.js';
import { hubDeployment, hubService } from './objects/hub.js';
import { frontIngress } from './objects/ingress.js';
import { hubMetricsService, workerMetricsService } from './objects/metrics-services.js';
import { frontNetworkPolicy, hubNetworkPolicy } from './objects/network-policies.js';
import { clusterRole, clusterRoleBinding, configRole, configRoleBinding, hubServiceAccount, workerServiceAccount } from './objects/rbac.js';
import { workerDaemonSet } from './objects/worker.js';

export type ShoalObject =
  | V1ServiceAccount
  | V1ClusterRole
  | V1ClusterRoleBinding
  | V1Role
  | V1RoleBinding
  | V1ConfigMap
  | V1Secret
  | V1Deployment
  | V1Service
  | V1DaemonSet
  | V1NetworkPolicy
  | V1Ingress;

/** One object and the file it is written to (`shoal manifests -o`, the chart's template). */
export interface BuiltObject {
  /** `NN-name.yaml`: NN is its fixed place in the install order, also when others are left out. */
  file: string;
  object: ShoalObject;
}

interface Slot {
  name: string;
  make(input: BuildInput): ShoalObject;
  when?(input: BuildInput): boolean;
}

/**
 * The install order, numbered as Kubeshark's chart templates are (04-hub-deployment.yaml, …):
 * identities and rights first, then what the pods mount, then the pods, then what routes to them.
 * A number stays with its object whether or not others are built.
 */
const SLOTS: readonly Slot[] = [
  { name: 'hub-service-account', make: hubServiceAccount },
  { name: 'worker-service-account', make: workerServiceAccount },
  { name: 'cluster-role', make: clusterRole },
  { name: 'cluster-role-binding', make: clusterRoleBinding },
  { name: 'config-role', make: configRole },
  { name: 'config-role-binding', make: configRoleBinding },
  { name: 'config-map', make: settingsConfigMap },
  { name: 'tokens-secret', make: tokensSecret },
  { name: 'sign-in-secret', make: signInSecret, when: tokenSignIn },
  { name: 'oidc-secret', make: oidcSecret, when: (i) => oidcSignIn(i) && i.settings.tap.auth.oidc.clientSecret !== '' },
  { name: 'roles-config-map', make: rolesConfigMap, when: oidcSignIn },
  { name: 'hub-deployment', make: hubDeployment },
  { name: 'hub-service', make: hubService },
  { name: 'front-deployment', make: frontDeployment },
  { name: 'front-service', make: frontService },
  { name: 'worker-daemon-set', make: workerDaemonSet },
  { name: 'hub-network-policy', make: hubNetworkPolicy, when: (i) => i.settings.tap.networkPolicies.enabled },
  { name: 'front-network-policy', make: frontNetworkPolicy, when: (i) => i.settings.tap.networkPolicies.enabled },
  { name: 'ingress', make: frontIngress, when: (i) => i.settings.tap.ingress.enabled },
  { name: 'hub-metrics-service', make: hubMetricsService },
  { name: 'worker-metrics-service', make: workerMetricsService },
];

/**
 * Every object the builder can make for `input`, the optional ones too, unchecked: what an
 * installation of these settings may hold, so that `shoal clean` knows every kind and every
 * cluster-scoped name to look for, whatever the installed settings left out.
 */
export function everyObject(input: BuildInput): ShoalObject[] {
  return SLOTS.map((slot) => slot.make(input));
}

/**
 * Every object of an installation, in install order: the one builder behind `shoal tap`,
 * `shoal manifests` and the chart's tests. Pure: the same input gives the same objects (the
 * tokens are part of the input). Throws CLI_ERR_USAGE when settings do not go together.
 */
export function buildObjects(input: BuildInput): BuiltObject[] {
  checkSettings(input.settings);
  return SLOTS.flatMap((slot, i) =>
    slot.when === undefined || slot.when(input) ? [{ file: `${String(i + 1).padStart(2, '0')}-${slot.name}.yaml`, object: slot.make(input) }] : [],
  );
}
