import type { RequestAttributes } from './status.js';

/**
 * Who may do what, as an RBAC authorizer answers it, from a list a test sets: everything is
 * allowed except what a rule denies. A rule names a verb and a resource (with its group and
 * subresource) and optionally a namespace; a field it leaves out matches any value. The same
 * answer serves both requests (403 Forbidden) and SelfSubjectAccessReviews (`status.allowed`),
 * as with the real authorizer.
 */
export interface AccessRule {
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
}

export class AccessRules {
  private readonly denied: AccessRule[] = [];

  /** From now on, requests matching `rule` are forbidden. */
  deny(rule: AccessRule): void {
    this.denied.push({ ...rule });
  }

  /** Allows everything again. */
  reset(): void {
    this.denied.length = 0;
  }

  allows(a: RequestAttributes): boolean {
    return !this.denied.some((r) =>
      (r.verb === undefined || r.verb === a.verb)
      && (r.group === undefined || r.group === a.group)
      && (r.resource === undefined || r.resource === a.resource)
      && (r.subresource === undefined || r.subresource === a.subresource)
      && (r.namespace === undefined || r.namespace === a.namespace),
    );
  }
}
