import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { FeedItem, FeedModel } from '../../domain/feed-model.js';
import type { Selection } from '../../domain/row-selection.js';
import { formatCount, formatLatency, formatTime, statusClass } from '../../domain/format.js';
import { endpointTerm, variableTerm } from '../../domain/filter-snippet.js';
import { useModel } from '../App/use-model.js';
import { FilterValue, type OnFilter } from '../FilterValue/index.js';

/** Every row has this height, so the rows on screen follow from the scroll offset alone. */
export const ROW_HEIGHT = 26;
const OVERSCAN = 10;
/** Within this many pixels of the bottom counts as following the tail. */
const TAIL_SLACK = 4;

/** What a row does when clicked: open its detail, or (on a value) add the value to the query. */
export interface RowActions {
  onOpen: (id: string) => void;
  onFilter: OnFilter;
  /** The entry whose detail is open, highlighted. */
  selected?: string | undefined;
}

/** `selected`: the keyboard's row or the entry whose detail is open. */
function Row({ item, top, actions, selected }: { item: FeedItem; top: number; actions: RowActions; selected: boolean }) {
  if (item.kind === 'gap') {
    const g = item.gap;
    const text =
      g.kind === 'outage'
        ? `hub unreachable ${formatTime(g.from)} – ${formatTime(g.to)}; entries stored meanwhile were replayed`
        : `${formatCount(g.count ?? 0)} entries skipped: the page read too slowly`;
    return (
      <div className="row gap-row" style={{ top }} data-gap={g.kind}>
        {text}
      </div>
    );
  }
  const { onFilter } = actions;
  return (
    <div className={selected ? 'row selected' : 'row'} style={{ top }} data-id={item.id} aria-selected={selected} onClick={() => actions.onOpen(item.id)}>
      <FilterValue term={variableTerm('protocol', item.protocol)} onFilter={onFilter} className={`badge proto-${item.protocol}`}>
        {item.abbr}
      </FilterValue>
      {item.method === undefined ? <span className="method" /> : <FilterValue term={variableTerm('method', item.method)} onFilter={onFilter} className="method">{item.method}</FilterValue>}
      {/* A row with a method shows the request's path; others show the summary, which no variable holds whole. */}
      <span className="text" title={item.text}>
        {item.method === undefined ? item.text : <FilterValue term={variableTerm('path', item.text)} onFilter={onFilter}>{item.text}</FilterValue>}
      </span>
      {item.status === undefined ? <span className="status" /> : <FilterValue term={variableTerm('status_code', item.status)} onFilter={onFilter} className={`status status-${statusClass(item.status)}`}>{item.status}</FilterValue>}
      <span className="endpoint" title={`${item.src.ip}:${item.src.port}`}>
        <FilterValue term={endpointTerm('src', item.src)} onFilter={onFilter}>{item.src.label}</FilterValue>
      </span>
      <span className="arrow">→</span>
      <span className="endpoint" title={`${item.dst.ip}:${item.dst.port}`}>
        <FilterValue term={endpointTerm('dst', item.dst)} onFilter={onFilter}>{item.dst.label}</FilterValue>
      </span>
      <span className="latency">{formatLatency(item.elapsedMs)}</span>
      <span className="time">{formatTime(item.timestamp)}</span>
    </div>
  );
}

/**
 * The virtualized live feed: only the rows on screen are in the DOM. `selected` is the
 * keyboard's row (kept in view); `empty` is what shows while there is no row.
 */
export function LiveFeed({ model, onTop, actions, selected, empty }: { model: FeedModel; onTop: () => void; actions: RowActions; selected?: Selection | undefined; empty?: ReactNode }) {
  useModel(model);
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const rows = model.rows;
  const total = rows.length;

  useLayoutEffect(() => {
    const el = viewport.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Following: keep the newest row in view after every update. Not following: rows put before
  // the head by a history page move what is on screen down; scroll by as much so it stays put.
  const pagesSeen = useRef(0);
  useLayoutEffect(() => {
    const el = viewport.current;
    if (el === null) return;
    if (model.following) el.scrollTop = el.scrollHeight;
    else if (model.pagesTaken !== pagesSeen.current) el.scrollTop += model.lastPrepended * ROW_HEIGHT;
    pagesSeen.current = model.pagesTaken;
  });

  // A newly selected row is scrolled into view, by as little as needed.
  useLayoutEffect(() => {
    const el = viewport.current;
    if (el === null || selected === undefined) return;
    const top = selected.index * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [selected]);

  const onScroll = () => {
    const el = viewport.current!;
    setScrollTop(el.scrollTop);
    model.follow(el.scrollHeight - el.scrollTop - el.clientHeight <= TAIL_SLACK);
    if (el.scrollTop === 0 && el.scrollHeight > el.clientHeight) onTop();
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const visible = [];
  for (let i = first; i < last; i++) {
    const item = rows.at(i);
    if (item !== undefined) visible.push(<Row key={item.id} item={item} top={i * ROW_HEIGHT} actions={actions} selected={item.id === selected?.id || item.id === actions.selected} />);
  }

  return (
    <main className="feed">
      <div className="feed-viewport" ref={viewport} onScroll={onScroll} data-testid="feed">
        <div className="feed-spacer" style={{ height: total * ROW_HEIGHT }}>
          {visible}
        </div>
      </div>
      {total === 0 && empty}
      {!model.following && (
        <button className="jump-latest" onClick={() => model.follow(true)}>
          {formatCount(model.unseen)} new · jump to latest
        </button>
      )}
    </main>
  );
}
