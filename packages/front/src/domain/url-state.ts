/**
 * What the URL holds, so a view can be shared: the query, the time range, the view and the open
 * entry. `?q=http%20%26%26%20status_code%20%3E%3D%20500&from=…&to=…&view=map&entry=node-a/…`
 */
export const VIEWS = ['feed', 'map', 'stats', 'targets'] as const;
export type ViewName = (typeof VIEWS)[number];

export interface UrlState {
  q: string;
  /** Epoch ms; both absent: the live tail. */
  from?: number;
  to?: number;
  view: ViewName;
  /** The id of the entry whose detail is open. */
  entry?: string;
}

function epoch(text: string | null): number | undefined {
  if (text === null || text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export function parseUrlState(search: string): UrlState {
  const p = new URLSearchParams(search);
  const view = p.get('view');
  const state: UrlState = { q: p.get('q') ?? '', view: (VIEWS as readonly string[]).includes(view ?? '') ? (view as ViewName) : 'feed' };
  const from = epoch(p.get('from'));
  const to = epoch(p.get('to'));
  if (from !== undefined) state.from = from;
  if (to !== undefined) state.to = to;
  const entry = p.get('entry');
  if (entry !== null && entry !== '') state.entry = entry;
  return state;
}

/** The search part for `state`; defaults are left out so a plain page has a plain URL. */
export function toSearch(state: UrlState): string {
  const p = new URLSearchParams();
  if (state.q !== '') p.set('q', state.q);
  if (state.from !== undefined) p.set('from', String(state.from));
  if (state.to !== undefined) p.set('to', String(state.to));
  if (state.view !== 'feed') p.set('view', state.view);
  if (state.entry !== undefined) p.set('entry', state.entry);
  const text = p.toString();
  return text === '' ? '' : `?${text}`;
}
