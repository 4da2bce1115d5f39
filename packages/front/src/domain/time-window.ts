import type { UrlState } from './url-state.js';

/** What the map and the statistics show when the URL names no time range: the recent past. */
export const LIVE_WINDOW_MS = 15 * 60_000;

export interface TimeWindow {
  from: number;
  to: number;
  /** No `to` in the URL: the window ends now and moves, so the views refresh it. */
  live: boolean;
}

/**
 * A live window ends on the next multiple of this after now: the tabs that refresh within the
 * same 5 s ask the hub the same question, which it walks once and shares (docs/hub.md,
 * `--walk-share-ms`), instead of one walk per tab.
 */
export const LIVE_STEP_MS = 5_000;

/**
 * The window an aggregate view asks the hub for: the URL's `from`/`to` when set, a missing end
 * filled in (`to` = now, rounded up to LIVE_STEP_MS, `from` = 15 minutes before `to`), else the
 * last 15 minutes.
 */
export function timeWindow(url: Pick<UrlState, 'from' | 'to'>, now: number): TimeWindow {
  const to = url.to ?? Math.ceil(now / LIVE_STEP_MS) * LIVE_STEP_MS;
  const from = url.from ?? to - LIVE_WINDOW_MS;
  return { from: Math.min(from, to - 1), to, live: url.to === undefined };
}

/** `?q=&from=&to=` of /servicemap and /stats (the hub's range parameters: docs/hub.md). */
export function rangeSearch(q: string, w: TimeWindow, extra: Record<string, string> = {}): string {
  return new URLSearchParams({ q, from: String(Math.floor(w.from)), to: String(Math.ceil(w.to)), ...extra }).toString();
}
