/**
 * The time ranges the top bar offers: the live tail (no range) or a stored past window.
 * A "last N" preset is turned into a fixed window when chosen, so a shared URL shows the same rows.
 */
import type { TimeWindow } from './feed-model.js';

export const PRESETS = [
  { label: 'Last 5 min', ms: 5 * 60_000 },
  { label: 'Last 15 min', ms: 15 * 60_000 },
  { label: 'Last 1 h', ms: 60 * 60_000 },
  { label: 'Last 6 h', ms: 6 * 60 * 60_000 },
  { label: 'Last 24 h', ms: 24 * 60 * 60_000 },
] as const;

export function presetWindow(ms: number, now: number): TimeWindow {
  return { from: now - ms, to: now };
}

/** The window `from`/`to` describe; undefined (live) unless both are there and in order. */
export function windowOf(from: number | undefined, to: number | undefined): TimeWindow | undefined {
  return from !== undefined && to !== undefined && from < to ? { from, to } : undefined;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-01T14:05:09` in local time: the value of an `<input type="datetime-local" step="1">`. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Epoch ms of a `datetime-local` value (local time); undefined when it is not one. */
export function fromLocalInput(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s).getTime();
}
