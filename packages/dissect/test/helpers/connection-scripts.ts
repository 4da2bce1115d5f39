/**
 * Each TCP connection of a real capture as a replay script (split-replay.ts): consecutive
 * segments of one direction joined into one data step (timed by the first), the client (sender
 * of the bare SYN) as direction 0, and a close after the last. Only connections whose handshake
 * the capture holds are kept.
 */

import { isData, readCapture, tcpView } from './capture-rewrite.js';
import { c, close, gap, s, type Step } from './split-replay.js';

const SYN = 0x02;
const ACK = 0x10;

export function connections(file: string): Step[][] {
  const scripts = new Map<string, { client: string; steps: Step[]; last: string; ts: number }>();
  for (const p of readCapture(file)) {
    const v = tcpView(p);
    if (v === null) continue;
    const [from, to] = v.direction.split('>');
    const key = [from, to].sort().join('|');
    if ((v.flags & (SYN | ACK)) === SYN) scripts.set(key, { client: v.direction, steps: [], last: '', ts: 0 });
    const conn = scripts.get(key);
    if (conn === undefined || !isData(v)) continue;
    const bytes = p.data.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength);
    const prev = conn.steps[conn.steps.length - 1];
    conn.ts = p.tsMs;
    if (prev !== undefined && prev.kind === 'data' && conn.last === v.direction) {
      prev.bytes = Buffer.concat([prev.bytes, bytes]);
      continue;
    }
    conn.steps.push(v.direction === conn.client ? c(p.tsMs, bytes) : s(p.tsMs, bytes));
    conn.last = v.direction;
  }
  return [...scripts.values()].map((conn) => [...conn.steps, close(conn.ts + 1)]);
}

/** The script's data up to `limit` bytes (the last step cut there), then a close. */
export function firstBytes(script: readonly Step[], limit: number): Step[] {
  const out: Step[] = [];
  let total = 0;
  for (const step of script) {
    if (step.kind !== 'data') continue;
    const take = Math.min(step.bytes.length, limit - total);
    out.push({ ...step, bytes: step.bytes.subarray(0, take) });
    total += take;
    if (total === limit) break;
  }
  const last = out[out.length - 1]!;
  return [...out, close(last.ts + 1)];
}

/** How `damaged` breaks a connection. */
export interface Damage {
  /** Keep only the first steps (all when absent). */
  steps?: number;
  /** Bytes replaced in each data step picked (about one in two). */
  flips: number;
  /** The loss goes among the steps from this one to four after. */
  lossFrom: number;
  /** Its length: 1 to this many bytes, on a random side. */
  lossMax: number;
  /** Its capture time. */
  lossTs: number;
}

/** A real connection with random bytes replaced and one loss: what a robustness test replays. */
export function damaged(rnd: () => number, connection: readonly Step[], d: Damage): Step[] {
  const script = (d.steps === undefined ? connection : connection.slice(0, d.steps)).map((st) => {
    if (st.kind !== 'data' || rnd() < 0.5) return st;
    const bytes = Buffer.from(st.bytes);
    for (let k = 0; k < d.flips; k++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
    return { ...st, bytes };
  });
  script.splice(d.lossFrom + Math.floor(rnd() * 5), 0, gap(rnd() < 0.5 ? 0 : 1, 1 + Math.floor(rnd() * d.lossMax), d.lossTs));
  return script;
}
