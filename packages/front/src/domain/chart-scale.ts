/**
 * The small scales the statistics charts are drawn with: value → pixel, round tick values,
 * time ticks on round clock times, and a bucket width that gives about 60 bars.
 */

export type Scale = (value: number) => number;

/** Maps [d0, d1] linearly onto [r0, r1]; an empty domain maps everything to r0. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const span = d1 - d0;
  if (span === 0) return () => r0;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** The 1-2-5 step nearest above `raw`: 1, 2, 5, 10, 20, 50, … (and 0.1, 0.2, 0.5 …). */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/**
 * Ticks from 0 to a round top at or above `max`, about `count` of them, on a 1-2-5 step; whole
 * numbers only when `integers` (counts cannot be 2.5). A max of 0 gives [0, 1].
 */
export function niceTicks(max: number, count = 4, integers = true): number[] {
  if (!(max > 0)) return [0, 1];
  let step = niceStep(max / count);
  if (integers) step = Math.max(1, Math.round(step));
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) {
    ticks.push(Math.round(v * 1e9) / 1e9);
    if (v >= max) break;
  }
  return ticks;
}

/**
 * Ticks for a byte axis: round in the binary unit the max is shown in (0, 512 KiB, 1 MiB …),
 * so the labels formatBytes prints are round too.
 */
export function byteTicks(max: number, count = 4): number[] {
  let unit = 1;
  while (max / unit >= 1024) unit *= 1024;
  return niceTicks(max / unit, count, unit === 1).map((t) => t * unit);
}

/** Round time steps, from a millisecond to a day. */
const TIME_STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/** The smallest round time step at or above `ms`. */
export function roundTimeStep(ms: number): number {
  return TIME_STEPS.find((s) => s >= ms) ?? Math.ceil(ms / 86_400_000) * 86_400_000;
}

/** The bucket width for `/stats` over [from, to]: a round step giving at most `bars` buckets. */
export function bucketWidth(from: number, to: number, bars = 60): number {
  return roundTimeStep(Math.max(1, (to - from) / bars));
}

/**
 * Tick times within [from, to], at most about `count`, on multiples of a round step (counted
 * from the epoch, which is a round clock time in every whole-hour time zone).
 */
export function timeTicks(from: number, to: number, count = 6): { step: number; ticks: number[] } {
  const step = roundTimeStep(Math.max(1, (to - from) / count));
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return { step, ticks };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** A time tick's label, as fine as its step needs: `14:05`, `14:05:30`, `14:05:30.250`. */
export function timeTickLabel(ms: number, step: number): string {
  const d = new Date(ms);
  const minutes = `${two(d.getHours())}:${two(d.getMinutes())}`;
  if (step >= 60_000) return minutes;
  const seconds = `${minutes}:${two(d.getSeconds())}`;
  return step >= 1_000 ? seconds : `${seconds}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** A bucket width as people say it: `50 ms`, `15 s`, `5 min`, `1 h`, `1 d`. */
export function formatStep(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${ms / 1_000} s`;
  if (ms < 3_600_000) return `${ms / 60_000} min`;
  if (ms < 86_400_000) return `${ms / 3_600_000} h`;
  return `${ms / 86_400_000} d`;
}
