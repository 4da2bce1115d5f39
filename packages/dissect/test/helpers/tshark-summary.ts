/**
 * `node tshark-summary.js CAPTURE...`: asks tshark, an independent dissector, what HTTP each
 * capture holds and writes it beside the capture as `<name>.tshark.json`; golden.test.ts checks
 * our entries against it. Run by fixtures/generate.sh (tshark is not needed to run the tests).
 *
 * tshark only dissects HTTP on its own well-known ports, so every port that received a SYN is
 * decoded as HTTP (`-d`); out-of-order reassembly is off by default in tshark and turned on.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface TsharkSummary {
  tshark: string;
  /** `METHOD request-target` of every request, in capture order. */
  requests: string[];
  /** Status of every final response (2xx–5xx, and 101 which ends HTTP on the connection). */
  responses: number[];
  /** Interim 1xx statuses other than 101 (100 Continue, 103 Early Hints, …). */
  interim: number[];
}

export function summaryPath(capture: string): string {
  return capture.replace(/\.(pcap|pcapng)$/, '') + '.tshark.json';
}

/** tshark with numeric addresses and ports, its standard output as text. */
export function tshark(args: string[]): string {
  return execFileSync('tshark', ['-n', ...args], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
}

/**
 * The packets tshark shows under `filter` in `capture` (out-of-order segments reassembled), one
 * accessor each: a field's every occurrence in the packet, [] when it has none.
 */
export function tsharkFieldRows<F extends string>(capture: string, filter: string, fields: readonly F[]): Array<(field: F) => string[]> {
  const out = tshark([
    '-r', capture, '-o', 'tcp.reassemble_out_of_order:TRUE', '-Y', filter, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=\u0001',
    ...fields.flatMap((f) => ['-e', f]),
  ]);
  return out
    .split('\n')
    .filter((row) => row !== '')
    .map((row) => {
      const cells = row.split('\t');
      return (field: F): string[] => {
        const v = cells[fields.indexOf(field)] ?? '';
        return v === '' ? [] : v.split('\u0001');
      };
    });
}

function serverPorts(capture: string): number[] {
  const out = tshark(['-r', capture, '-Y', 'tcp.flags.syn == 1 && tcp.flags.ack == 0', '-T', 'fields', '-e', 'tcp.dstport']);
  return [...new Set(out.split('\n').filter((l) => l !== '').map(Number))].sort((a, b) => a - b);
}

export function summarize(capture: string): TsharkSummary {
  const decodeAs = serverPorts(capture).flatMap((p) => ['-d', `tcp.port==${p},http`]);
  // One line per frame; a frame with several messages (pipelining) lists each field's
  // occurrences joined by '|', which no request-target here contains.
  const out = tshark([
    '-r', capture, '-o', 'tcp.reassemble_out_of_order:TRUE', ...decodeAs, '-Y', 'http',
    '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|',
    '-e', 'http.request.method', '-e', 'http.request.uri', '-e', 'http.response.code',
  ]);
  const summary: TsharkSummary = { tshark: version(), requests: [], responses: [], interim: [] };
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const [methods = '', uris = '', codes = ''] = line.split('\t');
    const m = methods === '' ? [] : methods.split('|');
    const u = uris.split('|');
    m.forEach((method, i) => summary.requests.push(`${method} ${u[i] ?? ''}`));
    for (const code of codes === '' ? [] : codes.split('|').map(Number)) {
      if (code >= 100 && code < 200 && code !== 101) summary.interim.push(code);
      else summary.responses.push(code);
    }
  }
  return summary;
}

function version(): string {
  return /TShark \(Wireshark\) (\S+)/.exec(tshark(['--version']))?.[1] ?? 'unknown';
}

function main(files: string[]): void {
  for (const file of files) {
    const s = summarize(file);
    fs.writeFileSync(summaryPath(file), JSON.stringify(s, null, 2) + '\n');
    const name = file.split('/').pop();
    console.log(`${name}: tshark ${s.requests.length} requests, ${s.responses.length} responses, ${s.interim.length} interim`);
  }
}

if (process.argv[1]?.endsWith('tshark-summary.js') === true) main(process.argv.slice(2));
