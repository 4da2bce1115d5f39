/**
 * Where the filter bar underlines the hub's error: from the error's offset (in the text as
 * typed; the hub keeps offsets through the `and`/`or`/`not` aliases, docs/filter.md) to the end
 * of the token there, so `status_code == "x"` underlines `status_code`, not one letter.
 */
import { tokenize } from './filter-tokens.js';

export interface Range {
  start: number;
  end: number;
}

/** The range to underline for an error at `offset`; an error at the very end marks the last character. */
export function underlineRange(text: string, offset: number): Range {
  if (text.length === 0) return { start: 0, end: 0 };
  const at = Math.min(Math.max(offset, 0), text.length - 1);
  const token = tokenize(text).find((t) => t.start <= at && at < t.end)!;
  // A space has nothing to underline but itself; anything else is marked whole from the offset.
  return token.kind === 'space' ? { start: at, end: at + 1 } : { start: at, end: token.end };
}
