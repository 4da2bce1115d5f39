#!/usr/bin/env node
// bench/filter/compare.mjs: @marcbachmann/cel-js against @bufbuild/cel for Shoal's filters.
// A benchmark, not a test: it prints figures and a coverage table; it asserts nothing on time.
//
//   node bench/filter/compare.mjs            # 100,000 entries, best of 5 rounds
//   ENTRIES=300000 ROUNDS=7 node bench/filter/compare.mjs
//
// Speed: one 5-clause filter is compiled once, then evaluated over every entry of the corpus
// (corpus.mjs: real dissected HTTP entries re-addressed across a small cluster, plus TCP/UDP
// flows). Two ways per library: evaluation alone on prebuilt activations (compact objects, hot
// in cache), and activation built from the Entry plus evaluation (the real cost: it touches the
// scattered entry objects). The yardstick is the same test in plain JS, once over the entries
// and once over the prebuilt activations; compare each row with the yardstick of its kind.
// When packages/filter is built, Shoal's compileFilter() (the wrapper) is timed too.
// Coverage: each probe expression runs on both libraries; bad inputs show each library's error.
// Nothing here reads the network.

import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Environment } from '@marcbachmann/cel-js';
import * as buf from '@bufbuild/cel';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { makeCorpus } from './corpus.mjs';

