#!/usr/bin/env node
// bench/dissect/grpc-measure.mjs: the timing half of bench/dissect/grpc.sh.
//
//   node grpc-measure.mjs --pcap F --port P --calls N --shoal PATH --runs 3 --work DIR
//
// Checks the capture first (untimed): tshark must see N grpc-status header blocks. Then times,
// round robin, best of --runs, wall clock, in the same minimal environment:
//   tshark -r F -d tcp.port==P,http2 -Y grpc -T fields -e grpc.message_length   (gRPC messages)
//   shoal dissect F --format ndjson    (every call in full: messages decoded as protobuf)
//   shoal dissect F --format table     (one line per call)
// and prints calls/s for each and Shoal's ratio over tshark. Shoal must find N gRPC entries, with
// the NOT_FOUND count the load reported.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { timedRun, TOOL_ENV } from './timed-run.mjs';

const { values } = parseArgs({
  options: {
    pcap: { type: 'string' }, port: { type: 'string' }, calls: { type: 'string' }, 'not-found': { type: 'string' },
    shoal: { type: 'string' }, runs: { type: 'string', default: '3' }, work: { type: 'string' },
  },
});
const calls = Number(values.calls);
fs.mkdirSync(values.work, { recursive: true });

const tshark = (args) => execFileSync('tshark', ['-n', ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'], env: TOOL_ENV });
const statuses = tshark(['-r', values.pcap, '-d', `tcp.port==${values.port},http2`, '-Y', 'http2.type == 1', '-T', 'fields', '-e', 'http2.header.name'])
  .split('\n').reduce((n, line) => n + line.split(',').filter((h) => h === 'grpc-status').length, 0);
console.log(`check:   tshark sees ${statuses} grpc-status header blocks for ${calls} calls`);
if (statuses !== calls) process.exit(1);

const run = (name, cmd, args) => timedRun(values.work, name, cmd, args);

const tools = [
  ['tshark', 'tshark', ['-n', '-r', values.pcap, '-d', `tcp.port==${values.port},http2`, '-Y', 'grpc', '-T', 'fields', '-e', 'grpc.message_length']],
  ['shoal-ndjson', values.shoal, ['dissect', values.pcap, '--format', 'ndjson']],
  ['shoal-table', values.shoal, ['dissect', values.pcap, '--format', 'table']],
];
const best = Object.fromEntries(tools.map(([name]) => [name, Infinity]));
for (let r = 0; r < Number(values.runs); r++) {
  for (const [name, cmd, args] of tools) best[name] = Math.min(best[name], await run(name, cmd, args));
}

const entries = fs.readFileSync(path.join(values.work, 'shoal-ndjson.out'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
const grpcEntries = entries.filter((e) => e.protocol.name === 'grpc');
const notFound = grpcEntries.filter((e) => e.response?.grpc?.statusName === 'NOT_FOUND').length;
const ok = grpcEntries.length === calls && notFound === Number(values['not-found']);
console.log(`check:   shoal found ${grpcEntries.length} gRPC entries (${notFound} NOT_FOUND) of ${entries.length}: ${ok ? 'PASS' : 'FAIL'}`);
console.log('');
console.log('tool           best s    calls/s   vs tshark');
for (const [name] of tools) {
  const rate = calls / best[name];
  console.log(`${name.padEnd(14)} ${best[name].toFixed(3).padStart(6)} ${Math.round(rate).toString().padStart(10)}   ${name === 'tshark' ? '' : `${(best.tshark / best[name]).toFixed(1)}x`}`);
}
fs.writeFileSync(path.join(values.work, 'result.json'), JSON.stringify({ calls, best, pass: ok }, null, 2) + '\n');
process.exit(ok ? 0 : 1);
