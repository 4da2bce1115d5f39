import { useLayoutEffect, useRef, useState, type MouseEvent } from 'react';
import { formatBytes, formatCount, formatLatency } from '../../domain/format.js';
import type { MapLayout } from '../../domain/map-layout.js';
import { protocolColor } from '../../domain/protocol-colors.js';
import { groupLabel, type Grouping, type MapEdge, type MapWorkload, type ServiceMapView } from '../../domain/service-map.js';
import { formatShare } from '../../domain/traffic-stats.js';
import { keyboardClick } from './keyboard-click.js';
import { MapNodeCard } from './MapNodeCard.js';

const ZOOMS = [0.4, 0.5, 0.67, 0.8, 1, 1.25, 1.5];
/** "Fit" never shrinks the map below this: smaller, names cannot be read. */
const FIT_MIN = 0.4;
/** A hover card is at most this wide: nearer the right edge, it opens to the left of the pointer. */
const HOVER_ROOM = 400;

type Hover = { kind: 'edge'; edge: MapEdge; x: number; y: number } | { kind: 'node'; node: MapWorkload; x: number; y: number };

interface MapCanvasProps {
  view: ServiceMapView;
  layout: MapLayout;
  grouping: Grouping;
  onEdge: (e: MapEdge) => void;
  onNode: (n: MapWorkload) => void;
}

/** Stroke width by traffic: 1.5 px for the quietest edge, 5 px for the busiest (log scale). */
function strokeWidth(count: number, max: number): number {
  return max <= 1 ? 2 : 1.5 + (3.5 * Math.log(count)) / Math.log(max);
}

