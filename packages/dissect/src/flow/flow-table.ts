import type { Direction } from '../dissector.js';
import type { DecodedPacket } from '../layers/decoded-packet.js';
import type { Flow } from './flow.js';

/**
 * Finds the flow of a packet in either direction without building a string key per packet:
 * a symmetric numeric hash picks a bucket, the bucket's chain is compared field by field.
 */
export class FlowTable {
  private readonly buckets = new Map<number, Flow>();
  /** Every flow in creation order: the idle sweep walks it, eviction takes the oldest. */
  readonly live = new Set<Flow>();
  /** Direction of the packet in the flow the last `find` returned. */
  direction: Direction = 0;

  get size(): number {
    return this.live.size;
  }

  static hash(pkt: DecodedPacket): number {
    const n = pkt.ipVersion === 4 ? 1 : 4;
    // Adding the two endpoint hashes makes A→B and B→A land in the same bucket. 30 bits: a small
    // integer to V8 (a Smi), which a Map hashes and compares without a heap number per packet.
    return ((endpointHash(pkt.src, n, pkt.srcPort) + endpointHash(pkt.dst, n, pkt.dstPort)) ^ pkt.transport) & 0x3fffffff;
  }

  find(pkt: DecodedPacket, hash: number): Flow | null {
    for (let f = this.buckets.get(hash) ?? null; f !== null; f = f.nextInBucket) {
      const d = f.directionOf(pkt);
      if (d >= 0) {
        this.direction = d as Direction;
        return f;
      }
    }
    return null;
  }

  insert(flow: Flow): void {
    flow.nextInBucket = this.buckets.get(flow.hash) ?? null;
    this.buckets.set(flow.hash, flow);
    this.live.add(flow);
  }

  /** A flow no packet belongs to (a byte stream): swept and evicted with the others, never found. */
  track(flow: Flow): void {
    this.live.add(flow);
  }

  remove(flow: Flow): void {
    this.live.delete(flow);
    let f = this.buckets.get(flow.hash) ?? null;
    let prev: Flow | null = null;
    while (f !== null && f !== flow) {
      prev = f;
      f = f.nextInBucket;
    }
    if (f === null) return;
    if (prev === null) {
      if (flow.nextInBucket === null) this.buckets.delete(flow.hash);
      else this.buckets.set(flow.hash, flow.nextInBucket);
    } else prev.nextInBucket = flow.nextInBucket;
    flow.nextInBucket = null;
  }
}

function endpointHash(words: Uint32Array, n: number, port: number): number {
  let h = Math.imul(port + 0x9e3779b9, 0x85ebca6b);
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ words[i]!, 0xcc9e2d51);
    h = (h << 15) | (h >>> 17);
  }
  return h >>> 0;
}
