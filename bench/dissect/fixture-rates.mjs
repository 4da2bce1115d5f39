#!/usr/bin/env node
// bench/dissect/fixture-rates.mjs: entries per second of `shoal dissect` for each data-plane
// protocol (issue 18, point 10), and tshark on the same file in the same run.
//
//   node bench/dissect/fixture-rates.mjs [--repeat 300] [--runs 3] [--protocols kafka,mongodb,...]
//
// The traffic is the protocol's fixture captures (packages/dissect/test/fixtures/<protocol>/:
// real clients against real servers, or, for Kafka and MongoDB, real clients against responders
// built with maintained encoders; see each folder's README), the TLS ones left out, put one after
// the other and the whole repeated REPEAT times, each copy's times moved past the last's
// (editcap -t, mergecap -a: Wireshark's own tools), into bench/out/dissect/fixture-rates/. A
// copy's connections are new connections (their handshakes are there), so nothing pairs across
// copies. Then, round robin, best of RUNS, wall clock:
//   shoal dissect F --format ndjson | table
//   tshark -n -o tcp.analyze_sequence_numbers:FALSE -d tcp.port==SERVER,PROTOCOL -r F -Y PROTOCOL
//        -T fields -e frame.number
//        (every packet tshark gives to the protocol's dissector, one line each; without sequence
//        analysis, which would take the copies for retransmissions of the first)
// Shoal counts entries, tshark packets of the protocol: the ratio is of times, on the same file.
// Needs node, editcap, mergecap and capinfos (wireshark-common, installed with tshark) and a
// build (`make build`). Writes nothing outside bench/out/.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { timedRun } from './timed-run.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = path.join(ROOT, 'packages', 'dissect', 'test', 'fixtures');
/** Each protocol's tshark display filter (Wireshark's dissector names). */
const TSHARK_FILTER = { kafka: 'kafka', mongodb: 'mongo', mysql: 'mysql', postgresql: 'pgsql', redis: 'resp', mqtt: 'mqtt', amqp: 'amqp' };

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '300' },
    runs: { type: 'string', default: '3' },
    protocols: { type: 'string', default: Object.keys(TSHARK_FILTER).join(',') },
  },
});
const repeat = Number(values.repeat);
const runs = Number(values.runs);
if (!Number.isInteger(repeat) || repeat < 1 || !Number.isInteger(runs) || runs < 1) throw new Error('--repeat and --runs are whole numbers > 0');
const shoal = path.join(ROOT, 'bin', 'shoal');
const out = path.join(ROOT, 'bench', 'out', 'dissect', 'fixture-rates');
fs.mkdirSync(out, { recursive: true });

const run = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
/** A capture's first and last packet times, epoch seconds. */
function span(file) {
  const [, start, end] = run('capinfos', ['-a', '-e', '-S', '-T', '-r', file]).trim().split('\t');
  return [Number(start), Number(end)];
}

/** The protocol's fixtures one after the other, then that REPEAT times: one capture file. */
function build(protocol) {
  const target = path.join(out, `${protocol}-x${repeat}.pcapng`);
  if (fs.existsSync(target)) return target;
  const dir = path.join(FIXTURES, protocol);
  const files = fs.readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f) && !f.includes('tls')).sort().map((f) => path.join(dir, f));
  const work = fs.mkdtempSync(path.join(out, `${protocol}-`));
  try {
    // One copy: each file moved to start 1 s after the previous one ended.
    let at = 1_800_000_000;
    const shifted = files.map((f, i) => {
      const [start, end] = span(f);
      const to = path.join(work, `part-${i}.pcapng`);
      run('editcap', ['-F', 'pcapng', '-t', String(at - start), f, to]);
      at += end - start + 1;
      return to;
    });
    const unit = path.join(work, 'unit.pcapng');
    run('mergecap', ['-a', '-F', 'pcapng', '-w', unit, ...shifted]);
    const unitSpan = at - 1_800_000_000;
    const copies = [];
    for (let i = 0; i < repeat; i++) {
      const copy = path.join(work, `copy-${i}.pcapng`);
      run('editcap', ['-t', String(i * unitSpan), unit, copy]);
      copies.push(copy);
    }
    run('mergecap', ['-a', '-F', 'pcapng', '-w', `${target}.part`, ...copies]);
    fs.renameSync(`${target}.part`, target);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return target;
}

const lines = (file) => {
  const text = fs.readFileSync(file, 'utf8');
  return text === '' ? 0 : text.split('\n').length - 1;
};

const protocols = values.protocols.split(',').filter((p) => fs.existsSync(path.join(FIXTURES, p)));
console.log(`fixture-rates: ${protocols.join(', ')}; each protocol's fixtures x${repeat}, best of ${runs}, load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
console.log(`${'protocol'.padEnd(12)}${'capture'.padStart(10)}${'entries'.padStart(10)}${'ndjson s'.padStart(10)}${'table s'.padStart(9)}${'tshark s'.padStart(10)}${'entries/s (table)'.padStart(19)}  tshark/shoal (ndjson, table)`);
for (const protocol of protocols) {
  const file = build(protocol);
  const work = fs.mkdtempSync(path.join(out, 'run-'));
  const best = { ndjson: Infinity, table: Infinity, tshark: Infinity };
  // Decode-as the servers' ports: tshark names some of these protocols by port only.
  const ports = [...new Set(run('tshark', ['-n', '-r', file, '-Y', 'tcp.flags.syn == 1 && tcp.flags.ack == 0', '-T', 'fields', '-e', 'tcp.dstport']).split('\n').filter((p) => p !== ''))];
  const decodeAs = ports.flatMap((p) => ['-d', `tcp.port==${p},${TSHARK_FILTER[protocol]}`]);
  const tools = {
    ndjson: [process.execPath, [shoal, 'dissect', file, '--format', 'ndjson']],
    table: [process.execPath, [shoal, 'dissect', file, '--format', 'table']],
    // Without sequence analysis: it would take each copy's segments, which repeat the first copy's
    // sequence numbers on the same ports, for retransmissions, and not dissect them.
    tshark: ['tshark', ['-n', '-o', 'tcp.analyze_sequence_numbers:FALSE', ...decodeAs, '-r', file, '-Y', TSHARK_FILTER[protocol], '-T', 'fields', '-e', 'frame.number']],
  };
  for (let r = 0; r < runs; r++) {
    for (const [name, [cmd, args]] of Object.entries(tools)) best[name] = Math.min(best[name], await timedRun(work, name, cmd, args));
  }
  const entries = lines(path.join(work, 'ndjson.out'));
  const mb = (fs.statSync(file).size / 1e6).toFixed(1);
  const ratio = (t) => `${(best.tshark / t).toFixed(1)}×`;
  console.log(
    `${protocol.padEnd(12)}${`${mb} MB`.padStart(10)}${String(entries).padStart(10)}${best.ndjson.toFixed(3).padStart(10)}${best.table.toFixed(3).padStart(9)}${best.tshark.toFixed(3).padStart(10)}${Math.round(entries / best.table).toLocaleString('en-US').padStart(19)}  ${ratio(best.ndjson)}, ${ratio(best.table)}  (tshark: ${lines(path.join(work, 'tshark.out'))} packets)`,
  );
  fs.rmSync(work, { recursive: true, force: true });
}
