import { PROBE_LIMIT, type Direction, type DissectOptions, type DissectorSession, type DissectorSpec, type StreamDissector, type Transaction } from '../dissector.js';
import { breakTie, type DissectorRegistry } from '../registry.js';
import type { DissectStats } from '../stats.js';
import type { Flow } from './flow.js';

/** Where finished work goes: transactions of claimed streams, and unclaimed flows. */
export interface StreamOutput {
  transaction(flow: Flow, clientDirection: Direction, t: Transaction): void;
  unclaimedFlow(flow: Flow, clientDirection: Direction): void;
}

/** Bytes held during detection, or (chunk null) a run of bytes known to be lost. */
interface Pending {
  direction: Direction;
  chunk: Buffer | null;
  gapLength: number;
  tsMs: number;
}

const enum State {
  Detecting,
  Claimed,
  Unclaimed,
}

/**
 * Bytes a direction may show before detection gives up on the stream. Detection restarts at
 * each new chunk after a failed probe, so a stream joined in the middle of a message is still
 * recognised at the next message that starts a packet.
 */
const DETECT_LIMIT = 64 * 1024;

/**
 * Owns what happens to a flow's in-order bytes: detection (each dissector's probe on the first
 * bytes of each direction, port hints only to break ties), then the chosen dissector; a stream
 * nobody claims is reported as an L4 flow when it closes, so nothing disappears.
 */
export class StreamHandler implements DissectorSession {
  private state = State.Detecting;
  private dissector: StreamDissector | null = null;
  private pending: Pending[] = [];
  private readonly candidates: [readonly DissectorSpec[], readonly DissectorSpec[]];
  private readonly examined: [number, number] = [0, 0];
  /** Bytes dropped by failed probes; reported as shed only if a dissector claims the stream. */
  private discarded = 0;
  clientDirection: Direction = 0;

  constructor(
    private readonly flow: Flow,
    private readonly registry: DissectorRegistry,
    readonly options: DissectOptions,
    private readonly output: StreamOutput,
    private readonly stats: DissectStats,
  ) {
    const all = registry.forLayer4(flow.layer4);
    this.candidates = [all, all];
    if (all.length === 0) this.state = State.Unclaimed;
    // Until a dissector says otherwise, the opener of the connection is the client.
    if (flow.initiator === 1) this.clientDirection = 1;
  }

  data(direction: Direction, chunk: Buffer, tsMs: number): void {
    if (this.state === State.Claimed) this.dissector!.data(direction, chunk, tsMs);
    else if (this.state === State.Detecting) this.detect(direction, chunk, tsMs);
  }

  gap(direction: Direction, length: number, tsMs: number): void {
    if (this.state === State.Claimed) this.dissector!.gap(direction, length, tsMs);
    else if (this.state === State.Detecting) this.lose(direction, length, tsMs);
  }

  end(direction: Direction, tsMs: number): void {
    if (this.state === State.Claimed) this.dissector!.end(direction, tsMs);
  }

  tick(tsMs: number): void {
    if (this.state === State.Claimed) this.dissector!.tick(tsMs);
  }

  close(tsMs: number): void {
    if (this.state === State.Claimed) {
      this.dissector!.close(tsMs);
      return;
    }
    if (this.flow.initiator >= 0) this.clientDirection = this.flow.initiator as Direction;
    this.output.unclaimedFlow(this.flow, this.clientDirection);
  }

  emit(transaction: Transaction): void {
    this.output.transaction(this.flow, this.clientDirection, transaction);
  }

  upgrade(protocol: string, pending: [Buffer[], Buffer[]]): void {
    const spec = this.registry.byName(protocol);
    if (spec === undefined) {
      this.dissector = null;
      this.state = State.Unclaimed;
      return;
    }
    this.dissector = spec.create(this);
    const ts = this.flow.lastMs;
    for (const direction of [0, 1] as const) {
      for (const chunk of pending[direction]) this.dissector.data(direction, chunk, ts);
    }
  }

