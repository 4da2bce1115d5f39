import type { EntryDetailJson } from '../../domain/entry-detail.js';
import { formatLatency, formatTime, statusClass } from '../../domain/format.js';
import type { HubApi } from '../../domain/hub-api.js';
import { STREAM_LIMIT, useStreamEntries } from './use-entry-detail.js';

/** The other entries of the same connection (keep-alive, pipelining), oldest first; a click opens one. */
export function StreamEntries({ api, entry, onOpen }: { api: HubApi; entry: EntryDetailJson; onOpen: (id: string) => void }) {
  const loaded = useStreamEntries(api, entry.stream);
  return (
    <details className="detail-section" open data-section="stream">
      <summary>
        Stream <span className="count">{loaded.state === 'done' ? `${loaded.value.entries.length}${loaded.value.more ? `, the newest ${STREAM_LIMIT}` : ''} entries` : ''}</span>
      </summary>
      {loaded.state === 'loading' && <div className="body-note">Loading…</div>}
      {loaded.state === 'error' && <div className="body-note detail-error">Could not list the stream: {loaded.message}</div>}
      {loaded.state === 'done' && (
        <table className="stream-table">
          <tbody>
            {loaded.value.entries.map((e) => (
              <tr key={e.id} data-stream-entry={e.id} className={e.id === entry.id ? 'current' : ''} onClick={() => onOpen(e.id)}>
                <td className="time">{formatTime(e.timestamp)}</td>
                <td className="method">{e.summary.method ?? ''}</td>
                <td className="text">{e.summary.path ?? e.summary.text}</td>
                <td className={`status status-${statusClass(e.summary.status)}`}>{e.summary.status ?? ''}</td>
                <td className="latency">{formatLatency(e.elapsedMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
