/**
 * Replays a scripted capture (data, gaps, ends, ticks, close) into a fresh, empty flow, and
 * checks that cutting the data into different chunks never changes the outcome: every split
 * position of every data step (or seeded random cuts for long scripts), plus one run in one-byte
 * chunks. Detail `summary` must give the same outcome without header fields and bodies.
 *
 * Every replay starts where a real connection starts: at detection (the engine's StreamHandler
 * with only the dissector under test registered), so each probe sees the first chunk alone,
 * however it was cut. A split that leaves detection undecided, or makes it give up, changes
 * the outcome and fails the test.
 */

import assert from 'node:assert/strict';
import type { Direction, DissectOptions, DissectorSpec, Transaction, UpgradeHandshake } from '../../dist/dissector.js';
import { Flow } from '../../dist/flow/flow.js';
import { StreamHandler, type StreamOutput } from '../../dist/flow/stream-handler.js';
import { DecodedPacket, IpProtocol } from '../../dist/layers/decoded-packet.js';
import { DissectorRegistry } from '../../dist/registry.js';
import { DissectStats } from '../../dist/stats.js';
import { defaultTestOptions, type RecordedUpgrade } from './recording-session.js';
import { asSummaryDetail } from './summary-detail.js';

export type Step =
  | { kind: 'data'; dir: Direction; bytes: Buffer; ts: number }
  | { kind: 'gap'; dir: Direction; length: number; ts: number }
  | { kind: 'end'; dir: Direction; ts: number }
  | { kind: 'tick'; ts: number }
  | { kind: 'close'; ts: number };

const toBuf = (b: Buffer | string): Buffer => (typeof b === 'string' ? Buffer.from(b, 'latin1') : b);

/** Client-to-server bytes (direction 0). */
export const c = (ts: number, bytes: Buffer | string): Step => ({ kind: 'data', dir: 0, bytes: toBuf(bytes), ts });
/** Server-to-client bytes (direction 1). */
export const s = (ts: number, bytes: Buffer | string): Step => ({ kind: 'data', dir: 1, bytes: toBuf(bytes), ts });
export const gap = (dir: Direction, length: number, ts: number): Step => ({ kind: 'gap', dir, length, ts });
export const end = (dir: Direction, ts: number): Step => ({ kind: 'end', dir, ts });
export const tick = (ts: number): Step => ({ kind: 'tick', ts });
export const close = (ts: number): Step => ({ kind: 'close', ts });

export interface Outcome {
  /** Emitted transactions, as JSON would carry them. */
  transactions: Transaction[];
  /** No dissector claimed the stream: the engine would report it as an L4 flow. */
  unclaimed: boolean;
  /** Bytes detection dropped before a dissector claimed the stream (stats `detect_discarded`). */
  detectDiscarded: number;
  /**
   * Upgrade calls to a protocol not among the replay's dissectors, with pending bytes per
   * direction joined and shown as latin1. Data that the script delivers after the upgrade is
   * appended, as the session would route it to the new protocol: so the handed-over byte stream
   * is comparable across chunkings. An upgrade to a protocol that is among them is followed: its
   * dissector gets the stream, and its transactions are in `transactions`.
   */
  upgrades: Array<{ protocol: string; pending: [string, string] }>;
}

/** How to cut the bytes of data step `index`; return the pieces in order. */
export type Cutter = (index: number, bytes: Buffer) => Buffer[];

/** A stream handler that records hand-overs to protocols it does not have, and follows the others. */
class RecordingHandler extends StreamHandler {
  readonly upgrades: RecordedUpgrade[] = [];

  constructor(
    private readonly followed: ReadonlySet<string>,
    ...args: ConstructorParameters<typeof StreamHandler>
  ) {
    super(...args);
  }

  override upgrade(protocol: string, pending: [Buffer[], Buffer[]], handshake?: UpgradeHandshake): void {
    if (this.followed.has(protocol)) {
      super.upgrade(protocol, pending, handshake);
      return;
    }
    this.upgrades.push({ protocol, pending });
    super.upgrade(protocol, [[], []]);
  }
}

/** A flow from 10.0.0.1:40000 (direction 0, which opened it) to 10.0.0.2:8080. */
function emptyFlow(layer4: 'tcp' | 'udp'): Flow {
  const transport = layer4 === 'tcp' ? IpProtocol.TCP : IpProtocol.UDP;
  const pkt = new DecodedPacket();
  pkt.ipVersion = 4;
  pkt.transport = transport;
  pkt.src[0] = 0x0a000001;
  pkt.dst[0] = 0x0a000002;
  pkt.srcPort = 40000;
  pkt.dstPort = 8080;
  const flow = new Flow(1, 0, 4, transport, pkt, 0);
  flow.initiator = 0;
  return flow;
}

