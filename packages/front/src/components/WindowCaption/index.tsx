import { formatCount, formatTime } from '../../domain/format.js';
import type { TimeWindow } from '../../domain/time-window.js';
import { LIVE_REFRESH_MS } from '../App/use-window-query.js';
import './window-caption.css';

export interface WindowCaptionProps {
  window: TimeWindow | undefined;
  entries: number | undefined;
  truncated: boolean | undefined;
  unavailable: Record<string, string> | undefined;
  loading: boolean;
}

/** Which window an aggregate view shows, how many entries it read, and what it could not read. */
export function WindowCaption({ window: w, entries, truncated, unavailable, loading }: WindowCaptionProps) {
  if (w === undefined) return <span className="window-caption">{loading ? 'loading…' : ''}</span>;
  const down = Object.entries(unavailable ?? {});
  const span = Math.round((w.to - w.from) / 60_000);
  return (
    <span className="window-caption" data-testid="window-caption">
      {w.live ? `last ${span} minutes, refreshed every ${LIVE_REFRESH_MS / 1000} s` : `${formatTime(w.from)} – ${formatTime(w.to)}`}
      {entries !== undefined && ` · ${formatCount(entries)} entries`}
      {truncated === true && <span className="window-warning"> · cut at the hub's read limit: narrow the range</span>}
      {down.length > 0 && (
        <span className="window-warning" title={down.map(([name, why]) => `${name}: ${why}`).join('\n')}>
          {' '}
          · {down.length} worker{down.length > 1 ? 's' : ''} did not answer
        </span>
      )}
    </span>
  );
}