const N = Number(process.env.ENTRIES ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const FILTER =
  'http && method == "GET" && status_code < 500 && dst.pod.namespace == "shop" && path.startsWith("/api")';

const corpus = makeCorpus(N);

/** The activation both libraries get: the five variables the filter references. */
function activation(e) {
  return {
    http: e.protocol.name === 'http',
    method: e.summary.method ?? '',
    status_code: BigInt(e.summary.status ?? 0),
    dst: { pod: { name: e.dst.pod ?? '', namespace: e.dst.pod ? (e.dst.namespace ?? '') : '' } },
    path: e.summary.path ?? '',
  };
}

const plainJs = (e) =>
  e.protocol.name === 'http' && (e.summary.method ?? '') === 'GET' && (e.summary.status ?? 0) < 500 &&
  (e.dst.pod ? (e.dst.namespace ?? '') : '') === 'shop' && (e.summary.path ?? '').startsWith('/api');

// ---------------------------------------------------------------------------------------------
// the two libraries, compiled once

const marcEnv = new Environment()
  .registerVariable('http', 'bool').registerVariable('method', 'string')
  .registerVariable('status_code', 'int').registerVariable('dst', 'map<string, dyn>')
  .registerVariable('path', 'string');
const marcFn = marcEnv.parse(FILTER);
if (!marcFn.check().valid) throw new Error('cel-js: filter does not type-check');

const S = buf.CelScalar;
const bufEnv = buf.celEnv({
  variables: { http: S.BOOL, method: S.STRING, status_code: S.INT, dst: buf.mapType(S.STRING, S.DYN), path: S.STRING },
});
const bufFn = buf.plan(bufEnv, buf.parse(FILTER));

function time(label, fn) {
  let best = Infinity;
  let matched = 0;
  for (let r = 0; r < ROUNDS + 1; r++) { // round 0 warms up
    const t0 = performance.now();
    matched = fn();
    const dt = performance.now() - t0;
    if (r > 0 && dt < best) best = dt;
  }
  return { label, ms: best, perSec: (corpus.length / best) * 1000, matched };
}

function runSpeed() {
  const acts = corpus.map(activation);
  const rows = [];
  rows.push(time('plain JS closure (yardstick)', () => { let m = 0; for (const e of corpus) if (plainJs(e)) m++; return m; }));
  const plainAct = (a) => a.http && a.method === 'GET' && a.status_code < 500n && a.dst.pod.namespace === 'shop' && a.path.startsWith('/api');
  rows.push(time('plain JS on prebuilt activations', () => { let m = 0; for (const a of acts) if (plainAct(a)) m++; return m; }));
  rows.push(time('cel-js      eval, prebuilt activation', () => { let m = 0; for (const a of acts) if (marcFn(a) === true) m++; return m; }));
  rows.push(time('bufbuild    eval, prebuilt activation', () => { let m = 0; for (const a of acts) if (bufFn(a) === true) m++; return m; }));
  rows.push(time('cel-js      activation + eval', () => { let m = 0; for (const e of corpus) if (marcFn(activation(e)) === true) m++; return m; }));
  rows.push(time('bufbuild    activation + eval', () => { let m = 0; for (const e of corpus) if (bufFn(activation(e)) === true) m++; return m; }));
  return rows;
}

async function runShoal() {
  let mod;
  try { mod = await import('../../packages/filter/dist/index.js'); } catch { return null; }
  const f = mod.compileFilter(FILTER);
  const row = time('@shoal/filter compileFilter().matches', () => { let m = 0; for (const e of corpus) if (f.matches(e)) m++; return m; });
  return { row, errors: f.errorCount };
}

// ---------------------------------------------------------------------------------------------
// coverage: [feature, expression, expected]

const T_ENTRY = Date.UTC(2026, 0, 15, 9, 30, 0);
const ctxFor = (lib) => ({
  s: '/api/users/42', n: 200n, d: 2.5,
  m: { host: 'shop.local', 'content-type': 'application/json' },
  l: ['shop', 'payments'],
  ep: { pod: { name: 'cart-1', namespace: 'shop' } },
  timestamp: lib === 'marc' ? new Date(T_ENTRY) : timestampFromMs(T_ENTRY),
});
const PROBES = [
  ['has() on a present map key', 'has(m.host)', true],
  ['has() on an absent map key', 'has(m.cookie)', false],
  ['all()', 'l.all(x, x.size() > 3)', true],
  ['exists()', 'l.exists(x, x == "shop")', true],
  ['exists_one()', 'l.exists_one(x, x.startsWith("p"))', true],
  ['map()', 'l.map(x, x + "!") == ["shop!", "payments!"]', true],
  ['filter()', 'l.filter(x, x != "shop") == ["payments"]', true],
  ['contains()', 's.contains("users")', true],
  ['startsWith()', 's.startsWith("/api")', true],
  ['endsWith()', 's.endsWith("42")', true],
  ['matches() (regex)', 's.matches("^/api/users/[0-9]+$")', true],
  ['raw string r"…" in matches()', 's.matches(r"^/api/\\w+/\\d+$")', true],
  ['size() function / method', 'size(s) == 13 && s.size() == 13 && size(l) == 2', true],
  ['timestamp() literal', 'timestamp("2026-01-15T09:30:00Z") == timestamp("2026-01-15T09:30:00Z")', true],
  ['variable named timestamp + timestamp()', 'timestamp > timestamp("2026-01-01T00:00:00Z")', true],
  ['timestamp - duration', 'timestamp - duration("1h") < timestamp', true],
  ['duration() compare', 'duration("5m") > duration("90s")', true],
  ['timestamp.getHours()', 'timestamp.getHours() == 9', true],
  ['in over a map (keys)', '"host" in m', true],
  ['in over a list', '"payments" in l', true],
  ['ternary', 'n >= 400 ? false : true', true],
  ['int == double (heterogeneous)', 'd > 2 && n == 200.0', true],
  ['field named namespace (reserved word)', 'ep.pod.namespace == "shop"', true],
  ['string() / int() conversions', 'string(n) == "200" && int("42") == 42', true],
  ['map literal key lookup', '{"a": 1}["a"] == 1', true],
];

const BAD = [
  'method == "GET" && (',
  'status_code === 200',
  'method = "GET"',
  'path.startsWith("/api"',
  '"unterminated',
  'http &&\n  status_code >= 500 &&\n  path.startsWith(/api)',
  'methd == "GET"',
  'status_code == "200"',
];

function runMarc(expr, ctx) {
  const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
  return env.evaluate(expr, ctx);
}
function runBuf(expr, ctx) {
  const v = buf.plan(buf.celEnv(), buf.parse(expr))(ctx);
  if (buf.isCelError(v)) throw v;
  return v;
}
function probe(run, lib, expr, want) {
  try {
    const got = run(expr, ctxFor(lib));
    return got === want ? 'yes' : `WRONG (${String(got)})`;
  } catch (err) {
    return `no: ${String(err.message).split('\n')[0].slice(0, 60)}`;
  }
}

/** What each library says for a bad filter, at compile time (typed env) or else at run time. */
function badMarc(expr) {
  const env = new Environment()
    .registerVariable('http', 'bool').registerVariable('method', 'string')
    .registerVariable('status_code', 'int').registerVariable('path', 'string');
  try {
    const fn = env.parse(expr);
    const c = fn.check();
    return c.valid ? 'accepted' : `compile: ${c.error.message}`;
  } catch (err) {
    return `compile: ${err.message}`;
  }
}
function badBuf(expr) {
  const S2 = buf.CelScalar;
  const env = buf.celEnv({ variables: { http: S2.BOOL, method: S2.STRING, status_code: S2.INT, path: S2.STRING } });
  let fn;
  try { fn = buf.plan(env, buf.parse(expr)); } catch (err) { return `compile: ${err.message}`; }
  const v = fn({ http: true, method: 'GET', status_code: 200n, path: '/' });
  return buf.isCelError(v) ? `run time only: ${v.message}` : `accepted (${String(v)})`;
}

// ---------------------------------------------------------------------------------------------

const fmt = (x) => Math.round(x).toLocaleString('en-US');
console.log(`# CEL libraries for Shoal filters — ${new Date().toISOString()}, node ${process.version}`);
console.log(`${os.cpus()[0]?.model ?? 'cpu?'} × ${os.cpus().length}, ${os.type()} ${os.release()}`);
console.log(`corpus: ${fmt(corpus.length)} entries; filter: ${FILTER}`);
console.log(`best of ${ROUNDS} rounds after one warm-up round\n`);
const rows = runSpeed();
const shoal = await runShoal();
if (shoal) rows.push(shoal.row);
const yard = rows[0].perSec;
console.log('| way | entries/s | vs plain JS | matched |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.label} | ${fmt(r.perSec)} | ${(r.perSec / yard).toFixed(2)} | ${fmt(r.matched)} |`);
const counts = new Set(rows.map((r) => r.matched));
console.log(counts.size === 1 ? '\nall ways agree on the matches' : '\nMISMATCH: the ways disagree on the matches');
if (shoal) console.log(`@shoal/filter counted ${shoal.errors} evaluation errors`);

console.log('\n| feature | expression | cel-js | bufbuild |');
console.log('|---|---|---|---|');
let mOk = 0;
let bOk = 0;
for (const [feature, expr, want] of PROBES) {
  const m = probe(runMarc, 'marc', expr, want);
  const b = probe(runBuf, 'buf', expr, want);
  if (m === 'yes') mOk++;
  if (b === 'yes') bOk++;
  console.log(`| ${feature} | \`${expr.replace(/\|/g, '\\|')}\` | ${m} | ${b} |`);
}
console.log(`| **total** | | ${mOk}/${PROBES.length} | ${bOk}/${PROBES.length} |`);

console.log('\n## bad input');
for (const expr of BAD) {
  console.log(`\n### ${JSON.stringify(expr)}\ncel-js:   ${badMarc(expr).replace(/\n/g, '\n           ')}`);
  console.log(`bufbuild: ${badBuf(expr).replace(/\n/g, '\n           ')}`);
}
process.exitCode = counts.size === 1 ? 0 : 1;
