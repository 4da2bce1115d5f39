import { isLoopbackHost } from '@shoal/model/http';
import { parseOrigin } from './front/front-names.js';
import { usageError } from './usage-error.js';

/**
 * The listen address of a service and who may reach it (docs/security.md): loopback unless
 * `--host` says otherwise, and a non-loopback address only with a credential, or with
 * `--allow-unauthenticated` said out loud (the caller then logs a warning).
 */
export interface OpenBindCheck {
  host: string;
  /** The flag that gives the credential, named in the refusal (`--token-file`). */
  credentialFlag: string;
  hasCredential: boolean;
  allowUnauthenticated: boolean;
}

/** True when the service listens beyond this machine without a credential (allowed: warn). */
export function checkOpenBind(o: OpenBindCheck): boolean {
  if (o.hasCredential || isLoopbackHost(o.host)) return false;
  if (!o.allowUnauthenticated) {
    throw usageError(`--host ${o.host} listens beyond this machine without a credential: give ${o.credentialFlag}, or --allow-unauthenticated if the network is yours alone`);
  }
  return true;
}

/** `--allowed-origin` values (repeatable, or comma-separated), each `scheme://host[:port]`. */
export function allowedOriginsOption(values: readonly string[] | undefined): string[] {
  const texts = (values ?? []).flatMap((v) => v.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  try {
    return texts.map((text) => parseOrigin(text, '--allowed-origin').origin);
  } catch (err) {
    throw usageError((err as Error).message);
  }
}
