#!/usr/bin/env node
// bench/dissect/measure.mjs: the Node half of bench/dissect (driven by run.sh).
//
//   node measure.mjs verify --pcap F --port P --expect N --meta OUT.json [--mss M] [facts...]
//       One untimed tshark pass that pairs every HTTP response with its request
//       (http.request_in), builds the reference (method, status) histogram,
//       counts the TCP segments each request and response spans, checks the
//       capture holds exactly N request/response pairs (and, with --mss, that
//       no segment is larger than M and some requests span several), and
//       writes the capture's metadata (the cache entry) to OUT.json.
//
//   node measure.mjs bench --pcap F --meta M.json --shoal PATH --runs 3 --work DIR
//       Times tshark, httpry and `shoal dissect --format ndjson` on the capture
//       (wall clock, best of --runs, round robin), prints transactions/s and the
//       ratios, and compares Shoal's (method, status) histogram with tshark's.
//
//   node measure.mjs compare RESULT.json...
//       The figures of several captures measured in one run (bench's
//       result.json files), one line each.
//
// Nothing here touches the network; only local files and local tools.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';

const TARGET_VS_TSHARK = 12;
const TARGET_VS_HTTPRY = 1.3;

// ---------------------------------------------------------------------------
// process plumbing

/** The tool currently running, so a signal to us does not orphan it. */
let current = null;
for (const [sig, num] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
  process.on(sig, () => {
    if (current && current.exitCode === null && current.signalCode === null) {
      try { process.kill(current.pid, 'SIGTERM'); } catch { /* already gone */ }
    }
    process.exit(128 + num);
  });
}

function parseArgs(argv) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const key = a.slice(2);
      const val = argv[i + 1];
      if (val === undefined || val.startsWith('--')) { out[key] = 'true'; } else { out[key] = val; i++; }
    } else {
      out._.push(a);
    }
  }
  return out;
}

function need(args, key) {
  if (args[key] === undefined) { fail(`missing --${key}`); }
  return args[key];
}

function fail(msg) {
  console.error(`measure.mjs: ${msg}`);
  process.exit(2);
}

/**
 * Every tool runs in the same minimal environment, not the caller's: variables such as
 * NODE_OPTIONS or NODE_EXTRA_CA_CERTS (which alone adds ~40 ms to each Node start on the
 * machines we measured) would otherwise change one tool's figures and not the others'.
 */
const TOOL_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', LANG: 'C.UTF-8' };

/** Run cmd with stdout/stderr sent to files; resolves with exit status and wall seconds. */
function run(cmd, args, stdoutPath, stderrPath) {
  const outFd = fs.openSync(stdoutPath, 'w');
  const errFd = fs.openSync(stderrPath, 'w');
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', outFd, errFd], env: TOOL_ENV });
    current = child;
    let settled = false;
    const finish = (res) => {
      if (settled) return;
      settled = true;
      current = null;
      fs.closeSync(outFd);
      fs.closeSync(errFd);
      resolve(res);
    };
    child.on('error', (err) => finish({ code: -1, signal: null, seconds: NaN, error: err.message }));
    child.on('exit', (code, signal) => finish({ code, signal, seconds: (performance.now() - t0) / 1000 }));
  });
}

async function* lines(file) {
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) yield line;
}

function tail(file, n = 15) {
  try {
    const t = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return t.slice(-n).map((l) => `    | ${l}`).join('\n');
  } catch { return '    | (no output)'; }
}

const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const key = (method, status) => `${method ?? '-'} ${status ?? '-'}`;
function bump(map, k, by = 1) { map[k] = (map[k] ?? 0) + by; }
function sortedKeys(...maps) {
  return [...new Set(maps.flatMap((m) => Object.keys(m ?? {})))].sort();
}

// ---------------------------------------------------------------------------
// verify: reference histogram from one pairing tshark pass