/** The SVG of the map: group boxes, edges with labels and arrowheads, workload cards; a hover card. */
export function MapCanvas({ view, layout, grouping, onEdge, onNode }: MapCanvasProps) {
  // 'fit': as large as fits the canvas, at most 100 % (the initial zoom); else a step of ZOOMS.
  const [zoomStep, setZoomStep] = useState<number | 'fit'>('fit');
  const scroller = useRef<HTMLDivElement>(null);
  const [room, setRoom] = useState({ width: 1200, height: 700 });
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => setRoom({ width: el.clientWidth, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const fit = Math.max(FIT_MIN, Math.min(1, (room.width - 8) / layout.width, (room.height - 8) / layout.height));
  const zoom = zoomStep === 'fit' ? fit : zoomStep;
  const [hover, setHover] = useState<Hover | undefined>(undefined);
  const maxCount = Math.max(1, ...view.edges.map((e) => e.count));
  const edgesById = new Map(view.edges.map((e) => [e.id, e]));
  const highlighted = hover?.kind === 'node' ? hover.node.id : undefined;
  const where = (ev: MouseEvent): { x: number; y: number } => {
    const box = (ev.currentTarget as Element).closest('.map-canvas')!.getBoundingClientRect();
    return { x: ev.clientX - box.left, y: ev.clientY - box.top };
  };
  const stepZoom = (dir: 1 | -1): void => {
    // From 'fit', the next step is the first one beyond the fitted zoom in that direction.
    const next = dir > 0 ? ZOOMS.find((z) => z > zoom + 0.001) : [...ZOOMS].reverse().find((z) => z < zoom - 0.001);
    if (next !== undefined) setZoomStep(next);
  };

  return (
    <div className="map-canvas" onMouseLeave={() => setHover(undefined)}>
      <div className="map-scroll" ref={scroller}>
        <svg width={layout.width * zoom} height={layout.height * zoom} viewBox={`0 0 ${layout.width} ${layout.height}`} role="group" aria-label="Service map">
          {layout.groups.map((g) => (
            <g key={g.key} className="map-group" data-group={g.key}>
              <rect x={g.x} y={g.y} width={g.width} height={g.height} rx={10} />
              <text x={g.x + 14} y={g.y + 21}>
                {groupLabel(g.key, grouping)}
              </text>
            </g>
          ))}
          {/* Quietest first: the busy edges' labels, the ones read, are painted over the lines of the quiet ones. */}
          {[...layout.edges].sort((a, b) => edgesById.get(a.id)!.count - edgesById.get(b.id)!.count).map((placed) => {
            const e = edgesById.get(placed.id)!;
            const color = protocolColor(e.protocol);
            const dim = highlighted !== undefined && e.source !== highlighted && e.target !== highlighted;
            const active = hover?.kind === 'edge' && hover.edge.id === e.id;
            const label = e.errors > 0 ? `${formatCount(e.count)} · ${formatShare(e.errorRate)} err` : formatCount(e.count);
            const pill = label.length * 6.4 + 14;
            return (
              <g
                key={placed.id}
                className={`map-edge${dim ? ' dim' : ''}${active ? ' active' : ''}${e.errors > 0 ? ' has-errors' : ''}`}
                data-edge={e.id}
                data-source={e.source}
                data-target={e.target}
                data-protocol={e.protocol}
                data-count={e.count}
                onClick={() => onEdge(e)}
                {...keyboardClick(() => onEdge(e), `${e.protocol} from ${e.source} to ${e.target}: ${e.count} requests; open in the feed`)}
                onMouseMove={(ev) => setHover({ kind: 'edge', edge: e, ...where(ev) })}
                onMouseLeave={() => setHover(undefined)}
              >
                <path className="edge-hit" d={placed.path} />
                <path className="edge-line" d={placed.path} style={{ stroke: color, strokeWidth: strokeWidth(e.count, maxCount) }} />
                <polygon points={placed.arrow.map((p) => `${p.x},${p.y}`).join(' ')} style={{ fill: color }} />
                <g className="edge-label" transform={`translate(${placed.label.x},${placed.label.y})`}>
                  <rect x={placed.labelAnchor === 'start' ? 0 : -pill / 2} y={-9} width={pill} height={18} rx={9} style={{ stroke: color }} />
                  <text textAnchor="middle" x={placed.labelAnchor === 'start' ? pill / 2 : 0} y={4}>
                    {label}
                  </text>
                </g>
              </g>
            );
          })}
          {view.nodes.map((n) => (
            <MapNodeCard
              key={n.id}
              node={n}
              rect={layout.nodes.get(n.id)!}
              dim={highlighted !== undefined && highlighted !== n.id && !view.edges.some((e) => (e.source === highlighted && e.target === n.id) || (e.target === highlighted && e.source === n.id))}
              onClick={() => onNode(n)}
              onHover={(ev) => setHover({ kind: 'node', node: n, ...where(ev) })}
              onLeave={() => setHover(undefined)}
            />
          ))}
        </svg>
      </div>
      <div className="map-zoom">
        <button onClick={() => stepZoom(-1)} title="Zoom out" aria-label="Zoom out">
          −
        </button>
        <button className={zoomStep === 'fit' ? 'zoom-fit active' : 'zoom-fit'} onClick={() => setZoomStep('fit')} title="Fit the map in the view">
          {Math.round(zoom * 100)} %
        </button>
        <button onClick={() => stepZoom(1)} title="Zoom in" aria-label="Zoom in">
          +
        </button>
      </div>
      {hover !== undefined && <HoverCard hover={hover} view={view} flip={hover.x > room.width - HOVER_ROOM} />}
    </div>
  );
}

function HoverCard({ hover, view, flip }: { hover: Hover; view: ServiceMapView; flip: boolean }) {
  const style = flip ? { right: `calc(100% - ${hover.x - 16}px)`, top: hover.y + 12 } : { left: hover.x + 16, top: hover.y + 12 };
  if (hover.kind === 'node') {
    const n = hover.node;
    const out = view.edges.filter((e) => e.source === n.id);
    const inn = view.edges.filter((e) => e.target === n.id);
    const sum = (es: MapEdge[]): number => es.reduce((a, e) => a + e.count, 0);
    return (
      <div className="map-hover" style={style} data-testid="map-hover">
        <div className="hover-title">{n.name}</div>
        <dl>
          <dt>kind</dt>
          <dd>{n.kind === 'ip' ? 'address' : n.kind}</dd>
          {n.namespace !== null && (
            <>
              <dt>namespace</dt>
              <dd>{n.namespace}</dd>
            </>
          )}
          {n.node != null && (
            <>
              <dt>node</dt>
              <dd>{n.node}</dd>
            </>
          )}
          <dt>calls out</dt>
          <dd>{formatCount(sum(out))}</dd>
          <dt>calls in</dt>
          <dd>{formatCount(sum(inn))}</dd>
        </dl>
        <div className="hover-hint">Click to show its entries in the feed</div>
      </div>
    );
  }
  const e = hover.edge;
  return (
    <div className="map-hover" style={style} data-testid="map-hover">
      <div className="hover-title">
        <span className="legend-swatch" style={{ background: protocolColor(e.protocol) }} />
        {e.protocol.toUpperCase()}
      </div>
      <div className="hover-route">
        {e.source} → {e.target}
      </div>
      <dl>
        <dt>requests</dt>
        <dd>{formatCount(e.count)}</dd>
        <dt>bytes</dt>
        <dd>{formatBytes(e.bytes)}</dd>
        <dt>errors</dt>
        <dd className={e.errors > 0 ? 'hover-errors' : ''}>
          {formatCount(e.errors)} ({formatShare(e.errorRate)})
        </dd>
        <dt>latency p50</dt>
        <dd>{formatLatency(e.p50Ms)}</dd>
        <dt>latency p95</dt>
        <dd>{formatLatency(e.p95Ms)}</dd>
      </dl>
      <div className="hover-hint">Click to show these entries in the feed</div>
    </div>
  );
}
