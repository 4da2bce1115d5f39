import { formatBytes, formatCount } from '../../domain/format.js';
import { protocolColor } from '../../domain/protocol-colors.js';
import { formatShare, type ProtocolShare as Share } from '../../domain/traffic-stats.js';

/** One bar split by protocol, then a row per protocol: requests, share, errors, bytes. */
export function ProtocolShare({ protocols }: { protocols: Share[] }) {
  return (
    <div className="protocol-share" data-testid="protocol-share">
      <h3>Protocol share</h3>
      <div className="share-bar" role="img" aria-label={protocols.map((p) => `${p.protocol} ${formatShare(p.share)}`).join(', ')}>
        {protocols.map((p) => (
          <span key={p.protocol} style={{ width: `${p.share * 100}%`, background: protocolColor(p.protocol) }} title={`${p.protocol}: ${formatCount(p.count)} (${formatShare(p.share)})`} />
        ))}
      </div>
      <table className="share-table">
        <thead>
          <tr>
            <th>Protocol</th>
            <th>Requests</th>
            <th>Share</th>
            <th>Errors</th>
            <th>Bytes</th>
          </tr>
        </thead>
        <tbody>
          {protocols.map((p) => (
            <tr key={p.protocol} data-protocol={p.protocol} data-count={p.count}>
              <td>
                <span className="legend-swatch" style={{ background: protocolColor(p.protocol) }} />
                {p.protocol.toUpperCase()}
              </td>
              <td className="share-count">{formatCount(p.count)}</td>
              <td>{formatShare(p.share)}</td>
              <td className={p.errors > 0 ? 'bad' : ''}>{formatCount(p.errors)}</td>
              <td>{formatBytes(p.bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