async function verify(args) {
  const pcap = need(args, 'pcap');
  const port = need(args, 'port');
  const expect = Number(need(args, 'expect'));
  const metaPath = need(args, 'meta');
  const workDir = path.dirname(metaPath);
  const outFile = path.join(workDir, 'verify.tshark.tsv');
  const errFile = path.join(workDir, 'verify.tshark.err');

  console.log('verify: pairing tshark pass (untimed: frame.number, http.request_in) ...');
  const res = await run('tshark', [
    '-r', pcap, '-n', '-d', `tcp.port==${port},http`, '-Y', 'http', '-T', 'fields',
    '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,',
    '-e', 'frame.number', '-e', 'http.request.method', '-e', 'http.response.code', '-e', 'http.request_in',
    '-e', 'tcp.len', '-e', 'tcp.segment.count',
  ], outFile, errFile);
  if (res.code !== 0) {
    console.error(`verify: tshark exited with ${res.code ?? res.signal}\n${tail(errFile)}`);
    process.exit(1);
  }

  const reqByFrame = new Map(); // frame -> methods not yet answered
  let requests = 0;
  let responses = 0;
  const hist = {};
  const orphanResponses = [];
  // Segments per message: tshark names them (tcp.segment.count) in the frame that completes a
  // message it had to reassemble; a message in one segment has none. wrk does not pipeline, so a
  // frame completes at most one message. tcp.len of that last frame is at most the MSS when
  // the network segments, and the whole message when it does not (loopback).
  const segments = { requests: {}, responses: {}, largestLastSegment: 0 };
  for await (const line of lines(outFile)) {
    if (!line) continue;
    const [frame, methods, codes, reqIns, tcpLen, segCount] = line.split('\t');
    const spans = Number((segCount || '1').split(',')[0]);
    if (methods) bump(segments.requests, spans);
    if (codes) bump(segments.responses, spans);
    segments.largestLastSegment = Math.max(segments.largestLastSegment, Number(tcpLen || 0));
    for (const m of methods ? methods.split(',') : []) {
      requests++;
      if (!reqByFrame.has(frame)) reqByFrame.set(frame, []);
      reqByFrame.get(frame).push(m);
    }
    const cs = codes ? codes.split(',') : [];
    const ins = reqIns ? reqIns.split(',') : [];
    cs.forEach((c, i) => {
      responses++;
      const pending = ins[i] !== undefined ? reqByFrame.get(ins[i]) : undefined;
      const m = pending && pending.length ? pending.shift() : undefined;
      if (m === undefined) orphanResponses.push(frame);
      bump(hist, key(m, Number(c)));
    });
  }
  let unanswered = 0;
  for (const ms of reqByFrame.values()) for (const m of ms) { unanswered++; bump(hist, key(m, undefined)); }
  fs.rmSync(outFile, { force: true });
  fs.rmSync(errFile, { force: true });

  console.log(`verify: tshark sees ${fmtInt(requests)} requests, ${fmtInt(responses)} responses, ` +
    `${unanswered} unanswered requests, ${orphanResponses.length} responses without a request, in ${res.seconds.toFixed(1)}s`);
  for (const k of sortedKeys(hist)) console.log(`    ${k.padEnd(12)} ${fmtInt(hist[k]).padStart(10)}`);
  console.log(`verify: ${segmentLine(segments)}`);

  const problems = [];
  const mss = args.mss !== undefined ? Number(args.mss) : undefined;
  if (mss !== undefined) {
    if (segments.largestLastSegment > mss) {
      problems.push(`a segment of ${segments.largestLastSegment} bytes is larger than the MSS (${mss}): are TSO/GSO/GRO still on?`);
    }
    if (perMessage(segments.requests) <= 1) problems.push('no request spans more than one segment');
  }
  if (responses !== expect) problems.push(`expected ${expect} responses, tshark sees ${responses}`);
  if (requests !== expect) problems.push(`expected ${expect} requests, tshark sees ${requests}`);
  if (unanswered || orphanResponses.length) problems.push('requests and responses do not pair one to one');
  if (problems.length) {
    console.error(`verify: capture rejected: ${problems.join('; ')}`);
    process.exit(1);
  }

  const genStartedMs = args['gen-started-ms'] ? Number(args['gen-started-ms']) : undefined;
  const meta = {
    transactions: expect,
    file: path.basename(args['final-name'] ?? pcap),
    bytes: fs.statSync(pcap).size,
    packets: Number(args.packets),
    droppedByKernel: Number(args.dropped),
    port: Number(port),
    connections: Number(args.connections),
    loadSeconds: Number(args['load-seconds']),
    verifySeconds: Number(res.seconds.toFixed(3)),
    generationSeconds: genStartedMs ? Number(((Date.now() - genStartedMs) / 1000).toFixed(3)) : undefined,
    generatedAt: new Date().toISOString(),
    tools: args.tools ?? undefined,
    kind: args.kind ?? undefined,
    mss,
    segments,
    tshark: { requests, responses, histogram: hist },
  };
  fs.writeFileSync(metaPath, JSON.stringify(meta, null, 2) + '\n');
}

