import type { FeedModel } from '../../domain/feed-model.js';
import { formatCount, formatTime } from '../../domain/format.js';
import { useModel } from '../App/use-model.js';

function connectionText(model: FeedModel): string {
  // A past window has no live stream: its rows are all the hub had stored for it.
  if (model.window !== undefined) return `viewing ${formatTime(model.window.from)} – ${formatTime(model.window.to)}`;
  const s = model.state;
  switch (s.kind) {
    case 'connecting':
      return s.attempt > 1 ? `connecting to the hub (attempt ${s.attempt})` : 'connecting to the hub';
    case 'live':
      return 'hub connected';
    case 'disconnected':
      return `hub unreachable (${s.reason}); retrying in ${Math.ceil(s.retryInMs / 1000)} s`;
    case 'rejected':
      return `filter refused: ${s.error.message}`;
  }
}

export function StatusBar({ model }: { model: FeedModel }) {
  useModel(model);
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span className={`connection connection-${model.state.kind}`}>{connectionText(model)}</span>
      <span className="held">
        {formatCount(model.rows.length)} entries in the page
        {model.rows.dropped > 0 && ` (${formatCount(model.rows.dropped)} oldest dropped)`}
      </span>
    </footer>
  );
}
