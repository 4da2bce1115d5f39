import type { EmptyReason } from '../../domain/empty-window.js';
import { formatTime } from '../../domain/format.js';
import './empty-window.css';

/** Why an aggregate view is empty, with a way to the window where the stored traffic is. */
export function EmptyWindow({ reason, what, onShow }: { reason: EmptyReason; what: string; onShow: (range: { from: number; to: number }) => void }) {
  const suggest = reason.suggest;
  return (
    <div className="empty-window" data-testid={`empty-${what}`}>
      <p>{reason.text}</p>
      {suggest !== undefined && (
        <button className="empty-window-show" onClick={() => onShow(suggest)}>
          Show {formatTime(suggest.from)} – {formatTime(suggest.to)}, where the newest stored traffic is
        </button>
      )}
    </div>
  );
}
