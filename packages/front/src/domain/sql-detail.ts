/**
 * The shape of a database entry's detail, shared by the SQL protocols' views
 * (postgresql-detail.ts, mysql-detail.ts) and drawn by one section component
 * (components/EntryDetail/sql-section.tsx): the request (its statement apart, label/value rows,
 * tables) and the answer (rows, tables), and what was not seen or did not come.
 */
import type { DetailCell, DetailRow, DetailTable } from './detail-table.js';
import { variableTerm } from './filter-snippet.js';

export interface SqlDetailView {
  /** The request's rows, its statement, its tables (values, parameters); null when not seen. */
  request: { rows: DetailRow[]; query: DetailCell | null; tables: DetailTable[] } | null;
  /** The answer's rows and tables (result, …); null when none. */
  response: { rows: DetailRow[]; tables: DetailTable[] } | null;
  /** What was not seen, or did not come. */
  notes: { side: 'request' | 'response'; text: string }[];
}

/** An entry as the views read it. */
export interface SqlEntry {
  summary: { method?: string; text: string };
  request: object | null;
  response: object | null;
}

export const plain = (text: string | number): DetailCell => ({ text: String(text) });
export const row = (label: string, value: DetailCell): DetailRow => ({ label, value });

/** The statement as sent, filtering `variable == text`; a statement cut at the dissector's cap is shown, not clickable. */
export const queryCell = (variable: string, query: string, truncated: boolean): DetailCell => (truncated ? plain(`${query}…`) : { text: query, term: variableTerm(variable, query) });

/** The first rows of a result under its columns, its title saying how many there were in all. */
export function rowsTable(columns: string[], rows: Array<Array<string | null>>, rowCount: number | undefined): DetailTable {
  const title = rowCount !== undefined && rowCount > rows.length ? `Rows (the first ${rows.length} of ${rowCount})` : 'Rows';
  return { key: 'rows', title, columns, rows: rows.map((r) => r.map((v) => plain(v ?? 'NULL'))) };
}

/** Name/value pairs as a table. */
export const pairsTable = (key: string, title: string, pairs: Record<string, string>): DetailTable => ({ key, title, columns: ['name', 'value'], rows: Object.entries(pairs).map(([k, v]) => [plain(k), plain(v)]) });

/** The note of a request not seen: answers to one (no method), or what the server sent unasked (its message's name). */
export const requestNote = (entry: SqlEntry): string =>
  entry.summary.method === undefined ? 'The request was not seen (the capture began after it, or it was lost).' : 'The server sent this unasked: no request goes with it.';
