import { memo, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { FeedItem, FeedModel } from '../../domain/feed-model.js';
import { feedWindow, slotOf } from '../../domain/feed-window.js';
import type { Selection } from '../../domain/row-selection.js';
import { formatCount, formatLatency, formatTime, statusClass } from '../../domain/format.js';
import { endpointTerm, variableTerm } from '../../domain/filter-snippet.js';
import { protocolBadgeStyle } from '../../domain/protocol-colors.js';
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

interface RowProps {
  item: FeedItem;
  top: number;
  onOpen: (id: string) => void;
  onFilter: OnFilter;
  /** The keyboard's row or the entry whose detail is open. */
  selected: boolean;
}

/**
 * Memoized: rows are immutable objects in the buffer, so a row whose slot did not move renders
 * nothing (its props are compared one by one: keep the callbacks stable).
 */
const Row = memo(function Row({ item, top, onOpen, onFilter, selected }: RowProps) {
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
  return (
    <div className={selected ? 'row selected' : 'row'} style={{ top }} data-id={item.id} aria-selected={selected} onClick={() => onOpen(item.id)}>
      <FilterValue term={variableTerm('protocol', item.protocol)} onFilter={onFilter} className="badge" style={protocolBadgeStyle(item.protocol)}>
        {item.abbr}
      </FilterValue>
      {item.method === undefined ? <span className="method" /> : <FilterValue term={variableTerm('method', item.method)} onFilter={onFilter} className="method">{item.method}</FilterValue>}
      {/* A row with a method shows the request's path (a command without key: none); others show the summary, which no variable holds whole. */}
      <span className="text" title={item.outcome !== undefined ? `${item.text} ${item.outcome}`.trim() : item.text}>
        {item.method === undefined || item.text === '' ? item.text : <FilterValue term={variableTerm('path', item.text)} onFilter={onFilter}>{item.text}</FilterValue>}
        {item.outcome !== undefined && <span className={item.result === 'error' ? 'outcome status-server-error' : 'outcome'}>{item.outcome}</span>}
      </span>
      {item.status === undefined ? <span className="status" /> : <FilterValue term={variableTerm('status_code', item.status)} onFilter={onFilter} className={`status status-${item.result === 'error' ? 'server-error' : statusClass(item.status)}`}>{item.status}</FilterValue>}
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
});

/**
/**
 * The virtualized live feed: only the rows on screen are in the DOM. At thousands of entries a
 * second it renders once per animation frame (the model's batches), never reads the layout to
 * decide what to show (feedWindow), and reuses each row's element for the row that takes its
 * slot, so following the tail costs the new rows only. `selected` is the keyboard's row (kept in
 * view); `empty` is what shows while there is no row.
 */
export function LiveFeed({ model, onTop, actions, selected, empty }: { model: FeedModel; onTop: () => void; actions: RowActions; selected?: Selection | undefined; empty?: ReactNode }) {
  useModel(model);
  const viewport = useRef<HTMLDivElement>(null);
  /**
   * Where the viewport is scrolled, as far as this view knows without reading the layout: the
   * offset of the last scroll event, or the tail it last wrote itself. A pause (Space) while
   * following shows the rows from here, where the tail is, not from an older offset.
   */
  const scrollTop = useRef(0);
  /** The offset this view wrote and whose scroll event has not come yet: that event is not the user's. */
  const ownScroll = useRef<number | undefined>(undefined);
  /** Re-renders the window after the user scrolled. */
  const [, setScrolled] = useState(0);
  const [height, setHeight] = useState(600);
  const rows = model.rows;
  const total = rows.length;
  const win = feedWindow({ total, rowHeight: ROW_HEIGHT, height, scrollTop: scrollTop.current, following: model.following, overscan: OVERSCAN });
  /** The tail's scroll offset as last rendered: a scroll event there is the view's own, or the user back at the bottom. */
  const renderedTail = useRef(0);

  useLayoutEffect(() => {
    const el = viewport.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Following: keep the newest row in view after every update (a write, no layout read). Not
  // following: rows put before the head by a history page move what is on screen down; scroll
  // by as much so it stays put.
  const pagesSeen = useRef(0);
  useLayoutEffect(() => {
    const el = viewport.current;
    if (el === null) return;
    renderedTail.current = win.tailTop;
    if (model.following && scrollTop.current !== win.tailTop) {
      el.scrollTop = win.tailTop;
      scrollTop.current = win.tailTop;
      ownScroll.current = win.tailTop;
    } else if (!model.following && model.pagesTaken !== pagesSeen.current) el.scrollTop += model.lastPrepended * ROW_HEIGHT;
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
    const top = viewport.current!.scrollTop;
    const own = ownScroll.current !== undefined && Math.abs(top - ownScroll.current) <= TAIL_SLACK;
    ownScroll.current = undefined;
    scrollTop.current = top;
    const atTail = renderedTail.current - top <= TAIL_SLACK;
    // The view's own scroll to the tail: nothing changed, no second render. Also when a pause
    // came between the write and its event: that event must not resume following.
    if (atTail && (model.following || own)) return;
    setScrolled(top);
    model.follow(atTail);
    if (top === 0 && total * ROW_HEIGHT > height) onTop();
  };

  const visible = [];
  for (let i = win.first; i < win.last; i++) {
    const item = rows.at(i);
    if (item !== undefined) {
      const isSelected = item.id === selected?.id || item.id === actions.selected;
      visible.push(<Row key={slotOf(i, win.slots)} item={item} top={i * ROW_HEIGHT} onOpen={actions.onOpen} onFilter={actions.onFilter} selected={isSelected} />);
    }
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