/** Mean segments per message from a {segments: count} histogram. */
function perMessage(h) {
  let n = 0;
  let sum = 0;
  for (const [k, v] of Object.entries(h)) { n += v; sum += Number(k) * v; }
  return n > 0 ? sum / n : 0;
}

/** "segments per request 2.15 (1: 5%, 2: 85%, 3: 10%), per response …, largest …". */
function segmentLine(seg) {
  const one = (h) => {
    const n = Object.values(h).reduce((a, b) => a + b, 0);
    const parts = Object.keys(h).map(Number).sort((a, b) => a - b)
      .map((k) => `${k}: ${((100 * h[k]) / n).toFixed(1)}%`);
    return `${perMessage(h).toFixed(2)} (${parts.join(', ')})`;
  };
  return `TCP segments per request ${one(seg.requests)}; per response ${one(seg.responses)}; ` +
    `largest segment ending a message ${fmtInt(seg.largestLastSegment)} bytes`;
}

// ---------------------------------------------------------------------------
// counting each tool's output

/** tshark -T fields -e http.request.method -e http.response.code: one line per HTTP frame. */
async function countTshark(file) {
  let requests = 0;
  let responses = 0;
  const methods = {};
  const statuses = {};
  for await (const line of lines(file)) {
    if (!line) continue;
    const [m, c] = line.split('\t');
    if (m) { for (const x of m.split(',')) { requests++; bump(methods, x); } }
    if (c) { for (const x of c.split(',')) { responses++; bump(statuses, x); } }
  }
  return { requests, responses, methods, statuses };
}

/**
 * httpry default format: tab-separated
 * timestamp, source-ip, dest-ip, direction ('>' request, '<' response),
 * method, host, request-uri, http-version, status-code, reason-phrase.
 * Comment/banner lines start with '#'.
 */
async function countHttpry(file) {
  let requests = 0;
  let responses = 0;
  const methods = {};
  const statuses = {};
  for await (const line of lines(file)) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split('\t');
    if (f[3] === '>') { requests++; bump(methods, f[4]); } else if (f[3] === '<') { responses++; bump(statuses, f[8]); }
  }
  return { requests, responses, methods, statuses };
}

/** shoal dissect --format ndjson: one Entry per line. */
async function countShoal(file) {
  let entries = 0;
  let http = 0;
  let responses = 0;
  let bad = 0;
  const hist = {};
  for await (const line of lines(file)) {
    if (!line.trim()) continue;
    entries++;
    let e;
    try { e = JSON.parse(line); } catch { bad++; continue; }
    if (e?.protocol?.name !== 'http') continue;
    http++;
    const status = e.summary?.status;
    if (status !== undefined && status !== null) responses++;
    bump(hist, key(e.summary?.method ?? undefined, status ?? undefined));
  }
  return { entries, http, responses, unparsable: bad, hist };
}

/**
 * shoal dissect --format table: a header line, then one line per entry, its last column the
 * response's size (the summary column is cut short, so a long URL hides the status).
 */
async function countShoalTable(file) {
  let entries = -1;
  let http = 0;
  let responses = 0;
  for await (const line of lines(file)) {
    if (!line.trim()) continue;
    entries++;
    if (entries === 0) continue;
    if (!/\sHTTP\s/.test(line)) continue;
    http++;
    if (Number(line.trimEnd().split(/\s+/).pop()) > 0) responses++;
  }
  return { entries, http, responses, unparsable: 0 };
}

// ---------------------------------------------------------------------------
// bench

