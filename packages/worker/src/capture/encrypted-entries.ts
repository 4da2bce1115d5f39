import type { Entry } from '@shoal/model';

/**
 * How long the capture's entry of an encrypted stream (protocol `tls`: its handshake) waits while
 * the TLS tracer runs, for the tracer to say whether it showed the same connection decrypted.
 * The tracer sees a connection's first plaintext before its end (the entry is made at the end, or
 * after the response timeout), but the two arrive through separate kernel rings, each read every
 * 10 ms: the wait covers that, with a wide margin.
 */
export const ENCRYPTED_ENTRY_HOLD_MS = 2_000;

/** Entries held at most: past it the oldest is let through undecided (counted). */
export const MAX_HELD_ENCRYPTED = 10_000;

/**
 * The capture's entries of encrypted streams — `tls` (the handshake's entry), or `tcp` (a stream
 * no dissector claimed, such as TLS joined in mid-stream) — held until the tracer can tell
 * whether the connection was decrypted: a connection is shown once, as plaintext entries, not
 * also as its encrypted stream.
 */
export class EncryptedEntries {
  readonly #held: { entry: Entry; json: string; until: number }[] = [];
  /** Entries let through because the queue was full. */
  overflowed = 0;

  constructor(
    /** True when the tracer decrypted the connection between these ends ("ip:port"). */
    private readonly decrypted: (a: string, b: string) => boolean,
    private readonly publish: (entry: Entry, json: string) => void,
  ) {}

  /** True when `entry` may be the capture's entry of an encrypted stream: it is held or dropped here. */
  take(entry: Entry, json: string, nowMs: number): boolean {
    if (entry.capture === 'ebpf_tls' || (entry.protocol.name !== 'tls' && entry.protocol.name !== 'tcp')) return false;
    if (this.#hidden(entry)) return true;
    if (this.#held.length >= MAX_HELD_ENCRYPTED) {
      const oldest = this.#held.shift()!;
      this.overflowed++;
      this.publish(oldest.entry, oldest.json);
    }
    this.#held.push({ entry, json, until: nowMs + ENCRYPTED_ENTRY_HOLD_MS });
    return true;
  }

  /** Lets through the held entries whose wait is over (all, with `nowMs` Infinity), unless decrypted meanwhile. */
  release(nowMs: number): void {
    while (this.#held.length > 0 && this.#held[0]!.until <= nowMs) {
      const { entry, json } = this.#held.shift()!;
      if (!this.#hidden(entry)) this.publish(entry, json);
    }
  }

  #hidden(entry: Entry): boolean {
    return this.decrypted(`${entry.src.ip}:${entry.src.port}`, `${entry.dst.ip}:${entry.dst.port}`);
  }
}
