import { usageError } from './usage-error.js';

/** Parses a whole-number option within [min, max], or gives `fallback` when it is absent. */
export function integerOption(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw usageError(`${flag} needs a whole number ${min}-${max}, got '${text}'`);
  return n;
}
