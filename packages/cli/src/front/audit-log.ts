import type { Logger } from 'pino';

/**
 * The audit events the front logs (docs/security.md#audit), as JSON lines at info with an
 * `audit` field: who (subject, name, groups) and the outcome. Never a token, a cookie or an
 * assertion.
 */
export type AuditEvent = 'sign-in' | 'sign-out' | 'sign-in-refused' | 'refused';

export interface AuditWho {
  subject?: string;
  name?: string;
  groups?: readonly string[];
}

export function audit(log: Logger, event: AuditEvent, who: AuditWho | undefined, fields: Record<string, unknown>, message: string): void {
  log.info({ audit: event, ...(who?.subject !== undefined ? { subject: who.subject } : {}), ...(who?.name !== undefined ? { name: who.name } : {}), ...(who?.groups !== undefined ? { groups: who.groups } : {}), ...fields }, message);
}
