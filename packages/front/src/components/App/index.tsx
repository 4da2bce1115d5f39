import { FilterBar } from '../FilterBar/index.js';
import { LiveFeed } from '../LiveFeed/index.js';
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
        {url.view === 'feed' && <LiveFeed model={model} onTop={() => void controller.loadOlder()} />}
      </div>
      <StatusBar model={model} />
    </div>
  );
}