async function bench(args) {
  const pcap = need(args, 'pcap');
  const meta = JSON.parse(fs.readFileSync(need(args, 'meta'), 'utf8'));
  const shoal = args.shoal;
  const runs = Math.max(1, Number(args.runs ?? 3));
  const workDir = need(args, 'work');
  const strict = args.strict === '1' || args.strict === 'true';
  fs.mkdirSync(workDir, { recursive: true });

  const port = meta.port;
  const out = (name) => path.join(workDir, `${name}.out`);
  const err = (name) => path.join(workDir, `${name}.err`);

  const tools = [
    {
      name: 'tshark',
      cmd: 'tshark',
      // -d: nginx listens on an arbitrary free port, which tshark does not
      // decode as HTTP by itself (httpry gets the port as its BPF filter).
      args: ['-r', pcap, '-d', `tcp.port==${port},http`, '-Y', 'http', '-T', 'fields',
        '-e', 'http.request.method', '-e', 'http.response.code'],
      count: countTshark,
    },
    {
      name: 'httpry',
      cmd: 'httpry',
      args: ['-q', '-r', pcap, `tcp port ${port}`],
      count: countHttpry,
    },
  ];

  let shoalSkip = null;
  if (!shoal) {
    shoalSkip = 'no --shoal given';
  } else {
    try { fs.accessSync(shoal, fs.constants.X_OK); } catch {
      shoalSkip = `${shoal} is missing or not executable (Shoal's CLI not written yet?)`;
    }
    if (shoalSkip === null) {
      // bin/shoal is a launcher for the build output; an unbuilt tree is "not
      // available yet", not a dissection failure.
      const src = fs.readFileSync(shoal, 'utf8');
      for (const m of src.matchAll(/\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = path.resolve(path.dirname(shoal), m[1]);
        if (!fs.existsSync(target)) {
          shoalSkip = `${shoal} is not built (${path.relative(process.cwd(), target)} is missing; run \`npm run build\`)`;
          break;
        }
      }
    }
  }
  if (shoalSkip === null) {
    // Two output modes: full entries (headers and bodies as JSON), and one line per transaction
    // (the like-for-like comparison with httpry's log lines and tshark's two fields).
    tools.push({ name: 'shoal', cmd: shoal, args: ['dissect', pcap, '--format', 'ndjson'], count: countShoal });
    tools.push({ name: 'shoal-tb', cmd: shoal, args: ['dissect', pcap, '--format', 'table'], count: countShoalTable });
  } else {
    console.log(`SKIP shoal: ${shoalSkip}; measuring the peers only.`);
  }

  for (const t of tools) {
    console.log(`  ${t.name.padEnd(7)} $ ${[t.cmd, ...t.args].map(shq).join(' ')} > ${path.relative(process.cwd(), out(t.name))}`);
  }

  // Warm the page cache so no tool pays for the first read.
  await run('cat', [pcap], '/dev/null', '/dev/null');

  const results = Object.fromEntries(tools.map((t) => [t.name, { seconds: [], failed: null }]));
  for (let r = 1; r <= runs; r++) {
    for (const t of tools) {
      const res = results[t.name];
      if (res.failed) continue;
      const x = await run(t.cmd, t.args, out(t.name), err(t.name));
      if (x.code !== 0) {
        res.failed = `exit ${x.code ?? x.signal}${x.error ? ` (${x.error})` : ''}`;
        console.log(`  run ${r}/${runs} ${t.name.padEnd(7)} FAILED: ${res.failed}\n${tail(err(t.name))}`);
        continue;
      }
      res.seconds.push(x.seconds);
      console.log(`  run ${r}/${runs} ${t.name.padEnd(7)} ${x.seconds.toFixed(3)}s`);
    }
  }

  // Count each tool's (last run's) output.
  for (const t of tools) {
    const res = results[t.name];
    if (res.failed) continue;
    res.best = Math.min(...res.seconds);
    res.counts = await t.count(out(t.name));
  }

  let exit = 0;
  const problems = [];
  const ts = results.tshark;
  if (ts.failed) { console.error('tshark failed; nothing to compare against.'); process.exit(1); }
  const N = ts.counts.responses; // transactions = request/response pairs tshark sees = its responses
  if (N !== meta.tshark.responses) {
    problems.push(`timed tshark run saw ${N} responses but the verify pass saw ${meta.tshark.responses}`);
  }

  const mb = meta.bytes / 1e6;
  console.log('');
  console.log(`== results, ${meta.kind ?? 'loopback'} capture: ${fmtInt(N)} transactions (tshark responses), ` +
    `${fmtInt(meta.packets)} packets, ${mb.toFixed(1)} MB, best of ${runs} ==`);
  if (meta.segments) console.log(segmentLine(meta.segments));
  const header = `${'tool'.padEnd(9)}${'runs (s)'.padEnd(28)}${'best (s)'.padStart(9)}` +
    `${'transactions/s'.padStart(16)}${'MB/s'.padStart(8)}   what the tool reported`;
  console.log(header);
  console.log('-'.repeat(header.length + 8));
  const tput = {};
  for (const t of [...tools.map((x) => x.name), ...(shoalSkip ? ['shoal'] : [])]) {
    const res = results[t];
    if (!res) { console.log(`${t.padEnd(8)}SKIPPED (${shoalSkip})`); continue; }
    if (res.failed) { console.log(`${t.padEnd(8)}FAILED (${res.failed}); see ${err(t)}`); exit = 1; continue; }
    tput[t] = N / res.best;
    const c = res.counts;
    const seen = t.startsWith('shoal')
      ? `${fmtInt(c.http)} http entries (${fmtInt(c.responses)} with a response) of ${fmtInt(c.entries)} lines` +
        (c.unparsable ? `, ${c.unparsable} unparsable` : '')
      : `${fmtInt(c.requests)} requests, ${fmtInt(c.responses)} responses`;
    console.log(`${t.padEnd(9)}${res.seconds.map((s) => s.toFixed(3)).join(' ').padEnd(28)}` +
      `${res.best.toFixed(3).padStart(9)}${fmtInt(tput[t]).padStart(16)}${(mb / res.best).toFixed(1).padStart(8)}   ${seen}`);
  }
  if (results.httpry && !results.httpry.failed) {
    const c = results.httpry.counts;
    if (c.responses !== N || c.requests !== N) {
      console.log(`note: httpry logged ${fmtInt(c.requests)}/${fmtInt(c.responses)} requests/responses vs tshark's ${fmtInt(N)} (throughput still uses N).`);
    }
  }

  console.log('');
  const ratio = (a, b, target) => {
    if (tput[a] === undefined || tput[b] === undefined) return { text: 'n/a', met: null };
    const r = tput[a] / tput[b];
    return { value: r, text: `${r.toFixed(2)}x`, met: r >= target };
  };
  const vsT = ratio('shoal', 'tshark', TARGET_VS_TSHARK);
  const vsH = ratio('shoal', 'httpry', TARGET_VS_HTTPRY);
  const tbT = ratio('shoal-tb', 'tshark', TARGET_VS_TSHARK);
  const tbH = ratio('shoal-tb', 'httpry', TARGET_VS_HTTPRY);
  const verdict = (r) => (r.met === null ? '(shoal not measured)' : r.met ? 'MET' : 'MISSED');
  console.log(`ratio shoal(ndjson)/tshark = ${vsT.text.padEnd(7)} target >= ${TARGET_VS_TSHARK}x   ${verdict(vsT)}`);
  console.log(`ratio shoal(ndjson)/httpry = ${vsH.text.padEnd(7)} target >= ${TARGET_VS_HTTPRY}x  ${verdict(vsH)}`);
  console.log(`ratio shoal(table)/tshark  = ${tbT.text.padEnd(7)} target >= ${TARGET_VS_TSHARK}x   ${verdict(tbT)}`);
  console.log(`ratio shoal(table)/httpry  = ${tbH.text.padEnd(7)} target >= ${TARGET_VS_HTTPRY}x  ${verdict(tbH)}`);
  if (strict && (vsT.met === false || vsH.met === false)) exit = 1;
  if (results.httpry && !results.httpry.failed && results.tshark) {
    console.log(`(httpry/tshark = ${(tput.httpry / tput.tshark).toFixed(2)}x)`);
  }

  // (method, status) histogram: tshark (paired in the verify pass) vs shoal.
  console.log('');
  const ref = meta.tshark.histogram;
  const sh = results.shoal && !results.shoal.failed ? results.shoal.counts.hist : null;
  console.log(`(method, status) histogram: tshark (paired via http.request_in) vs shoal`);
  console.log(`    ${'method status'.padEnd(16)}${'tshark'.padStart(10)}${'shoal'.padStart(10)}`);
  let same = true;
  for (const k of sortedKeys(ref, sh)) {
    const a = ref[k] ?? 0;
    const b = sh ? (sh[k] ?? 0) : null;
    if (sh && a !== b) same = false;
    console.log(`    ${k.padEnd(16)}${fmtInt(a).padStart(10)}${(b === null ? '-' : fmtInt(b)).padStart(10)}${sh && a !== b ? '   <-- differs' : ''}`);
  }
  let histVerdict;
  if (!sh) {
    histVerdict = results.shoal ? 'FAIL (shoal did not run)' : 'SKIPPED (shoal not measured)';
  } else {
    histVerdict = same ? 'PASS' : 'FAIL';
    if (!same) exit = 1;
  }
  console.log(`histogram check: ${histVerdict}`);

  for (const p of problems) { console.log(`WARNING: ${p}`); exit = 1; }

  const resultFile = path.join(workDir, 'result.json');
  fs.writeFileSync(resultFile, JSON.stringify({
    measuredAt: new Date().toISOString(),
    capture: { ...meta, tshark: undefined },
    transactions: N,
    runs,
    tools: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, {
      seconds: v.seconds, best: v.best, failed: v.failed ?? undefined,
      transactionsPerSecond: tput[k],
    }])),
    shoalSkipped: shoalSkip ?? undefined,
    ratios: {
      shoalOverTshark: vsT.value, shoalOverHttpry: vsH.value,
      shoalTableOverTshark: tbT.value, shoalTableOverHttpry: tbH.value,
    },
    targets: { shoalOverTshark: TARGET_VS_TSHARK, shoalOverHttpry: TARGET_VS_HTTPRY },
    histogram: { tshark: ref, shoal: sh ?? undefined, verdict: histVerdict },
  }, null, 2) + '\n');
  console.log(`\nfigures saved to ${path.relative(process.cwd(), resultFile)}`);
  process.exit(exit);
}

