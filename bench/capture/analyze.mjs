#!/usr/bin/env node
// Helpers for bench/capture/run.sh that are clumsy in shell. No dependencies.
//
//   analyze.mjs watch LOG ROOT_PID        log the CPU of processes outside ROOT_PID's tree (background)
//   analyze.mjs contention LOG A_MS B_MS  their CPU between two times; prints "<% of one core> <text>"
//   analyze.mjs soak SAMPLES_TSV LIMIT_BYTES RSS_TARGET_MIB
//                                          RSS series verdicts; prints KEY=VALUE lines
import { openSync, readFileSync, readdirSync, writeSync } from 'node:fs';

const HZ = 100; // USER_HZ: /proc/*/stat counts in these ticks on Linux

/** Every process now: key "pid:starttime" -> { pid, ppid, t (utime + stime), start }. */
function scan() {
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const raw = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = raw.lastIndexOf(')');
      const f = raw.slice(close + 2).split(' ');
      procs.set(`${name}:${f[19]}`, {
        pid: Number(name),
        ppid: Number(f[1]),
        comm: raw.slice(raw.indexOf('(') + 1, close),
        t: Number(f[11]) + Number(f[12]),
        start: Number(f[19]),
      });
    } catch {
      /* exited while listing */
    }
  }
  return procs;
}

function bootTicks() {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * HZ;
}

/*
 * watch LOG ROOT_PID: every 0.5 s, the CPU used since the watch began by each process outside
 * ROOT_PID's tree (kernel threads left out), one JSON line per scan: {at, procs: {key: ticks}}.
 * A process already running when the watch began counts from then; one started later counts in
 * full. Processes that live less than one scan are missed. Per-process times are used, not
 * /proc/stat: the machine's tick-sampled busy time over-counts timer-driven loads (a wrk delay
 * of a few ms wakes in step with the tick) and would invent contention. Ends with ROOT_PID.
 */
function watch(log, rootPid) {
  const startTicks = bootTicks();
  const baseline = new Map();
  const labels = new Map();
  const fd = openSync(log, 'w');
  const tick = () => {
    const procs = scan();
    if (![...procs.values()].some((p) => p.pid === rootPid)) process.exit(0);
    const parent = new Map([...procs.values()].map((p) => [p.pid, p.ppid]));
    const ours = (pid) => {
      for (let p = pid, n = 0; p > 1 && n < 64; p = parent.get(p) ?? 0, n++) if (p === rootPid) return true;
      return false;
    };
    const used = {};
    for (const [key, p] of procs) {
      if (p.pid === 2 || p.ppid === 2 || ours(p.pid)) continue;
      if (!baseline.has(key)) baseline.set(key, p.start >= startTicks ? 0 : p.t);
      const d = p.t - baseline.get(key);
      if (d <= 0) continue;
      used[key] = d;
      if (!labels.has(key)) {
        let cmd = '';
        try {
          cmd = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
        } catch {
          /* gone */
        }
        labels.set(key, (cmd || p.comm).replace(/\s+/g, ' ').slice(0, 50));
        used[`label:${key}`] = labels.get(key);
      }
    }
    writeSync(fd, JSON.stringify({ at: Date.now(), procs: used }) + '\n');
  };
  tick();
  setInterval(tick, 500);
}

