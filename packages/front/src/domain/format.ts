/** How the dashboard prints values; the same in every view. */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `14:03:07.125` in the browser's time zone. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** `0.4 ms`, `12 ms`, `1.25 s`. */
export function formatLatency(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** `512 B`, `1.5 KiB`, `3.2 MiB`: the CLI's rule too. */
export { formatBytes } from '@shoal/model';

/** `1,234,567`: counts in status lines. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export type StatusClass = 'info' | 'ok' | 'redirect' | 'client-error' | 'server-error' | 'none';

/** The colour class of an HTTP-like status code. */
export function statusClass(status: number | undefined): StatusClass {
  if (status === undefined) return 'none';
  if (status >= 500) return 'server-error';
  if (status >= 400) return 'client-error';
  if (status >= 300) return 'redirect';
  if (status >= 200) return 'ok';
  return 'info';
}
