import type { IncomingMessage } from 'node:http';
import { AssertionError, BearerCheck, IDENTITY_HEADER, verifyIdentity, type Identity } from '@shoal/model/http';
import type { Logger } from 'pino';
import { ViewScope } from '../access/view-scope.js';
import { audit, identityFields, refusal } from './audit.js';
import { ApiError, ErrorCodes } from './http-util.js';

/**
 * Who asks the hub, and what they may see (docs/security.md): the hub's token (or an open hub)
 * is an admin of every namespace, as the CLI and a token sign-in are; a user the front signed in
 * is what their identity assertion says.
 */
export interface Caller {
  /** The signed-in user; undefined for the hub's token. */
  identity: Identity | undefined;
  /** May change targets, and downloads PCAP of every stream. */
  admin: boolean;
  /** Entries, pods and queries this caller sees. */
  scope: ViewScope;
}

export const TOKEN_CALLER: Caller = { identity: undefined, admin: true, scope: ViewScope.ALL };

/** The scope of a caller's PCAP: an admin downloads every stream's packets (docs/security.md). */
export function pcapScope(caller: Caller): ViewScope {
  return caller.admin ? ViewScope.ALL : caller.scope;
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, ErrorCodes.HUB_ERR_UNAUTHORIZED, message);
}

const WRONG_TOKEN = 'missing or wrong token: send Authorization: Bearer <token> (the content of the hub\'s --token-file)';

/**
 * Authenticates each request (REST and WebSocket upgrade alike). A request with IDENTITY_HEADER
 * is the user it names, verified with the key of `--identity-key-file` (the front's key): a bad,
 * altered, forged or expired assertion, or one sent to a hub without a key, is refused with 401
 * and its reason, and never falls back to the token. A request without it needs the hub's token
 * when the hub has one. Every refusal is an audit line (audit.ts); the assertion and the token
 * are never logged.
 */
export class CallerCheck {
  private readonly bearer: BearerCheck;

  constructor(
    token: string | undefined,
    private readonly identityKey: Buffer | undefined,
    private readonly log: Logger,
  ) {
    this.bearer = new BearerCheck(token);
  }

  /** The caller of `req`; throws the 401 it answers. */
  callerOf(req: IncomingMessage): Caller {
    const header = req.headers[IDENTITY_HEADER];
    if (header === undefined) {
      if (this.bearer.allows(req.headers)) return TOKEN_CALLER;
      throw this.refuse(req, WRONG_TOKEN);
    }
    if (this.identityKey === undefined) {
      throw this.refuse(req, `this hub was not given an identity key (--identity-key-file), so it cannot verify ${IDENTITY_HEADER}: start it with the front's key, or send the hub's token instead`);
    }
    if (Array.isArray(header)) throw this.refuse(req, `more than one ${IDENTITY_HEADER} header: send one`);
    let identity: Identity;
    try {
      identity = verifyIdentity(this.identityKey, header);
    } catch (err) {
      if (!(err instanceof AssertionError)) throw err;
      throw this.refuse(req, `${err.message} (${IDENTITY_HEADER}): sign in again through the front; the front and the hub must share one --identity-key-file`);
    }
    return { identity, admin: identity.admin, scope: new ViewScope(identity.namespaces) };
  }

  /** An admin-only request by a caller that is not one: a 403, and an audit line with who asked. */
  requireAdmin(req: IncomingMessage, caller: Caller, what: string): void {
    if (caller.admin) return;
    const message = `${what} is for admins: your roles (${caller.identity?.groups.join(', ') || 'no groups'}) do not make you one; ask an admin, or for a role with admin: true`;
    audit(this.log, 'refused', { ...refusal(req, message), ...identityFields(caller.identity) });
    throw new ApiError(403, ErrorCodes.HUB_ERR_FORBIDDEN, message);
  }

  /** A request whose caller is unknown (no valid credential): the audit line says from where. */
  private refuse(req: IncomingMessage, message: string): ApiError {
    audit(this.log, 'refused', refusal(req, message));
    return unauthorized(message);
  }
}
