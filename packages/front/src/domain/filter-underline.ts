/**
 * Where the filter bar underlines the hub's error: from the error's offset (in the text as
 * typed; the hub keeps offsets through the `and`/`or`/`not` aliases, docs/filter.md) to the end
 * of the token there (of the dotted name there), so `status_code == "x"` underlines `status_code`
 * and `dst.port == "80"` underlines `dst.port`, not one letter or one part.
 */
import { tokenize, type Token } from './filter-tokens.js';

export interface Range {
  start: number;
  end: number;
}

const isNamePart = (t: Token | undefined) => t !== undefined && (t.kind === 'variable' || t.kind === 'name');

/** The range to underline for an error at `offset`; an error at the very end marks the last character. */
export function underlineRange(text: string, offset: number): Range {
  if (text.length === 0) return { start: 0, end: 0 };
  const at = Math.min(Math.max(offset, 0), text.length - 1);
  const tokens = tokenize(text);
  let i = tokens.findIndex((t) => t.start <= at && at < t.end);
  // A space has nothing to underline but itself; anything else is marked whole from the offset.
  if (tokens[i]!.kind === 'space') return { start: at, end: at + 1 };
  // A dotted name is one operand to the hub, which points at its start: `dst.port`, not `dst`.
  if (isNamePart(tokens[i])) while (tokens[i + 1]?.text === '.' && isNamePart(tokens[i + 2])) i += 2;
  return { start: at, end: tokens[i]!.end };
}
