// bench/front's phases (run.sh prints the environment and calls this). See README.md.
//   1. Fill: entries at RATE/s until the page holds FILTER_AT; then a filter change, timed from
//      the URL change to the feed showing only the new query's rows.
//   2. Tail: the page reloaded, entries at RATE/s up to TOTAL, frames counted every second while
//      the feed follows the tail; then the JS heap after a GC, and the opening of an entry.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { StandinHub } from './standin-hub.mjs';

const cfg = {
  shoal: process.env.SHOAL,
  entries: process.env.ENTRIES_FILE,
  browserHelper: process.env.BROWSER_HELPER,
  rate: Number(process.env.RATE ?? 2000),
  total: Number(process.env.TOTAL ?? 300_000),
  filterAt: Number(process.env.FILTER_AT ?? 100_000),
  fpsTarget: Number(process.env.FPS_TARGET ?? 50),
  filterTargetMs: Number(process.env.FILTER_TARGET_MS ?? 200),
  heapTargetMb: Number(process.env.HEAP_TARGET_MB ?? 400),
  detailSamples: Number(process.env.DETAIL_SAMPLES ?? 20),
  /** A file to write the page's CPU profile of phase 2 to (Chromium's .cpuprofile, for DevTools); the filter change's goes next to it (.filter.cpuprofile). */
  profile: process.env.PROFILE,
  /** 0: the stand-in hub sends entry by entry, as a hub without batches (the figures before them). */
  hubBatches: process.env.HUB_BATCH !== '0',
};
for (const k of ['shoal', 'entries', 'browserHelper']) if (!cfg[k]) throw new Error(`bench.mjs: ${k} not set (run it through run.sh)`);