/**
 * Replay `script` into a fresh flow where `specs` (one dissector, or several) are registered. A
 * UDP flow takes each data piece as one datagram.
 */
export function replay(
  specs: DissectorSpec | readonly DissectorSpec[],
  script: readonly Step[],
  options: Partial<DissectOptions> = {},
  cut: Cutter = (_i, b) => [b],
  layer4: 'tcp' | 'udp' = 'tcp',
): Outcome {
  const transactions: Transaction[] = [];
  let unclaimed = false;
  const output: StreamOutput = {
    transaction: (_flow, _client, t) => transactions.push(t),
    unclaimedFlow: () => (unclaimed = true),
  };
  const flow = emptyFlow(layer4);
  const stats = new DissectStats();
  const list: readonly DissectorSpec[] = Array.isArray(specs) ? specs : [specs as DissectorSpec];
  const d = new RecordingHandler(new Set(list.map((spec) => spec.name)), flow, new DissectorRegistry(list), { ...defaultTestOptions, ...options }, output, stats);
  script.forEach((step, i) => {
    if (step.kind !== 'data') flow.lastMs = step.ts;
    switch (step.kind) {
      case 'data':
        for (const piece of cut(i, step.bytes)) {
          flow.lastMs = step.ts;
          const up = d.upgrades[0];
          if (up !== undefined) up.pending[step.dir].push(piece);
          else d.data(step.dir, piece, step.ts);
        }
        break;
      case 'gap':
        d.gap(step.dir, step.length, step.ts);
        break;
      case 'end':
        d.end(step.dir, step.ts);
        break;
      case 'tick':
        d.tick(step.ts);
        break;
      case 'close':
        d.close(step.ts);
        break;
    }
  });
  return {
    transactions: JSON.parse(JSON.stringify(transactions)) as Transaction[],
    unclaimed,
    detectDiscarded: stats.shedBytes.get('detect_discarded') ?? 0,
    upgrades: d.upgrades.map((u) => ({
      protocol: u.protocol,
      pending: [Buffer.concat(u.pending[0]).toString('latin1'), Buffer.concat(u.pending[1]).toString('latin1')],
    })),
  };
}

/** Mulberry32: small seeded PRNG, so failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cutAt(bytes: Buffer, positions: number[]): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const p of positions) {
    if (p > from && p < bytes.length) {
      out.push(bytes.subarray(from, p));
      from = p;
    }
  }
  out.push(bytes.subarray(from));
  return out;
}

/** Total data bytes above which every-position splitting gives way to random cuts. */
const EXHAUSTIVE_LIMIT = 6000;

/**
 * Replay `script` whole, then cut in many other ways, asserting every run gives the same
 * outcome. Returns the outcome for the test's own assertions.
 */
export function replayAllSplits(
  spec: DissectorSpec | readonly DissectorSpec[],
  script: readonly Step[],
  options: Partial<DissectOptions> = {},
): Outcome {
  const whole = replay(spec, script, options);
  if (options.detail !== 'summary') {
    const summary = replay(spec, script, { ...options, detail: 'summary' });
    assert.deepStrictEqual(summary, { ...whole, transactions: asSummaryDetail(whole.transactions) }, 'detail summary differs');
  }
  const dataSteps = script.flatMap((st, i) => (st.kind === 'data' ? [i] : []));
  const total = dataSteps.reduce((n, i) => n + (script[i] as { bytes: Buffer }).bytes.length, 0);

  const bytewise = replay(spec, script, options, (_i, b) => cutAt(b, Array.from({ length: b.length }, (_, k) => k + 1)));
  assert.deepStrictEqual(bytewise, whole, 'one-byte chunks changed the outcome');

  if (total <= EXHAUSTIVE_LIMIT) {
    for (const idx of dataSteps) {
      const len = (script[idx] as { bytes: Buffer }).bytes.length;
      for (let p = 1; p < len; p++) {
        const got = replay(spec, script, options, (i, b) => (i === idx ? cutAt(b, [p]) : [b]));
        assert.deepStrictEqual(got, whole, `split of step ${idx} at byte ${p} changed the outcome`);
      }
    }
  } else {
    const rnd = prng(total);
    for (let round = 0; round < 200; round++) {
      const got = replay(spec, script, options, (_i, b) => {
        const cuts = 1 + Math.floor(rnd() * 8);
        const positions = Array.from({ length: cuts }, () => 1 + Math.floor(rnd() * (b.length - 1))).sort((x, y) => x - y);
        return cutAt(b, positions);
      });
      assert.deepStrictEqual(got, whole, `random cut round ${round} changed the outcome`);
    }
  }
  return whole;
}
