/**
 * The two limits of the hub's /pcap request to a worker, as undici's `headersTimeout` and
 * `bodyTimeout`: how long the worker may take to send its response headers, and how long it may
 * stay silent between two pieces of its body. Only a silent worker is timed: the body timer runs
 * while the merge waits for that worker, never while it waits for a slow client.
 */
export interface PcapTimeouts {
  /** From the request to the response headers, ms (`shoal hub --pcap-headers-timeout`). */
  headersMs: number;
  /** Between two pieces of the body, ms (`shoal hub --pcap-body-timeout`). */
  bodyMs: number;
}

/**
 * A worker scans its store for the streams before it answers, so its headers may take a few
 * seconds on a large store; 30 s of silence either way is a worker that is stuck, not busy.
 */
export const DEFAULT_PCAP_TIMEOUTS: PcapTimeouts = { headersMs: 30_000, bodyMs: 30_000 };

/** A worker sent no response headers within `headersMs`. */
export class HeadersTimeoutError extends Error {
  override readonly name = 'HeadersTimeoutError';

  constructor(readonly worker: string, readonly ms: number) {
    super(`${worker} sent no /pcap response headers within ${ms} ms`);
  }
}

/** A worker's /pcap body went silent for `ms` (it sent its headers, then stalled). */
export class BodyTimeoutError extends Error {
  override readonly name = 'BodyTimeoutError';

  constructor(readonly worker: string, readonly ms: number) {
    super(`${worker}'s /pcap body sent nothing for ${ms} ms`);
  }
}
