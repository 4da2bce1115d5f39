import {
  PROBE_LIMIT,
  type Direction,
  type DissectOptions,
  type DissectorSession,
  type DissectorSpec,
  type FlowTransport,
  type ProbeVerdict,
  type StreamDissector,
  type Transaction,
  type UpgradeHandshake,
} from '../dissector.js';
import { breakTie, type DissectorRegistry } from '../registry.js';
import type { DissectStats } from '../stats.js';
import type { Flow, FlowHandler } from './flow.js';
import { MessageSearch } from './message-search.js';
import { WaitingBytes, type LossMarker, type WaitingChunk } from './waiting-bytes.js';

/** Where finished work goes: transactions of claimed streams, and unclaimed flows. */
export interface StreamOutput {
  transaction(flow: Flow, clientDirection: Direction, t: Transaction): void;
  unclaimedFlow(flow: Flow, clientDirection: Direction): void;
}

const enum State {
  Detecting,
  Claimed,
  Unclaimed,
}

/**
 * Bytes a direction may show before detection gives up on the stream. When no probe recognises
 * a direction's first bytes (a stream joined in the middle of a message, garbage, bytes after a
 * loss), the protocols' seekers search the following bytes for the next message start, so a
 * stream is still recognised at its next message wherever the network cut it.
 */
const DETECT_LIMIT = 64 * 1024;

/**
 * Owns what happens to a flow's in-order bytes: detection (each dissector's probe on the first
 * bytes of each direction, port hints only to break ties), then the chosen dissector; a stream
 * nobody claims is reported as an L4 flow when it closes, so nothing disappears.
 */
/**
 * What detection keeps until a dissector claims the stream or it gives up; then it is dropped, so
 * that a claimed flow (there may be a million) holds none of it.
 */
class Detection {
  /** Per direction: what detection holds, from the first byte it has not ruled out. */
  readonly waiting: [WaitingBytes, WaitingBytes] = [new WaitingBytes(), new WaitingBytes()];
  /** Arrival order of held chunks and losses across both directions. */
  seq = 0;
  readonly candidates: [readonly DissectorSpec[], readonly DissectorSpec[]];
  readonly examined: [number, number] = [0, 0];
  /** Per direction: the search for a message start after the probes refused its bytes. */
  readonly searches: [MessageSearch | null, MessageSearch | null] = [null, null];
  /** Bytes dropped by failed probes; reported as shed only if a dissector claims the stream. */
  discarded = 0;

  constructor(all: readonly DissectorSpec[]) {
    this.candidates = [all, all];
  }
}

export class StreamHandler implements DissectorSession, FlowHandler {
  private state = State.Detecting;
  private dissector: StreamDissector | null = null;
  /** While detecting, once bytes must be held: its state (null before and after). */
  private detection: Detection | null = null;
  clientDirection: Direction = 0;

