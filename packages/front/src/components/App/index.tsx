import { useCallback, useEffect, useState } from 'react';
import { addTerm, type FilterTerm } from '../../domain/filter-snippet.js';
import type { Selection } from '../../domain/row-selection.js';
import { windowOf } from '../../domain/time-range.js';
import { EmptyFeed } from '../EmptyFeed/index.js';
import { EntryDetail } from '../EntryDetail/index.js';
import { FilterBar } from '../FilterBar/index.js';
import { HelpOverlay } from '../HelpOverlay/index.js';
import { HubBanner } from '../HubBanner/index.js';
import { useKeyboard } from '../Keyboard/use-keyboard.js';
import { LiveFeed } from '../LiveFeed/index.js';
import { PcapExport } from '../PcapExport/index.js';
import { ServiceMap } from '../ServiceMap/index.js';
import { Stats } from '../Stats/index.js';
import { StatusBar } from '../StatusBar/index.js';
import { Targets } from '../Targets/index.js';
import { ThemeToggle } from '../ThemeToggle/index.js';
import { TimeRange } from '../TimeRange/index.js';
import { VIEWS, type ViewName } from '../../domain/url-state.js';
import { useFeed } from './use-feed.js';
import { useHubSnapshot } from './use-hub-snapshot.js';
import { useUrlState } from './use-url-state.js';

const VIEW_LABELS: Record<ViewName, string> = { feed: 'Feed', map: 'Service map', stats: 'Statistics', targets: 'Targets' };

/**
 * The page: a top bar (filter, time range, views, actions), the chosen view, the status bar.
 * Every component gets what it shows and callbacks; the URL holds the state worth sharing.
 */
/**
 * `user`: who is signed in, shown by the sign-out button (OIDC sign-ins: a token sign-in has no
 * name). `span`: the time span of a file's entries (`shoal view`), which the map and the
 * statistics open on when the URL names no time range.
 */
export function App({ onSessionLost, onSignOut, user, span }: { onSessionLost: () => void; onSignOut?: () => void; user?: string; span?: { from: number; to: number } }) {
  const [url, setUrl] = useUrlState();
  const aggregate = url.view === 'map' || url.view === 'stats';
  useEffect(() => {
    if (span !== undefined && aggregate && url.from === undefined && url.to === undefined) setUrl({ from: span.from, to: span.to });
  }, [span, aggregate, url.from, url.to, setUrl]);
  const timeWindow = windowOf(url.from, url.to);
  const { model, controller, api } = useFeed(url.q, timeWindow, onSessionLost);
  const hub = useHubSnapshot(api, model);
  // Click-to-filter: the term joins the query as a new history step; the feed re-opens with it.
  const onFilter = useCallback((term: FilterTerm, negate: boolean) => setUrl({ q: addTerm(url.q, term, negate) }, true), [url.q, setUrl]);
  const openEntry = useCallback((id: string) => setUrl({ entry: id }), [setUrl]);
  const closeEntry = useCallback(() => setUrl({ entry: undefined }), [setUrl]);
  const [selection, setSelection] = useState<Selection | undefined>(undefined);
  const [helpOpen, setHelpOpen] = useState(false);
  useKeyboard({
    model, feedShown: url.view === 'feed', selection, select: setSelection, helpOpen, setHelpOpen,
    openEntry,
    closeEntry: () => {
      if (url.entry === undefined) return false;
      closeEntry();
      return true;
    },
  });
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
        <span className="topbar-actions">
          <PcapExport q={url.q} from={url.from} to={url.to} />
          <ThemeToggle />
          <button className="icon-button" title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts" onClick={() => setHelpOpen(true)}>
            ?
          </button>
          {user !== undefined && (
            <span className="signed-in-user" data-testid="signed-in-user" title="Signed in as">
              {user}
            </span>
          )}
          {onSignOut !== undefined && (
            <button className="icon-button" data-testid="sign-out" title="Sign out of this dashboard" onClick={onSignOut}>
              Sign out
            </button>
          )}
        </span>
      </header>
      <HubBanner model={model} />
      <div className="content">
        {url.view === 'feed' && (
          <LiveFeed
            model={model}
            onTop={() => void controller.loadOlder()}
            actions={{ onOpen: openEntry, onFilter, selected: url.entry }}
            selected={selection}
            empty={<EmptyFeed model={model} hub={hub} filter={url.q} />}
          />
        )}
        {url.view === 'feed' && url.entry !== undefined && <EntryDetail id={url.entry} api={api} base="/api" onOpen={openEntry} onClose={closeEntry} onFilter={onFilter} />}
        {url.view === 'map' && <ServiceMap api={api} url={url} setUrl={setUrl} />}
        {url.view === 'stats' && <Stats api={api} url={url} setUrl={setUrl} />}
        {url.view === 'targets' && <Targets api={api} hub={hub} onChanged={hub.refresh} />}
      </div>
      <StatusBar model={model} hub={hub} />
      {helpOpen && <HelpOverlay onClose={() => setHelpOpen(false)} />}
    </div>
  );
}
