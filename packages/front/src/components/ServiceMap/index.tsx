import { useMemo, useState } from 'react';
import type { HubApi } from '../../domain/hub-api.js';
import { edgeFilter, narrowQuery, nodeFilter } from '../../domain/map-filter.js';
import { layoutMap } from '../../domain/map-layout.js';
import { buildServiceMap, type Grouping } from '../../domain/service-map.js';
import type { UrlState } from '../../domain/url-state.js';
import { loadServiceMap } from '../../domain/window-loads.js';
import { useWindowQuery } from '../App/use-window-query.js';
import { EmptyWindow } from '../EmptyWindow/index.js';
import { WindowCaption } from '../WindowCaption/index.js';
import { MapCanvas } from './MapCanvas.js';
import { MapLegend } from './MapLegend.js';
import './servicemap.css';

export interface ServiceMapProps {
  api: HubApi;
  url: UrlState;
  setUrl: (change: Partial<UrlState>, push?: boolean) => void;
}

/**
 * Who talks to whom in the URL's query and time range (the hub's /servicemap), grouped by
 * namespace or node, with a legend that hides protocols. Clicking a workload or an edge opens
 * the feed narrowed to it.
 */
export function ServiceMap({ api, url, setUrl }: ServiceMapProps) {
  const answer = useWindowQuery((w) => loadServiceMap(api, url.q, w), url);
  const [grouping, setGrouping] = useState<Grouping>('namespace');
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const json = answer.data?.data;
  const view = useMemo(() => (json === undefined ? undefined : buildServiceMap(json, grouping, hidden)), [json, grouping, hidden]);
  const layout = useMemo(() => (view === undefined ? undefined : layoutMap(view.nodes, view.edges)), [view]);

  const toggle = (protocol: string): void => {
    const next = new Set(hidden);
    if (!next.delete(protocol)) next.add(protocol);
    setHidden(next);
  };
  const openFeed = (clause: string): void => setUrl({ q: narrowQuery(url.q, clause), view: 'feed' }, true);
  const nodes = useMemo(() => new Map(view?.nodes.map((n) => [n.id, n])), [view]);

  return (
    <section className="servicemap" data-testid="servicemap">
      <div className="map-toolbar">
        <div className="segmented" role="group" aria-label="Group by">
          <span className="segmented-label">Group by</span>
          {(['namespace', 'node'] as const).map((g) => (
            <button key={g} className={g === grouping ? 'active' : ''} aria-pressed={g === grouping} onClick={() => setGrouping(g)}>
              {g === 'namespace' ? 'Namespace' : 'Node'}
            </button>
          ))}
        </div>
        {view !== undefined && <MapLegend legend={view.legend} onToggle={toggle} />}
        <WindowCaption window={answer.window} entries={json?.entries} truncated={json?.truncated} unavailable={json?.unavailable} loading={answer.loading} />
      </div>
      {answer.error !== undefined && <div className="window-error">The hub did not answer the map: {answer.error.message}</div>}
      {answer.data?.empty !== undefined && <EmptyWindow reason={answer.data.empty} what="map" onShow={(range) => setUrl({ ...range }, true)} />}
      {view !== undefined && layout !== undefined && view.edges.length === 0 && view.hiddenEdges > 0 && (
        <div className="empty-window">Every protocol is hidden: click one in the legend to show its edges.</div>
      )}
      {view !== undefined && layout !== undefined && view.edges.length > 0 && (
        <MapCanvas
          view={view}
          layout={layout}
          grouping={grouping}
          onEdge={(e) => openFeed(edgeFilter(e, nodes.get(e.source)!, nodes.get(e.target)!))}
          onNode={(n) => openFeed(nodeFilter(n))}
        />
      )}
    </section>
  );
}
