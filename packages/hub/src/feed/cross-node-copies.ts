import type { Entry } from '@shoal/model';

/** Two nodes' clocks and capture points see a call's first byte this far apart at most. */
export const COPY_TOLERANCE_MS = 2000;
/** Calls remembered while waiting for their copy from the other node. */
const MAX_REMEMBERED = 100_000;

interface Seen {
  worker: string;
  ts: number;
  /** Already paired with a copy from another worker. */
  paired: boolean;
}

/**
 * A call between pods on two nodes is captured on both, and each node's worker makes an entry of
 * it: the hub shows it once. Only a call whose ends are named on two different nodes, given by
 * the worker of one of those nodes (workers are named after their node), can have a copy. An
 * entry is a copy when the other node's worker already gave an entry of the same call: the same
 * client and server (address and port: one connection), the same summary and sizes, and a first
 * byte within COPY_TOLERANCE_MS. Each entry pairs with at most one from
 * another worker, so two identical calls on one connection, seen by both nodes, stay two.
 * Memory is bounded: the oldest calls are forgotten first.
 */
export class CrossNodeCopies {
  private readonly seen = new Map<string, Seen[]>();
  /** Keys in the order they were remembered, for forgetting the oldest. */
  private readonly order: string[] = [];
  private orderHead = 0;
  private remembered = 0;
  /** Copies found (and so not shown). */
  copies = 0;

  /** True when `entry` is another worker's copy of a call already given; remembers it otherwise. */
  isCopy(entry: Entry): boolean {
    if (!mayHaveCopy(entry)) return false;
    const key = callKey(entry);
    const list = this.seen.get(key);
    if (list !== undefined) {
      for (const s of list) {
        if (!s.paired && s.worker !== entry.worker && Math.abs(s.ts - entry.timestamp) <= COPY_TOLERANCE_MS) {
          s.paired = true;
          this.copies++;
          return true;
        }
      }
      list.push({ worker: entry.worker, ts: entry.timestamp, paired: false });
    } else this.seen.set(key, [{ worker: entry.worker, ts: entry.timestamp, paired: false }]);
    this.order.push(key);
    if (++this.remembered > MAX_REMEMBERED) this.forgetOldest();
    return false;
  }

  private forgetOldest(): void {
    const key = this.order[this.orderHead++]!;
    const list = this.seen.get(key);
    if (list !== undefined && list.length > 1) list.shift();
    else this.seen.delete(key);
    this.remembered--;
    if (this.orderHead > 4096 && this.orderHead * 2 > this.order.length) {
      this.order.splice(0, this.orderHead);
      this.orderHead = 0;
    }
  }
}

/** True when `entry` can have a copy: its ends are named on two nodes, and its worker is one of them. */
export function mayHaveCopy(entry: Entry): boolean {
  const a = entry.src.node;
  const b = entry.dst.node;
  return a !== undefined && b !== undefined && a !== b && (entry.worker === a || entry.worker === b);
}

/** What a call and its copy have in common (one connection, the same exchange). */
export function callKey(e: Entry): string {
  return `${e.src.ip}|${e.src.port}|${e.dst.ip}|${e.dst.port}|${e.protocol.name}|${e.summary.text}|${e.requestSize}|${e.responseSize}`;
}