/** contention LOG A_MS B_MS: others' CPU between two times; prints "<% of one core> <text>". */
function contention(log, aMs, bMs) {
  const scans = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const labels = new Map();
  for (const s of scans) for (const [k, v] of Object.entries(s.procs)) if (k.startsWith('label:')) labels.set(k.slice(6), v);
  const before = (ms) => [...scans].reverse().find((s) => s.at <= ms) ?? { at: aMs, procs: {} };
  const atOrAfter = (ms) => scans.find((s) => s.at >= ms) ?? scans[scans.length - 1] ?? { at: bMs, procs: {} };
  const a = before(aMs);
  const b = atOrAfter(bMs);
  let ticks = 0;
  const top = [];
  for (const [k, v] of Object.entries(b.procs)) {
    if (k.startsWith('label:')) continue;
    const d = v - (a.procs[k] ?? 0);
    if (d <= 0) continue;
    ticks += d;
    top.push({ d, label: labels.get(k) ?? k });
  }
  const seconds = Math.max(0.001, (bMs - aMs) / 1000);
  const pct = (100 * ticks) / HZ / seconds;
  top.sort((x, y) => y.d - x.d);
  const names = top
    .slice(0, 3)
    .map((t) => `${(t.d / HZ).toFixed(1)}s ${t.label}`)
    .join('; ');
  process.stdout.write(
    `${pct.toFixed(0)} other processes used ${(ticks / HZ).toFixed(1)} CPU-s in ${seconds.toFixed(1)} s ` +
      `(${pct.toFixed(0)}% of one core)${names ? `: ${names}` : ''}\n`,
  );
}

function soak(file, limitBytes, rssTargetMiB) {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const head = lines[0].split('\t');
  const rows = lines.slice(1).map((l) => {
    const v = l.split('\t').map(Number);
    return Object.fromEntries(head.map((h, i) => [h, v[i]]));
  });
  if (rows.length < 3) {
    process.stdout.write('SOAK_OK=0\n');
    return;
  }
  const mib = (kib) => kib / 1024;
  const rss = rows.map((r) => mib(r.rss_kib));
  const max = (xs) => Math.max(...xs);
  const n = rows.length;
  // Thirds of the series: the first third is warm-up (store filling, JIT, heap sizing).
  const mid = rss.slice(Math.floor(n / 3), Math.floor((2 * n) / 3));
  const last = rss.slice(Math.floor((2 * n) / 3));
  const growth = max(last) - max(mid);
  const allowance = Math.max(8, 0.05 * max(mid));
  // Least-squares slope over the second half, MiB per minute.
  const half = rows.slice(Math.floor(n / 2));
  const xs = half.map((r) => r.t_s / 60);
  const ys = half.map((r) => mib(r.rss_kib));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  const slope = den > 0 ? num / den : 0;
  const storeMax = max(rows.map((r) => r.store_bytes));
  // The worker's longest event-loop delay per sample interval (0 in files without the column).
  const lags = rows.map((r) => r.lag_ms ?? 0).sort((a, b) => a - b);
  const diskMax = max(rows.map((r) => r.disk_bytes));
  const out = {
    SOAK_OK: 1,
    SOAK_SAMPLES: n,
    RSS_MIN: Math.min(...rss).toFixed(1),
    RSS_MAX: max(rss).toFixed(1),
    RSS_LAST: rss[n - 1].toFixed(1),
    RSS_FIRST: rss[0].toFixed(1),
    HWM_LAST: mib(rows[n - 1].hwm_kib).toFixed(1),
    RSS_MID_MAX: max(mid).toFixed(1),
    RSS_LAST_MAX: max(last).toFixed(1),
    RSS_GROWTH: growth.toFixed(1),
    RSS_ALLOWANCE: allowance.toFixed(1),
    RSS_SLOPE: slope.toFixed(2),
    RSS_FLAT: growth <= allowance ? 1 : 0,
    RSS_UNDER: max(rss) <= rssTargetMiB ? 1 : 0,
    STORE_MAX: storeMax,
    DISK_MAX: diskMax,
    STORE_UNDER: storeMax <= limitBytes && diskMax <= limitBytes ? 1 : 0,
    LAG_MAX: lags[n - 1],
    LAG_MEDIAN: lags[Math.floor(n / 2)],
  };
  process.stdout.write(
    Object.entries(out)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  );
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'watch') watch(args[0], Number(args[1]));
else if (cmd === 'contention') contention(args[0], Number(args[1]), Number(args[2]));
else if (cmd === 'soak') soak(args[0], Number(args[1]), Number(args[2]));
else {
  process.stderr.write('usage: analyze.mjs watch LOG ROOT_PID | contention LOG A_MS B_MS | soak TSV LIMIT_BYTES RSS_MIB\n');
  process.exit(2);
}
