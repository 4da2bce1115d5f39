import { LiveFeed } from '../LiveFeed/index.js';
import { ServiceMap } from '../ServiceMap/index.js';
import { Stats } from '../Stats/index.js';
import { StatusBar } from '../StatusBar/index.js';
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
  const { model, controller, api } = useFeed(url.q);
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Shoal</span>
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
        {url.view === 'map' && <ServiceMap api={api} url={url} setUrl={setUrl} />}
        {url.view === 'stats' && <Stats api={api} url={url} setUrl={setUrl} />}
      </div>
      <StatusBar model={model} />
    </div>
  );
}
