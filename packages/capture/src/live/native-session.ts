/**
 * One capture running in the addon, whatever it carries (packets, or the TLS tracer's records):
 * its batches walked into a sink on the main thread, each released to the capture thread only
 * after the event loop has turned past its delivery, its failure reported once, its close.
 * LiveCapture and TlsTrace are made of one.
 */

import type { PacketSink } from '@shoal/model';
import { deliverBatch } from './batch-records.js';
import { fromNativeError, type LiveCaptureError } from './live-errors.js';
import type { NativeAddon, NativeHandle, NativeOptions, NativeStats } from './native-addon.js';

export class NativeSession {
  #addon: NativeAddon;
  #handle: NativeHandle | null = null;
  #final: NativeStats | null = null;
  /** Batches delivered since the last release (see #delivered). */
  #unreleased = 0;
  #releaseScheduled = false;

  /**
   * Opens the capture; throws a LiveCaptureError (`context`: what could not start) when it
   * cannot. `onFail` hears of a failure after open, once; the session is then closed.
   */
  constructor(addon: NativeAddon, options: NativeOptions, sink: PacketSink, context: string, where: string, onFail: (err: LiveCaptureError) => void) {
    this.#addon = addon;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getter below has its own `this`
    const session = this;
    // A sink that closes the capture gets no further record, not even from the same batch.
    const until = {
      get stopped(): boolean {
        return session.#handle === null;
      },
    };
    try {
      this.#handle = addon.open(options, (kind, payload) => {
        if (kind === 0) {
          try {
            deliverBatch(payload as ArrayBuffer, sink, until);
          } finally {
            this.#delivered();
          }
        } else {
          this.close();
          onFail(fromNativeError(payload, where));
        }
      });
    } catch (err) {
      throw fromNativeError(err, context);
    }
  }

  /** The addon's handle while open (for the addon's other functions), else null. */
  get handle(): NativeHandle | null {
    return this.#handle;
  }

  /** Counters so far; after close, the final ones. */
  stats(): NativeStats {
    if (this.#handle === null) return this.#final ?? emptyStats();
    return this.#addon.stats(this.#handle);
  }

  /**
   * Stops reading, waits for the capture thread, releases what the addon holds; what was not
   * delivered is discarded and counted. Returns the final counters. Safe to call more than once.
   */
  close(): NativeStats {
    if (this.#handle !== null) {
      const handle = this.#handle;
      this.#handle = null;
      this.#final = this.#addon.close(handle);
    }
    return this.#final ?? emptyStats();
  }

  ref(): void {
    if (this.#handle !== null) this.#addon.ref(this.#handle);
  }

  unref(): void {
    if (this.#handle !== null) this.#addon.unref(this.#handle);
  }

  /**
   * A batch was delivered. It is released to the capture thread (which then may send another)
   * only after this turn of the event loop: Node's threadsafe-function dispatch would otherwise
   * keep handing over batches as fast as the thread sends them, starving timers, sockets (the
   * worker's API) and the finalizers that free delivered batches — memory then grew by the
   * capture rate until the load stopped.
   */
  #delivered(): void {
    this.#unreleased++;
    if (this.#releaseScheduled) return;
    this.#releaseScheduled = true;
    setImmediate(() => {
      this.#releaseScheduled = false;
      const n = this.#unreleased;
      this.#unreleased = 0;
      if (this.#handle !== null) this.#addon.release(this.#handle, n);
    });
  }
}

export function emptyStats(): NativeStats {
  return {
    received: 0,
    dropped: 0,
    interfaceDropped: 0,
    freezes: 0,
    emittedBatches: 0,
    emittedPackets: 0,
    emittedBytes: 0,
    deliveredBatches: 0,
    deliveredPackets: 0,
    queuedPackets: 0,
    discardedPackets: 0,
  };
}
