import type { EntryDetailJson } from '../../domain/entry-detail.js';
import { formatBytes, formatLatency, formatTime } from '../../domain/format.js';
import type { OnFilter } from '../FilterValue/index.js';
import { filterValues } from './detail-tables.js';
import { Section } from './section.js';

/** What every entry has: protocol, status, time, elapsed, sizes, malformed, capture, stream, id. */
export function GeneralSection({ entry, onFilter }: { entry: EntryDetailJson; onFilter: OnFilter }) {
  const v = filterValues(onFilter);
  return (
    <Section name="general" title="General">
      <table className="kv-table">
        <tbody>
          <tr>
            <th>protocol</th>
            <td>
              {v('protocol', entry.protocol.name)} {entry.protocol.version ?? ''} over {entry.protocol.layer4}
            </td>
          </tr>
          {entry.response?.status !== undefined && (
            <tr>
              <th>status</th>
              <td>
                {v('status_code', entry.response.status)} {entry.response.statusText ?? ''}
              </td>
            </tr>
          )}
          <tr>
            <th>time</th>
            <td title={String(entry.timestamp)}>
              {new Date(entry.timestamp).toISOString().slice(0, 10)} {formatTime(entry.timestamp)}
            </td>
          </tr>
          <tr>
            <th>elapsed</th>
            <td>{formatLatency(entry.elapsedMs)}</td>
          </tr>
          <tr>
            <th>sizes</th>
            <td>
              request {formatBytes(entry.requestSize)}, response {formatBytes(entry.responseSize)} on the wire
            </td>
          </tr>
          {entry.malformed !== undefined && (
            <tr className="malformed">
              <th>malformed</th>
              <td>
                {v('malformed_code', entry.malformed.code)} in the {entry.malformed.at}
              </td>
            </tr>
          )}
          <tr>
            <th>capture</th>
            <td>
              {v('capture_source', entry.capture)} on {entry.node.name === '' ? 'a file' : v('node_name', entry.node.name)}, worker {entry.worker}
            </td>
          </tr>
          <tr>
            <th>stream</th>
            <td>{v('stream', entry.stream)}</td>
          </tr>
          <tr>
            <th>id</th>
            <td>{entry.id}</td>
          </tr>
        </tbody>
      </table>
    </Section>
  );
}
