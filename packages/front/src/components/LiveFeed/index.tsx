import { memo, useLayoutEffect, useRef, useState } from 'react';
import type { FeedItem, FeedModel } from '../../domain/feed-model.js';
import { feedWindow, slotOf } from '../../domain/feed-window.js';
import { formatCount, formatLatency, formatTime, statusClass } from '../../domain/format.js';
import { useModel } from '../App/use-model.js';

/** Every row has this height, so the rows on screen follow from the scroll offset alone. */
export const ROW_HEIGHT = 26;
const OVERSCAN = 10;
/** Within this many pixels of the bottom counts as following the tail. */
const TAIL_SLACK = 4;

/** Memoized: rows are immutable objects in the buffer, so a row whose slot did not move renders nothing. */
const Row = memo(function Row({ item, top }: { item: FeedItem; top: number }) {
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
    <div className="row" style={{ top }} data-id={item.id}>
      <span className={`badge proto-${item.protocol}`}>{item.abbr}</span>
      <span className="method">{item.method ?? ''}</span>
      <span className="text" title={item.text}>
        {item.text}
      </span>
      <span className={`status status-${statusClass(item.status)}`}>{item.status ?? ''}</span>
      <span className="endpoint" title={`${item.src.ip}:${item.src.port}`}>
        {item.src.label}
      </span>
      <span className="arrow">→</span>
      <span className="endpoint" title={`${item.dst.ip}:${item.dst.port}`}>
        {item.dst.label}
      </span>
      <span className="latency">{formatLatency(item.elapsedMs)}</span>
      <span className="time">{formatTime(item.timestamp)}</span>
    </div>
  );
});

/**
 * The virtualized live feed: only the rows on screen are in the DOM. At thousands of entries a
 * second it renders once per animation frame (the model's batches), never reads the layout to
 * decide what to show (feedWindow), and reuses each row's element for the row that takes its
 * slot, so following the tail costs the new rows only.
 */
export function LiveFeed({ model, onTop }: { model: FeedModel; onTop: () => void }) {
  useModel(model);
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const rows = model.rows;
  const total = rows.length;
  const win = feedWindow({ total, rowHeight: ROW_HEIGHT, height, scrollTop, following: model.following, overscan: OVERSCAN });
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
    if (model.following) el.scrollTop = win.tailTop;
    else if (model.pagesTaken !== pagesSeen.current) el.scrollTop += model.lastPrepended * ROW_HEIGHT;
    pagesSeen.current = model.pagesTaken;
  });

  const onScroll = () => {
    const top = viewport.current!.scrollTop;
    const atTail = renderedTail.current - top <= TAIL_SLACK;
    // The view's own scroll to the tail: nothing changed, no second render.
    if (atTail && model.following) return;
    setScrollTop(top);
    model.follow(atTail);
    if (top === 0 && total * ROW_HEIGHT > height) onTop();
  };

  const visible = [];
  for (let i = win.first; i < win.last; i++) {
    const item = rows.at(i);
    if (item !== undefined) visible.push(<Row key={slotOf(i, win.slots)} item={item} top={i * ROW_HEIGHT} />);
  }
  return (
    <main className="feed">
      <div className="feed-viewport" ref={viewport} onScroll={onScroll} data-testid="feed">
        <div className="feed-spacer" style={{ height: total * ROW_HEIGHT }}>
          {visible}
        </div>
      </div>
      {!model.following && (
        <button className="jump-latest" onClick={() => model.follow(true)}>
          {formatCount(model.unseen)} new · jump to latest
        </button>
      )}
    </main>
  );
}
