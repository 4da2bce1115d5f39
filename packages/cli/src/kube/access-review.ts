import { ShoalError } from '@shoal/model';
import { describeScope, describeTarget, type ApiCall } from './api-call.js';
import type { KubeClient } from './kube-client.js';

/**
 * Asks the API server, before changing anything, whether the caller may make every call a
 * command needs (SelfSubjectAccessReview, authorization.k8s.io/v1: the authorizer's answer for
 * the caller's own credentials). Every refusal is named at once, with what it was needed for,
 * so a user asks their admin for all the rights in one go. At most REVIEWS_AT_ONCE reviews are
 * in flight.
 */
export interface AccessNeed extends ApiCall {
  /** What the right is for, in the refusal's words: `to install the workers`. */
  why: string;
}

export const REVIEWS_AT_ONCE = 8;

async function allowed(client: KubeClient, need: AccessNeed): Promise<boolean> {
  const resourceAttributes = {
    verb: need.verb, group: need.group, resource: need.resource,
    ...(need.subresource !== undefined ? { subresource: need.subresource } : {}),
    ...(need.namespace !== undefined ? { namespace: need.namespace } : {}),
    ...(need.name !== undefined ? { name: need.name } : {}),
  };
  const review = await client.call({ verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' }, () =>
    client.authorization.createSelfSubjectAccessReview({ body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } } }),
  );
  return review.status?.allowed === true;
}

/** Throws CLI_ERR_FORBIDDEN listing every need the caller lacks; resolves when all are granted. */
export async function checkAccess(client: KubeClient, needs: AccessNeed[]): Promise<void> {
  const unique = [...new Map(needs.map((n) => [JSON.stringify([n.verb, n.group, n.resource, n.subresource, n.namespace, n.name]), n])).values()];
  const denied: AccessNeed[] = [];
  for (let i = 0; i < unique.length; i += REVIEWS_AT_ONCE) {
    const batch = unique.slice(i, i + REVIEWS_AT_ONCE);
    const answers = await Promise.all(batch.map((n) => allowed(client, n)));
    batch.forEach((n, j) => {
      if (!answers[j]) denied.push(n);
    });
  }
  if (denied.length === 0) return;
  const lines = denied.map((n) => `  ${n.verb} ${describeTarget(n)} ${describeScope(n)} (${n.why})`);
  throw new ShoalError('CLI_ERR_FORBIDDEN', `forbidden by RBAC: the API server says you may not\n${lines.join('\n')}\nNothing was changed. Ask a cluster admin for these rights, or use another --context`);
}
