import * as client from 'openid-client';
import { isLoopbackHost } from '@shoal/model/http';
import type { Logger } from 'pino';

export interface OidcDiscoveryOptions {
  issuer: URL;
  clientId: string;
  /** Absent: a public client, which authenticates by PKCE alone (token_endpoint_auth_method none). */
  clientSecret?: string;
  log: Logger;
  /** First retry after this many ms, doubling up to maxRetryMs. */
  firstRetryMs?: number;
  maxRetryMs?: number;
}

/**
 * The provider's configuration, found by OpenID Connect Discovery 1.0 §4 at start-up. A provider
 * that cannot be reached does not stop the front: discovery is tried again with a doubling
 * backoff (1 s up to a minute), each failure logged, and meanwhile the sign-in page says the
 * provider is unreachable (why, and that the front keeps trying).
 *
 * Plain http is allowed for an issuer on loopback only (a provider on the same machine, as in
 * tests); any other issuer must be https, whose certificate is checked.
 */
export class OidcDiscovery {
  private found: client.Configuration | undefined;
  private failure = 'discovery has not finished yet';
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private nextRetryMs: number;

  constructor(private readonly options: OidcDiscoveryOptions) {
    this.nextRetryMs = options.firstRetryMs ?? 1000;
  }

  /** Starts discovery; resolves after the first attempt, whatever its outcome. */
  async start(): Promise<void> {
    await this.attempt();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** The provider's configuration, or undefined while it cannot be discovered. */
  get configuration(): client.Configuration | undefined {
    return this.found;
  }

  /** Why discovery failed last (for the sign-in page and the log). */
  get lastFailure(): string {
    return this.failure;
  }

  private async attempt(): Promise<void> {
    const { issuer, clientId, clientSecret, log } = this.options;
    try {
      const auth = clientSecret !== undefined ? client.ClientSecretBasic(clientSecret) : client.None();
      const insecure = issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname.replace(/^\[(.*)\]$/, '$1'));
      this.found = await client.discovery(issuer, clientId, undefined, auth, {
        ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
        timeout: 10,
      });
      log.info({ issuer: issuer.href }, 'OpenID provider discovered');
    } catch (err) {
      this.failure = reasonOf(err);
      const retryMs = this.nextRetryMs;
      this.nextRetryMs = Math.min(retryMs * 2, this.options.maxRetryMs ?? 60_000);
      log.warn({ issuer: issuer.href, err: this.failure, retryInMs: retryMs }, 'the OpenID provider cannot be discovered: sign-in is unavailable until it can');
      if (!this.stopped) this.timer = setTimeout(() => void this.attempt(), retryMs);
    }
  }
}

/**
 * A failure's message with its cause's (fetch's "fetch failed" says little without its cause's
 * code, nor openid-client's "unexpected JWT claim value encountered" without oauth4webapi's).
 */
export function reasonOf(err: unknown): string {
  const e = err as Error & { cause?: unknown };
  const cause = e.cause as { code?: string; message?: string } | undefined;
  const detail = typeof cause?.message === 'string' && cause.message !== '' ? cause.message : cause?.code;
  return detail !== undefined && !e.message.includes(detail) ? `${e.message}: ${detail}` : e.message;
}
