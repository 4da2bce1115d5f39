/**
 * Why the map or the statistics have nothing to show, and where traffic can be found: never a
 * blank panel (the dashboard issue: "always say why it shows nothing").
 */
import { formatCount } from './format.js';

export interface EmptyFacts {
  /** The query in force; '' for none. */
  q: string;
  live: boolean;
  windowMs: number;
  /** Entries in the window without the query (asked only when the query is not empty). */
  unfiltered?: number;
  /** Time of the newest stored entry, null when the stores are empty. */
  newest: number | null;
}

export interface EmptyReason {
  text: string;
  /** A window around the newest stored entry, when that lies outside the one shown. */
  suggest?: { from: number; to: number };
}

function span(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : ms % 60_000 === 0 ? `${ms / 60_000} minutes` : `${Math.round(ms / 1000)} s`;
}

export function emptyReason(f: EmptyFacts, window: { from: number; to: number }): EmptyReason {
  if (f.q !== '' && f.unfiltered !== undefined && f.unfiltered > 0) {
    return { text: `Nothing in this window matches the query: ${formatCount(f.unfiltered)} entries in the window, none match it.` };
  }
  const where = f.live ? `in the last ${span(f.windowMs)}` : 'in this time range';
  if (f.newest === null) return { text: `No traffic ${where}: the workers have stored no entries yet.` };
  const text = `No traffic ${where}.`;
  if (f.newest >= window.from && f.newest <= window.to) return { text };
  // A window as long as this one, ending just after the newest entry: where the traffic was.
  const to = Math.ceil(f.newest) + 1_000;
  return { text, suggest: { from: to - f.windowMs, to } };
}
