import { integerOption } from './integer-option.js';

/** Parses a `--port` value (0 lets the system pick a free port). */
export function portOption(text: string | undefined, fallback: number, flag = '--port'): number {
  return integerOption(flag, text, fallback, 0, 65535);
}