  constructor(
    private readonly flow: Flow,
    private readonly registry: DissectorRegistry,
    readonly options: DissectOptions,
    private readonly output: StreamOutput,
    private readonly stats: DissectStats,
  ) {
    if (registry.forLayer4(flow.layer4).length === 0) this.state = State.Unclaimed;
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

  get layer4(): FlowTransport {
    return this.flow.layer4;
  }

  get ipVersion(): 4 | 6 {
    return this.flow.ipVersion === 6 ? 6 : 4;
  }

  emit(transaction: Transaction): void {
    this.output.transaction(this.flow, this.clientDirection, transaction);
  }

  upgrade(protocol: string, pending: [Buffer[], Buffer[]], handshake?: UpgradeHandshake): void {
    const spec = this.registry.byName(protocol);
    if (spec === undefined) {
      this.dissector = null;
      this.state = State.Unclaimed;
      return;
    }
    this.dissector = spec.create(this, handshake);
    const ts = this.flow.lastMs;
    for (const direction of [0, 1] as const) {
      for (const chunk of pending[direction]) this.dissector.data(direction, chunk, ts);
    }
  }

  /** Detection's state, made when first needed: only called while detecting. */
  private get d(): Detection {
    return (this.detection ??= new Detection(this.registry.forLayer4(this.flow.layer4)));
  }

  private detect(direction: Direction, chunk: Buffer, tsMs: number): void {
    if (this.detection === null && this.claimAlone(direction, chunk, tsMs)) return;
    this.d.examined[direction] += chunk.length;
    this.d.waiting[direction].push(chunk, tsMs, this.d.seq++);
    const search = this.d.searches[direction];
    if (search !== null) {
      const skipped = search.scan(chunk);
      if (skipped === null) {
        this.lookAtChunkStart(direction, chunk);
        return;
      }
      this.d.searches[direction] = null;
      this.drop(direction, skipped);
    }
    this.probeAll(direction);
  }

  /**
   * Ask the probes about the bytes of `direction` waiting from their start. When every probe
   * refuses them, search them for the next message start and ask again there.
   */
  private probeAll(direction: Direction): void {
    for (;;) {
      const window = this.d.waiting[direction].window(PROBE_LIMIT);
      const claimants: DissectorSpec[] = [];
      const undecided: DissectorSpec[] = [];
      let verdictOfClaim: 'client' | 'server' = 'client';
      for (const spec of this.d.candidates[direction]) {
        const verdict = spec.probe(window, this.flow.layer4);
        if (verdict === 'client' || verdict === 'server') {
          if (claimants.length === 0) verdictOfClaim = verdict;
          claimants.push(spec);
        } else if (verdict === 'more') undecided.push(spec);
      }
      if (claimants.length > 0) {
        const spec = breakTie(claimants, this.flow.aPort, this.flow.bPort);
        const verdict = spec === claimants[0] ? verdictOfClaim : (spec.probe(window, this.flow.layer4) as 'client' | 'server');
        this.claim(spec, verdict === 'client' ? direction : ((1 - direction) as Direction));
        return;
      }
      // A probe that needs more bytes gets them, up to PROBE_LIMIT (dissector.ts): a start line cut
      // by the network's MTU is the normal case, not a reason to give up.
      // A UDP datagram is a message of its own: it is probed alone, never joined to the next.
      if (undecided.length > 0 && window.length < PROBE_LIMIT && this.flow.layer4 === 'tcp') {
        this.d.candidates[direction] = undecided;
        return;
      }
      if (!this.refuse(direction)) break;
    }
    this.giveUpAtLimit();
  }

  /**
   * No protocol starts at the waiting bytes of `direction`: search them, from their second byte,
   * for the next message start. True when one was found (the bytes from there wait, to be
   * probed); false when the search goes on with later chunks, or, without seekers, the bytes
   * were dropped.
   */
  private refuse(direction: Direction): boolean {
    const all = this.registry.forLayer4(this.flow.layer4);
    this.d.candidates[direction] = all;
    const waiting = this.d.waiting[direction];
    const search = MessageSearch.of(all);
    if (search === null || waiting.length === 0 || this.flow.layer4 !== 'tcp') {
      this.drop(direction, waiting.length);
      return false;
    }
    this.drop(direction, 1);
    for (const { chunk } of [...waiting.chunks]) {
      const skipped = search.scan(chunk);
      if (skipped !== null) {
        this.drop(direction, skipped);
        return true;
      }
    }
    this.d.searches[direction] = search;
    return false;
  }

  /**
   * During a search, protocols without a seeker still get a look at each chunk's start (the only
   * message boundary they can guess); only a claim counts.
   */
  private lookAtChunkStart(direction: Direction, chunk: Buffer): void {
    for (const spec of this.registry.forLayer4(this.flow.layer4)) {
      if (spec.seeker !== undefined) continue;
      const verdict = spec.probe(chunk.length > PROBE_LIMIT ? chunk.subarray(0, PROBE_LIMIT) : chunk, this.flow.layer4);
      if (verdict !== 'client' && verdict !== 'server') continue;
      this.d.searches[direction] = null;
      this.drop(direction, this.d.waiting[direction].length - chunk.length);
      this.claim(spec, verdict === 'client' ? direction : ((1 - direction) as Direction));
      return;
    }
    this.giveUpAtLimit();
  }

  /**
   * Forget the first `length` waiting bytes of `direction`. After a loss they are part of what
   * was lost, so they join the gap the dissector will be told about; else they are counted.
   */
  private drop(direction: Direction, length: number): void {
    if (length === 0) return;
    const waiting = this.d.waiting[direction];
    waiting.dropFront(length);
    if (waiting.loss !== null) waiting.loss.length += length;
    else this.d.discarded += length;
  }

  /**
   * A gap before any dissector claimed the stream. What waited is cut off by it and the next byte
   * is probed afresh. When the stream was followed from its handshake, the lost bytes are
   * remembered so the dissector hears of them (a lost first request still pairs with its
   * response); after a mid-stream join they are just skipped.
   */
  private lose(direction: Direction, length: number, tsMs: number): void {
    const waiting = this.d.waiting[direction];
    this.d.searches[direction] = null;
    this.drop(direction, waiting.length);
    this.d.candidates[direction] = this.registry.forLayer4(this.flow.layer4);
    if (this.flow.initiator < 0) return;
    if (waiting.loss !== null) waiting.loss.length += length;
    else waiting.loss = { length, tsMs, seq: this.d.seq++ };
  }

  private giveUpAtLimit(): void {
    if (this.d.examined[0] < DETECT_LIMIT && this.d.examined[1] < DETECT_LIMIT) return;
    this.state = State.Unclaimed;
    this.detection = null;
  }

  /**
   * The common case, without holding anything: nothing waits yet and one probe claims this first
   * chunk on its own (every UDP datagram of a new conversation, most TCP streams' first segment).
   * Anything else (no claim, several claimants) goes the long way, which asks the probes again.
   */
  private claimAlone(direction: Direction, chunk: Buffer, tsMs: number): boolean {
    const layer4 = this.flow.layer4;
    const window = chunk.length > PROBE_LIMIT ? chunk.subarray(0, PROBE_LIMIT) : chunk;
    let claimant: DissectorSpec | null = null;
    let verdict: ProbeVerdict = 'no';
    for (const spec of this.registry.forLayer4(layer4)) {
      const v = spec.probe(window, layer4);
      if (v !== 'client' && v !== 'server') continue;
      if (claimant !== null) return false;
      claimant = spec;
      verdict = v;
    }
    if (claimant === null) return false;
    this.handTo(claimant, verdict === 'client' ? direction : ((1 - direction) as Direction));
    this.dissector!.data(direction, chunk, tsMs);
    return true;
  }

  private handTo(spec: DissectorSpec, clientDirection: Direction): void {
    this.clientDirection = clientDirection;
    this.state = State.Claimed;
    this.dissector = spec.create(this);
  }

  private claim(spec: DissectorSpec, clientDirection: Direction): void {
    if (this.d.discarded > 0) this.stats.shed('detect_discarded', this.d.discarded, 0);
    this.handTo(spec, clientDirection);
    // Both directions' held bytes and losses, in the order they came.
    const replay: Array<{ direction: Direction; item: WaitingChunk | LossMarker }> = [];
    for (const direction of [0, 1] as const) {
      const { chunks, loss } = this.d.waiting[direction].takeAll();
      for (const item of chunks) replay.push({ direction, item });
      if (loss !== null) replay.push({ direction, item: loss });
    }
    this.detection = null;
    replay.sort((x, y) => x.item.seq - y.item.seq);
    for (const { direction, item } of replay) {
      // An upgrade during replay switches dissectors: follow it.
      if (this.state !== State.Claimed) return;
      if ('chunk' in item) this.dissector!.data(direction, item.chunk, item.tsMs);
      else this.dissector!.gap(direction, item.length, item.tsMs);
    }
  }
}
