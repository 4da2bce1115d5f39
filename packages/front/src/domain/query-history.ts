/**
 * The queries a user applied, newest first, for the filter bar's history list. Kept in
 * localStorage by the component as JSON; this reads what is there defensively (another version
 * of the page, or a hand edit, may have written it).
 */

/** Queries kept. */
export const HISTORY_SIZE = 25;

/** `list` with `query` first, once; the oldest fall off past HISTORY_SIZE. Empty queries are not remembered. */
export function remember(list: readonly string[], query: string): string[] {
  const q = query.trim();
  if (q === '') return [...list];
  return [q, ...list.filter((x) => x !== q)].slice(0, HISTORY_SIZE);
}

/** The list stored as `text`; an empty list for anything that is not a JSON list of strings. */
export function parseHistory(text: string | null): string[] {
  try {
    const value: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string').slice(0, HISTORY_SIZE) : [];
  } catch {
    return [];
  }
}
