import type { MouseEvent } from 'react';
import type { Rect } from '../../domain/map-layout.js';
import type { MapWorkload } from '../../domain/service-map.js';
import { keyboardClick } from './keyboard-click.js';

const KIND_LABEL = { pod: 'pod', service: 'service', ip: 'address' } as const;
/** Characters of a name that fit a card; longer names end in "…" and show whole on hover. */
const NAME_FIT = 24;

const fit = (text: string): string => (text.length <= NAME_FIT ? text : `${text.slice(0, NAME_FIT - 1)}…`);

interface MapNodeCardProps {
  node: MapWorkload;
  rect: Rect;
  dim: boolean;
  onClick: () => void;
  onHover: (ev: MouseEvent) => void;
  onLeave: () => void;
}

/** One workload: a card with its name, and its kind and namespace underneath. */
export function MapNodeCard({ node, rect, dim, onClick, onHover, onLeave }: MapNodeCardProps) {
  const sub = node.namespace === null ? KIND_LABEL[node.kind] : `${KIND_LABEL[node.kind]} · ${node.namespace}`;
  return (
    <g className={`map-node kind-${node.kind}${dim ? ' dim' : ''}`} data-node={node.id} transform={`translate(${rect.x},${rect.y})`} onClick={onClick} onMouseMove={onHover} onMouseLeave={onLeave} {...keyboardClick(onClick, `${node.name} (${sub}): open its entries in the feed`)}>
      <rect className="node-card" width={rect.width} height={rect.height} rx={7} />
      <rect className="node-kind" width={4} height={rect.height - 12} x={6} y={6} rx={2} />
      <text className="node-name" x={18} y={20}>
        {fit(node.name)}
      </text>
      <text className="node-sub" x={18} y={36}>
        {fit(sub)}
      </text>
    </g>
  );
}
