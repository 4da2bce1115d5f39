import { usageError } from '../usage-error.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration (`90s`, `5m`, `1h30m`, `2d`, `250ms`) in milliseconds, or undefined when `text` is none. */
export function durationMs(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}

/** A duration flag's value in milliseconds (`fallback` when not given); a usage error naming `flag` otherwise. */
export function durationOption(flag: string, text: string | undefined, fallback: string): number {
  const ms = durationMs(text ?? fallback);
  if (ms === undefined || ms <= 0) throw usageError(`${flag} takes a duration such as 90s, 5m or 1h, got '${text}'`);
  return ms;
}

/**
 * `--since`: a duration back from `nowMs` (`90s`, `5m`, `1h30m`, `2d`), an epoch in ms, or an
 * ISO 8601 time. Returns epoch milliseconds.
 */
export function parseSince(text: string, nowMs: number): number {
  if (/^\d{10,}$/.test(text)) return Number(text);
  const back = durationMs(text);
  if (back !== undefined) return nowMs - back;
  const iso = Date.parse(text);
  if (!Number.isNaN(iso) && /^\d{4}-\d{2}-\d{2}/.test(text)) return iso;
  throw usageError(`--since takes a duration (90s, 5m, 1h30m, 2d), epoch milliseconds or an ISO time, got '${text}'`);
}
