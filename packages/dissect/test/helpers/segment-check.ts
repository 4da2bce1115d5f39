/**
 * `node segment-check.js CAPTURE [--mss N] [--cut-start-lines N] [--cut-heads N]`: shows, with
 * tshark's reading of the TCP segments (not ours), how the network cut each HTTP/1 message head
 * of a capture, and fails unless the capture has the segmentation a fixture was made for.
 * Run by fixtures/generate.sh on the captures made on a 1500-MTU veth pair (lab/lib/veth-pair.sh):
 * a capture that came out unsegmented (offloads still on, loopback by mistake) would test nothing.
 *
 * For every start line (request line or status line, RFC 9112 §3 and §4) found in a direction's
 * byte stream, it prints how many TCP segments the line and the whole head (up to the
 * empty line) touch. The fixtures' bodies hold no text that looks like a start line.
 *
 *   --mss N             no segment carries more than N payload bytes, and some carry exactly N
 *   --cut-start-lines N at least N start lines are cut across two or more segments
 *   --cut-heads N       at least N heads are cut across two or more segments
 */

import { parseArgs } from 'node:util';
import { tshark } from './tshark-summary.js';

interface Segment {
  seq: number;
  payload: Buffer;
}

interface HeadCut {
  direction: string;
  line: string;
  lineSegments: number;
  headSegments: number;
}

interface SegmentReport {
  /** Largest TCP payload in the capture. */
  largest: number;
  /** Segments with exactly `mss` payload bytes, when an MSS was given. */
  full: number;
  heads: HeadCut[];
}

/** Data segments per direction of each TCP stream ("stream sport>dport"), as tshark reads them. */
function segments(capture: string): Map<string, Segment[]> {
  const out = tshark([
    '-r', capture, '--disable-protocol', 'http', '-Y', 'tcp.len > 0', '-T', 'fields',
    '-e', 'tcp.stream', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'tcp.seq', '-e', 'tcp.payload',
  ]);
  const dirs = new Map<string, Segment[]>();
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const [stream, sport, dport, seq = '', hex = ''] = line.split('\t');
    const key = `${stream} ${sport}>${dport}`;
    const list = dirs.get(key) ?? [];
    list.push({ seq: Number(seq), payload: Buffer.from(hex, 'hex') });
    dirs.set(key, list);
  }
  return dirs;
}

/** Not anchored at a line start: a body without a final newline runs into the next message. */
const START_LINE = /\b(?:[A-Z]+ \S+ HTTP\/1\.[01]|HTTP\/1\.[01] \d{3}(?: [^\r\n]*)?)\r\n/g;

/** How many of the segments (by their start offsets in the stream) the range [from, to) touches. */
function touched(starts: number[], from: number, to: number): number {
  let n = 0;
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i]!;
    const e = starts[i + 1] ?? Infinity;
    if (s < to && e > from) n++;
  }
  return n;
}

function report(capture: string, mss: number): SegmentReport {
  const rep: SegmentReport = { largest: 0, full: 0, heads: [] };
  for (const [direction, list] of segments(capture)) {
    // In sequence order, each byte once: a retransmission adds nothing new.
    list.sort((a, b) => a.seq - b.seq);
    const starts: number[] = [];
    const parts: Buffer[] = [];
    let next = list[0]?.seq ?? 0;
    for (const seg of list) {
      rep.largest = Math.max(rep.largest, seg.payload.length);
      if (seg.payload.length === mss) rep.full++;
      const end = seg.seq + seg.payload.length;
      if (end <= next && starts.length > 0) continue;
      starts.push(Math.max(seg.seq, next) - list[0]!.seq);
      parts.push(seg.payload.subarray(Math.max(0, next - seg.seq)));
      next = end;
    }
    const text = Buffer.concat(parts).toString('latin1');
    for (const m of text.matchAll(START_LINE)) {
      const line = m[0].slice(0, -2);
      const from = m.index;
      const headEnd = text.indexOf('\r\n\r\n', from);
      rep.heads.push({
        direction,
        line: line.length > 60 ? `${line.slice(0, 40)}…(${line.length} bytes)` : line,
        lineSegments: touched(starts, from, from + line.length + 2),
        headSegments: touched(starts, from, headEnd < 0 ? text.length : headEnd + 4),
      });
    }
  }
  return rep;
}

function main(argv: string[]): void {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { mss: { type: 'string' }, 'cut-start-lines': { type: 'string' }, 'cut-heads': { type: 'string' } },
  });
  const [capture] = positionals;
  if (capture === undefined) throw new Error('usage: segment-check.js CAPTURE [--mss N] [--cut-start-lines N] [--cut-heads N]');
  const mss = Number(values.mss ?? 0);
  const rep = report(capture, mss);
  const name = capture.split('/').pop();
  console.log(`${name}: largest TCP payload ${rep.largest} bytes${mss > 0 ? `, ${rep.full} segments of exactly ${mss}` : ''}`);
  for (const h of rep.heads) {
    console.log(`  ${h.direction.padEnd(16)} ${h.line}: start line in ${h.lineSegments} segment(s), head in ${h.headSegments}`);
  }
  const problems: string[] = [];
  if (mss > 0 && (rep.largest > mss || rep.full === 0)) {
    problems.push(`segments should be cut at the MSS, ${mss} bytes: largest ${rep.largest}, ${rep.full} of exactly ${mss}`);
  }
  const cutLines = rep.heads.filter((h) => h.lineSegments > 1).length;
  const cutHeads = rep.heads.filter((h) => h.headSegments > 1).length;
  const wantLines = Number(values['cut-start-lines'] ?? 0);
  const wantHeads = Number(values['cut-heads'] ?? 0);
  if (cutLines < wantLines) problems.push(`${cutLines} start lines cut across segments, wanted at least ${wantLines}`);
  if (cutHeads < wantHeads) problems.push(`${cutHeads} heads cut across segments, wanted at least ${wantHeads}`);
  for (const p of problems) console.error(`segment-check: ${name}: ${p}`);
  if (problems.length > 0) process.exit(1);
}

if (process.argv[1]?.endsWith('segment-check.js') === true) main(process.argv.slice(2));