// ---------------------------------------------------------------------------
// compare: the captures of one run side by side

function compare(args) {
  const files = args._.slice(1);
  if (files.length === 0) fail('usage: measure.mjs compare RESULT.json...');
  const rows = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
  const tps = (r, t) => r.tools[t]?.transactionsPerSecond;
  const cell = (v, w) => (v === undefined ? '-' : fmtInt(v)).padStart(w);
  const x = (v, w) => (v === undefined ? '-' : `${v.toFixed(2)}x`).padStart(w);
  console.log('');
  console.log('== the captures side by side (transactions/s, best run; ratios of shoal over the peer) ==');
  const header = `${'capture'.padEnd(10)}${'seg/req'.padStart(8)}${'seg/res'.padStart(8)}${'tshark'.padStart(9)}` +
    `${'httpry'.padStart(9)}${'ndjson'.padStart(9)}${'table'.padStart(9)}${'nd/tsh'.padStart(8)}${'nd/hry'.padStart(8)}` +
    `${'tb/tsh'.padStart(8)}${'tb/hry'.padStart(8)}   histogram`;
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const r of rows) {
    const seg = r.capture.segments;
    console.log(`${(r.capture.kind ?? 'loopback').padEnd(10)}` +
      `${(seg ? perMessage(seg.requests).toFixed(2) : '-').padStart(8)}${(seg ? perMessage(seg.responses).toFixed(2) : '-').padStart(8)}` +
      `${cell(tps(r, 'tshark'), 9)}${cell(tps(r, 'httpry'), 9)}${cell(tps(r, 'shoal'), 9)}${cell(tps(r, 'shoal-tb'), 9)}` +
      `${x(r.ratios.shoalOverTshark, 8)}${x(r.ratios.shoalOverHttpry, 8)}${x(r.ratios.shoalTableOverTshark, 8)}` +
      `${x(r.ratios.shoalTableOverHttpry, 8)}   ${r.histogram.verdict}`);
  }
}

function shq(s) {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

// ---------------------------------------------------------------------------

const args = parseArgs(process.argv.slice(2));
const cmd = args._[0];
if (cmd === 'verify') await verify(args);
else if (cmd === 'bench') await bench(args);
else if (cmd === 'compare') compare(args);
else fail('usage: measure.mjs verify|bench --pcap FILE ... | compare RESULT.json...');
