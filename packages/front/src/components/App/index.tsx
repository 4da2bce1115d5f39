import { useState } from 'react';
import { EmptyFeed } from '../EmptyFeed/index.js';
import { HelpOverlay } from '../HelpOverlay/index.js';
import { HubBanner } from '../HubBanner/index.js';
import { useKeyboard } from '../Keyboard/use-keyboard.js';
import { LiveFeed } from '../LiveFeed/index.js';
import { PcapExport } from '../PcapExport/index.js';
import { StatusBar } from '../StatusBar/index.js';
import { Targets } from '../Targets/index.js';
import { ThemeToggle } from '../ThemeToggle/index.js';
import type { Selection } from '../../domain/row-selection.js';
import { VIEWS, type ViewName } from '../../domain/url-state.js';
import { useFeed } from './use-feed.js';
import { useHubSnapshot } from './use-hub-snapshot.js';
import { useUrlState } from './use-url-state.js';

const VIEW_LABELS: Record<ViewName, string> = { feed: 'Feed', map: 'Service map', stats: 'Statistics', targets: 'Targets' };

/**
 * The page: a top bar (filter, time range, views, actions), the chosen view, the status bar.
 * Every component gets what it shows and callbacks; the URL holds the state worth sharing.
 */
export function App() {
  const [url, setUrl] = useUrlState();
  const { model, controller, api } = useFeed(url.q);
  const hub = useHubSnapshot(api, model);
  const [selection, setSelection] = useState<Selection | undefined>(undefined);
  const [helpOpen, setHelpOpen] = useState(false);
  useKeyboard({
    model, feedShown: url.view === 'feed', selection, select: setSelection, helpOpen, setHelpOpen,
    openEntry: (entry) => setUrl({ entry }),
    closeEntry: () => {
      if (url.entry === undefined) return false;
      setUrl({ entry: undefined });
      return true;
    },
  });
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
        <span className="topbar-actions">
          <PcapExport q={url.q} from={url.from} to={url.to} />
          <ThemeToggle />
          <button className="icon-button" title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts" onClick={() => setHelpOpen(true)}>
            ?
          </button>
        </span>
      </header>
      <HubBanner model={model} />
      <div className="content">
        {url.view === 'feed' && <LiveFeed model={model} onTop={() => void controller.loadOlder()} selected={selection} empty={<EmptyFeed model={model} hub={hub} filter={url.q} />} />}
        {url.view === 'targets' && <Targets api={api} hub={hub} onChanged={hub.refresh} />}
      </div>
      <StatusBar model={model} hub={hub} />
      {helpOpen && <HelpOverlay onClose={() => setHelpOpen(false)} />}
    </div>
  );
}
