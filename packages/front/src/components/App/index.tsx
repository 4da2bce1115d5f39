import { useCallback } from 'react';
import { addTerm, type FilterTerm } from '../../domain/filter-snippet.js';
import { EntryDetail } from '../EntryDetail/index.js';
import { FilterBar } from '../FilterBar/index.js';
import { LiveFeed } from '../LiveFeed/index.js';
import { ServiceMap } from '../ServiceMap/index.js';
import { Stats } from '../Stats/index.js';
import { StatusBar } from '../StatusBar/index.js';
import { TimeRange } from '../TimeRange/index.js';
import { windowOf } from '../../domain/time-range.js';
import { VIEWS, type ViewName } from '../../domain/url-state.js';
import { useFeed } from './use-feed.js';
import { useUrlState } from './use-url-state.js';

const VIEW_LABELS: Record<ViewName, string> = { feed: 'Feed', map: 'Service map', stats: 'Statistics', targets: 'Targets' };

/**
 * The page: a top bar (filter, time range, views, actions), the chosen view, the status bar.
 * Every component gets what it shows and callbacks; the URL holds the state worth sharing.
 */
export function App() {
  const [url, setUrl] = useUrlState();
  const timeWindow = windowOf(url.from, url.to);
  const { model, controller, api } = useFeed(url.q, timeWindow);
  // Click-to-filter: the term joins the query as a new history step; the feed re-opens with it.
  const onFilter = useCallback((term: FilterTerm, negate: boolean) => setUrl({ q: addTerm(url.q, term, negate) }, true), [url.q, setUrl]);
  const openEntry = useCallback((id: string) => setUrl({ entry: id }), [setUrl]);
  const closeEntry = useCallback(() => setUrl({ entry: undefined }), [setUrl]);
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Shoal</span>
        <FilterBar query={url.q} onApply={(q) => setUrl({ q }, true)} api={api} model={model} />
        <TimeRange window={timeWindow} onChange={(w) => setUrl({ from: w?.from, to: w?.to }, true)} />
        <nav className="views">
          {VIEWS.map((v) => (
            <button key={v} className={v === url.view ? 'view-tab active' : 'view-tab'} data-view={v} onClick={() => setUrl({ view: v })}>
              {VIEW_LABELS[v]}
            </button>
          ))}
        </nav>
      </header>
      <div className="content">
        {url.view === 'feed' && <LiveFeed model={model} onTop={() => void controller.loadOlder()} actions={{ onOpen: openEntry, onFilter, selected: url.entry }} />}
        {url.view === 'feed' && url.entry !== undefined && <EntryDetail id={url.entry} api={api} base="/api" onOpen={openEntry} onClose={closeEntry} onFilter={onFilter} />}
        {url.view === 'map' && <ServiceMap api={api} url={url} setUrl={setUrl} />}
        {url.view === 'stats' && <Stats api={api} url={url} setUrl={setUrl} />}
      </div>
      <StatusBar model={model} />
    </div>
  );
}
