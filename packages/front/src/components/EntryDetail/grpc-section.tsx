import { grpcDetail, type GrpcMessageView, type GrpcSideView } from '../../domain/grpc-detail.js';
import type { EntryDetailJson } from '../../domain/entry-detail.js';
import { formatBytes } from '../../domain/format.js';
import type { OnFilter } from '../FilterValue/index.js';
import { KvTable } from './detail-tables.js';
import { Section } from './section.js';

/** One message: when it came, its size and encoding, then its fields as an indented tree. */
function Message({ view, index }: { view: GrpcMessageView; index: number }) {
  return (
    <div className="grpc-message" data-message={index}>
      <div className="grpc-message-head">
        #{index + 1} <span className="count">{view.at}, {view.meta}</span>
      </div>
      {view.lines !== undefined && (
        <table className="proto-tree mono">
          <tbody>
            {view.lines.map((l, i) => (
              <tr key={i} data-field={l.path}>
                <td className="proto-number" style={{ paddingLeft: `${6 + l.depth * 14}px` }}>
                  {l.path}
                </td>
                <td className="proto-type">{l.wireType}</td>
                <td>{l.value}</td>
              </tr>
            ))}
            {view.more !== undefined && (
              <tr>
                <td className="none" colSpan={3}>
                  {view.more} more fields
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {view.text !== undefined && <pre className="body-code">{view.text}</pre>}
      {view.hex !== undefined && <pre className="body-code body-hex">{view.hex}</pre>}
    </div>
  );
}

function Side({ view, wireSize, onFilter }: { view: GrpcSideView; wireSize: number; onFilter: OnFilter }) {
  const title = view.side === 'request' ? 'Request' : 'Response';
  return (
    <Section name={`grpc-${view.side}`} title={title} note={[view.count, `${formatBytes(wireSize)} on the wire`].filter((s) => s !== '').join(', ')}>
      <KvTable caption="Metadata" className="headers" attrs={{ 'data-headers': `${view.side}-headers` }} rows={view.metadata} onFilter={onFilter} />
      {view.messages.map((m, i) => (
        <Message key={i} view={m} index={i} />
      ))}
      {/* No filter variable holds trailers: they are shown, not clickable. */}
      <KvTable caption="Trailers" className="headers" attrs={{ 'data-headers': `${view.side}-trailers` }} rows={view.trailers} />
      {view.notes.map((n) => (
        <div key={n} className="body-note body-note-warning">
          {n}
        </div>
      ))}
    </Section>
  );
}

/** The call and both sides of a gRPC entry (src/domain/grpc-detail.ts). */
export function GrpcSection({ entry, onFilter }: { entry: EntryDetailJson; onFilter: OnFilter }) {
  const view = grpcDetail(entry);
  return (
    <>
      <Section name="grpc-call" title="gRPC call">
        <KvTable rows={view.call} onFilter={onFilter} attrs={{ 'data-table': 'call' }} />
      </Section>
      {view.sides.map((side) => (
        <Side key={side.side} view={side} wireSize={side.side === 'request' ? entry.requestSize : entry.responseSize} onFilter={onFilter} />
      ))}
    </>
  );
}