const { launchBrowser, openPage } = await import(pathToFileURL(cfg.browserHelper).href);
const log = (line) => process.stdout.write(`${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const FILTER = 'method == "POST"';
/** Ticks per second of the entry sender: the hub's merge ticks (every 100 ms with its default 500 ms window). */
const TICKS = 10;

/** `shoal front` as the user runs it, on a free port, in front of the stand-in hub. */
async function startFront(hubUrl) {
  const child = spawn(process.execPath, [cfg.shoal, 'front', '--port', '0', '--hub', hubUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('shoal front did not print its URL within 20 s')), 20_000);
    lines.on('line', (l) => {
      const m = /the dashboard on (\S+)/.exec(l);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`shoal front exited (${code})`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** Frames drawn since the page started, counted by requestAnimationFrame. */
const FRAME_COUNTER = () => {
  window.__benchFrames = 0;
  const tick = () => {
    window.__benchFrames++;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  // Frames longer than 50 ms, split as Chromium reports them: scripts, then rendering (React's
  // commit is script; the scroll and the rows' style, layout and paint are rendering).
  window.__benchLong = { frames: 0, ms: 0, scriptMs: 0, layoutMs: 0 };
  new PerformanceObserver((list) => {
    for (const f of list.getEntries()) {
      const l = window.__benchLong;
      l.frames++;
      l.ms += f.duration;
      l.scriptMs += (f.renderStart || f.startTime + f.duration) - f.startTime;
      if (f.styleAndLayoutStart) l.layoutMs += f.startTime + f.duration - f.styleAndLayoutStart;
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
};

const heldRows = (page) =>
  page.evaluate(() => {
    const text = document.querySelector('[data-testid=statusbar] .held')?.textContent ?? '';
    return Number((/^([\d,]+)/.exec(text)?.[1] ?? '0').replaceAll(',', ''));
  });

/** Waits (30 s at most) until the page holds `n` rows; returns how many it holds. */
async function waitHeld(page, n) {
  const deadline = performance.now() + 30_000;
  let held = await heldRows(page);
  while (held < n && performance.now() < deadline) {
    await sleep(100);
    held = await heldRows(page);
  }
  return held;
}

/**
 * Sends entries at cfg.rate/s until `until()` holds; every second, calls `sample()`. Paced
 * against the clock, so a slow tick is made up by the next ones.
 */
async function stream(hub, until, sample) {
  const start = performance.now();
  let sent = 0;
  let nextSample = start + 1000;
  while (!(await until())) {
    const due = Math.floor(((performance.now() - start) / 1000) * cfg.rate);
    if (due > sent) {
      hub.emit(due - sent);
      sent = due;
    }
    if (performance.now() >= nextSample) {
      nextSample += 1000;
      await sample();
    }
    await sleep(1000 / TICKS);
  }
}

async function waitLive(page) {
  await page.waitForFunction(() => document.querySelector('[data-testid=statusbar] .connection-live') !== null, null, { timeout: 20_000 });
}

/** Phase 1: fill to cfg.filterAt, then the filter change. */
async function filterPhase(page, hub) {
  await waitLive(page);
  const base = hub.sent;
  await stream(
    hub,
    async () => hub.sent - base >= cfg.filterAt,
    async () => undefined,
  );
  const held = await waitHeld(page, cfg.filterAt);
  const profiler = cfg.profile ? await startProfile(page, cfg.profile.replace(/(\.cpuprofile)?$/, '.filter.cpuprofile')) : undefined;
  // The URL is the filter's source of truth (useUrlState): a popstate is what Back/Forward and a
  // shared link do, and needs no filter bar.
  const { ms, historyMs } = await page.evaluate(async (filter) => {
    const t0 = performance.now();
    history.pushState(null, '', `?q=${encodeURIComponent(filter)}`);
    dispatchEvent(new PopStateEvent('popstate'));
    await new Promise((resolve, reject) => {
      const deadline = t0 + 10_000;
      const check = () => {
        const methods = [...document.querySelectorAll('[data-testid=feed] .row .method')].map((m) => m.textContent);
        if (methods.length > 0 && methods.every((m) => m === 'POST')) resolve();
        else if (performance.now() > deadline) reject(new Error(`the feed did not show the new query within 10 s: ${methods.length} rows, ${methods.slice(0, 5).join(' ')}; ${location.search}; ${document.querySelector('[data-testid=statusbar]')?.textContent}`));
        else requestAnimationFrame(check);
      };
      check();
    });
    const ms = performance.now() - t0;
    // The new query's first history page, on the way (resource timing): asked, first byte, done.
    const page = performance.getEntriesByType('resource').find((r) => r.name.includes('/api/entries?') && r.startTime >= t0);
    const historyMs = page && [page.startTime, page.responseStart, page.responseEnd].map((t) => t - t0);
    return { ms, historyMs };
  }, FILTER);
  if (profiler) await profiler.stop();
  return { held, ms, historyMs };
}

/** Phase 2: the tail to cfg.total, frames counted each second while following. */
async function tailPhase(page, hub) {
  await waitLive(page);
  const base = hub.sent;
  const samples = [];
  let frames = await page.evaluate(() => window.__benchFrames);
  let at = performance.now();
  let paused = 0;
  await stream(
    hub,
    async () => hub.sent - base >= cfg.total,
    async () => {
      const [f, following] = await page.evaluate(() => [window.__benchFrames, document.querySelector('.jump-latest') === null]);
      const now = performance.now();
      if (following) samples.push({ sent: hub.sent - base, fps: ((f - frames) * 1000) / (now - at) });
      else paused++;
      frames = f;
      at = now;
    },
  );
  const long = await page.evaluate(() => window.__benchLong);
  return { samples, paused, long, held: await waitHeld(page, Math.min(cfg.total, 300_000)) };
}

/** Chromium's sampling profiler on the page; stop() writes `file`. */
async function startProfile(page, file) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      await cdp.detach();
    },
  };
}

async function heapAfterGc(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize / 1024 / 1024;
}

/** The detail's data (GET /api/entries/:id from the page), then a click on a row timed to the panel and to its content. */
async function detailPhase(page) {
  const ids = await page.evaluate(() => [...document.querySelectorAll('[data-testid=feed] .row[data-id]')].map((r) => r.getAttribute('data-id')));
  const fetchMs = await page.evaluate(async ({ ids, n }) => {
    const times = [];
    for (let k = 0; k < n; k++) {
      const t0 = performance.now();
      const res = await fetch(`/api/entries/${encodeURIComponent(ids[k % ids.length])}`);
      await res.json();
      times.push(performance.now() - t0);
    }
    return times;
  }, { ids, n: cfg.detailSamples });
  fetchMs.sort((a, b) => a - b);
  // A click on a row, timed in the page as the filter change is: to the panel showing (with
  // "Loading…"), then to the entry drawn in it (its sections, after GET /api/entries/:id).
  const { openMs, loadedMs } = await page.evaluate(async () => {
    const t0 = performance.now();
    const times = {};
    document.querySelector('[data-testid=feed] .row[data-id]').click();
    await new Promise((resolve) => {
      const check = () => {
        const panel = document.querySelector('[data-testid=entry-detail]');
        if (panel !== null) times.openMs ??= performance.now() - t0;
        if (panel?.querySelector('.detail-body') != null) times.loadedMs = performance.now() - t0;
        if (times.loadedMs !== undefined || performance.now() - t0 > 5_000) resolve();
        else requestAnimationFrame(check);
      };
      check();
    });
    return times;
  });
  return { fetchP50: fetchMs[Math.floor(fetchMs.length / 2)], fetchMax: fetchMs.at(-1), openMs, loadedMs };
}

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (x, d = 0) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));

// ------------------------------------------------------------------ run
const templates = readFileSync(cfg.entries, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const hub = new StandinHub(templates, { batches: cfg.hubBatches });
const hubUrl = await hub.listen();
const front = await startFront(hubUrl);
const browser = await launchBrowser();
let failed = false;
try {
  const { page, problems } = await openPage(browser, front.url);
  await page.addInitScript(FRAME_COUNTER);
  log(`front:    ${front.url} -> stand-in hub ${hubUrl}; ${templates.length} recorded entries as templates; ${cfg.hubBatches ? 'entries in batches, one message per tick' : 'entry by entry (HUB_BATCH=0)'}`);

  log(`phase 1:  ${cfg.filterAt} entries at ${cfg.rate}/s, then the filter ${FILTER}`);
  const filter = await filterPhase(page, hub);
  log(`          held ${filter.held}; filter change -> feed updated in ${fmt(filter.ms)} ms`);
  if (filter.historyMs) log(`          its first history page: asked at +${fmt(filter.historyMs[0])} ms, first byte +${fmt(filter.historyMs[1])}, done +${fmt(filter.historyMs[2])}`);

  log(`phase 2:  page reloaded; ${cfg.total} entries at ${cfg.rate}/s, frames counted while following`);
  await page.goto(front.url);
  const profiler = cfg.profile ? await startProfile(page, cfg.profile) : undefined;
  const tail = await tailPhase(page, hub);
  if (profiler) await profiler.stop();
  const heapMb = await heapAfterGc(page);
  const detail = await detailPhase(page);
  if (problems.length > 0) log(`page problems: ${problems.join('; ')}`);

  const rows = [];
  const row = (what, value, target, met) => rows.push([what, value, target, met === undefined ? '' : met ? 'MET' : 'MISSED']);
  const fps = tail.samples.map((s) => s.fps);
  const buckets = [0, 50_000, 100_000, 200_000, 250_000].map((lo, i, a) => [lo, a[i + 1] ?? Infinity]);
  for (const [lo, hi] of buckets) {
    const xs = tail.samples.filter((s) => s.sent > lo && s.sent <= hi).map((s) => s.fps);
    if (xs.length > 0) row(`fps following, ${lo / 1000}k-${hi === Infinity ? `${cfg.total / 1000}k` : `${hi / 1000}k`} entries (mean / min)`, `${fmt(xs.reduce((a, b) => a + b, 0) / xs.length, 1)} / ${fmt(Math.min(...xs), 1)}`, '', undefined);
  }
  const fpsMean = fps.reduce((a, b) => a + b, 0) / fps.length;
  row('fps following, all seconds (mean)', fmt(fpsMean, 1), `>= ${cfg.fpsTarget}`, fpsMean >= cfg.fpsTarget);
  row('fps following, all seconds (p10)', fmt(percentile(fps, 10), 1), '', undefined);
  const l = tail.long;
  row('frames > 50 ms while streaming: count, mean, of it script / style+layout', `${l.frames}, ${fmt(l.ms / l.frames)} ms, ${fmt(l.scriptMs / l.frames)} / ${fmt(l.layoutMs / l.frames)} ms`, '', undefined);
  row(`filter change -> updated feed, at ${filter.held} entries`, `${fmt(filter.ms)} ms`, `< ${cfg.filterTargetMs} ms`, filter.ms < cfg.filterTargetMs);
  row(`JS heap after GC, at ${tail.held} entries`, `${fmt(heapMb, 1)} MB`, `< ${cfg.heapTargetMb} MB`, heapMb < cfg.heapTargetMb);
  row('GET /api/entries/:id from the page (p50 / max)', `${fmt(detail.fetchP50, 1)} / ${fmt(detail.fetchMax, 1)} ms`, '', undefined);
  row('click -> [data-testid=entry-detail] visible', detail.openMs === undefined ? 'no detail panel in this build' : `${fmt(detail.openMs)} ms`, '', undefined);
  row('click -> the entry drawn in it (.detail-body)', detail.loadedMs === undefined ? '-' : `${fmt(detail.loadedMs)} ms`, '', undefined);
  if (tail.paused > 0) row('seconds not following (left out of fps)', String(tail.paused), '', undefined);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length), ['measure', 'value', 'target', ''][c].length));
  log('\n== summary ==');
  for (const r of [['measure', 'value', 'target', ''], ...rows]) log(r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
  failed = rows.some((r) => r[3] === 'MISSED');
} finally {
  await browser.close();
  front.stop();
  await hub.close();
}
process.exitCode = failed && process.env.STRICT === '1' ? 1 : 0;
