import { formatCount } from '../../domain/format.js';
import { protocolColor } from '../../domain/protocol-colors.js';
import type { LegendItem } from '../../domain/service-map.js';

/** The protocols of the map with their colours and counts; a click hides or shows a protocol's edges. */
export function MapLegend({ legend, onToggle }: { legend: LegendItem[]; onToggle: (protocol: string) => void }) {
  return (
    <div className="map-legend" role="group" aria-label="Protocols">
      {legend.map((l) => (
        <button
          key={l.protocol}
          className={l.hidden ? 'legend-item hidden' : 'legend-item'}
          aria-pressed={!l.hidden}
          data-protocol={l.protocol}
          title={l.hidden ? `Show ${l.protocol} edges` : `Hide ${l.protocol} edges`}
          onClick={() => onToggle(l.protocol)}
        >
          <span className="legend-swatch" style={{ background: protocolColor(l.protocol) }} />
          {l.protocol.toUpperCase()}
          <span className="legend-count">{formatCount(l.count)}</span>
        </button>
      ))}
    </div>
  );
}
