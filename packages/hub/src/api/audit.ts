import type { IncomingMessage } from 'node:http';
import type { Identity } from '@shoal/model/http';
import type { Logger } from 'pino';

/**
 * The hub's audit lines (docs/security.md, "Audit"): structured JSON at info, with `audit` the
 * event (`refused`, `targets-changed`), who (`subject`, `name`, `groups`; `token` for the hub's
 * token) and the outcome. Never a token, a cookie or an assertion.
 */
export type AuditEvent = 'refused' | 'targets-changed';

export function audit(log: Logger, event: AuditEvent, fields: Record<string, unknown>): void {
  log.info({ audit: event, ...fields }, `audit: ${event}`);
}

/** Who, for an audit line: the identity's subject, name and groups, or the hub's token. */
export function identityFields(identity: Identity | undefined): Record<string, unknown> {
  if (identity === undefined) return { subject: 'token' };
  return { subject: identity.subject, ...(identity.name !== undefined ? { name: identity.name } : {}), groups: identity.groups };
}

/** Which request was refused and why: its method and path (no query: a filter is the user's), and its peer. */
export function refusal(req: IncomingMessage, why: string): Record<string, unknown> {
  return { request: `${req.method ?? ''} ${(req.url ?? '').split('?')[0]}`, from: req.socket.remoteAddress ?? null, why };
}