  private detect(direction: Direction, chunk: Buffer, tsMs: number): void {
    this.pending.push({ direction, chunk, gapLength: 0, tsMs });
    this.examined[direction] += chunk.length;
    const window = this.window(direction);
    const claimants: DissectorSpec[] = [];
    const undecided: DissectorSpec[] = [];
    let verdictOfClaim: 'client' | 'server' = 'client';
    for (const spec of this.candidates[direction]) {
      const verdict = spec.probe(window);
      if (verdict === 'client' || verdict === 'server') {
        if (claimants.length === 0) verdictOfClaim = verdict;
        claimants.push(spec);
      } else if (verdict === 'more') undecided.push(spec);
    }
    if (claimants.length > 0) {
      const spec = breakTie(claimants, this.flow.aPort, this.flow.bPort);
      const verdict = spec === claimants[0] ? verdictOfClaim : (spec.probe(window) as 'client' | 'server');
      this.claim(spec, verdict === 'client' ? direction : ((1 - direction) as Direction));
      return;
    }
    // A probe that needs more bytes gets them, up to PROBE_LIMIT (dissector.ts): a start line cut
    // by the network's MTU is the normal case, not a reason to give up.
    if (undecided.length > 0 && window.length < PROBE_LIMIT) {
      this.candidates[direction] = undecided;
      return;
    }
    this.restart(direction);
    if (this.examined[0] >= DETECT_LIMIT || this.examined[1] >= DETECT_LIMIT) this.giveUp();
  }

  /** The bytes of `direction` still waiting, as one buffer of at most PROBE_LIMIT bytes. */
  private window(direction: Direction): Buffer {
    const parts: Buffer[] = [];
    let size = 0;
    for (const p of this.pending) {
      if (p.direction !== direction || p.chunk === null) continue;
      parts.push(p.chunk);
      size += p.chunk.length;
      if (size >= PROBE_LIMIT) break;
    }
    // The usual case, a first chunk that settles it, costs no copy.
    if (parts.length === 1) return size > PROBE_LIMIT ? parts[0]!.subarray(0, PROBE_LIMIT) : parts[0]!;
    return Buffer.concat(parts, Math.min(size, PROBE_LIMIT));
  }

  /**
   * Forget this direction's unrecognised bytes; probe again from the next chunk. After a gap
   * they are part of what was lost, so they join the gap the dissector will be told about.
   */
  private restart(direction: Direction): void {
    let dropped = 0;
    let lost: Pending | null = null;
    this.pending = this.pending.filter((p) => {
      if (p.direction !== direction) return true;
      if (p.chunk === null) {
        lost = p;
        return true;
      }
      dropped += p.chunk.length;
      return false;
    });
    if (lost !== null) (lost as Pending).gapLength += dropped;
    else this.discarded += dropped;
    this.candidates[direction] = this.registry.forLayer4(this.flow.layer4);
  }

  /**
   * A gap before any dissector claimed the stream. When the stream was followed from its
   * handshake, the lost bytes are remembered so the dissector hears of them (a lost first
   * request still pairs with its response); after a mid-stream join they are just skipped.
   */
  private lose(direction: Direction, length: number, tsMs: number): void {
    this.restart(direction);
    if (this.flow.initiator < 0) return;
    const marker = this.pending.find((p) => p.direction === direction && p.chunk === null);
    if (marker !== undefined) marker.gapLength += length;
    else this.pending.push({ direction, chunk: null, gapLength: length, tsMs });
  }

  private giveUp(): void {
    this.state = State.Unclaimed;
    this.pending = [];
  }

  private claim(spec: DissectorSpec, clientDirection: Direction): void {
    this.clientDirection = clientDirection;
    this.state = State.Claimed;
    if (this.discarded > 0) this.stats.shed('detect_discarded', this.discarded, 0);
    this.dissector = spec.create(this);
    const replay = this.pending;
    this.pending = [];
    for (const p of replay) {
      // An upgrade during replay switches dissectors: follow it.
      if (this.state !== State.Claimed) return;
      if (p.chunk === null) this.dissector!.gap(p.direction, p.gapLength, p.tsMs);
      else this.dissector!.data(p.direction, p.chunk, p.tsMs);
    }
  }
}
