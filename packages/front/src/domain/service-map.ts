/**
 * The hub's `GET /servicemap` answer (docs/hub.md) turned into what the map draws: workloads
 * with the group they belong to, edges with their error rate, and the protocols for the legend.
 */
import type { ServiceMapAnswer, ServiceMapEdge, ServiceMapNode } from '@shoal/model';

export type WorkloadKind = ServiceMapNode['kind'];

/** A workload as the hub sends it; `node` may be absent from an older hub. */
export type MapNodeJson = Omit<ServiceMapNode, 'node'> & { node?: string | null };
export type MapEdgeJson = ServiceMapEdge;

export type ServiceMapJson = Omit<ServiceMapAnswer, 'nodes'> & { nodes: MapNodeJson[] };

/** How the map boxes workloads. */
export type Grouping = 'namespace' | 'node';

export interface MapWorkload extends MapNodeJson {
  /** The box it is drawn in: its namespace or its node; `''` for none. */
  group: string;
}

export interface MapEdge extends MapEdgeJson {
  /** `source→target/protocol`: unique in one map. */
  id: string;
  /** errors / count, 0..1. */
  errorRate: number;
}

export interface LegendItem {
  protocol: string;
  count: number;
  hidden: boolean;
}

export interface ServiceMapView {
  nodes: MapWorkload[];
  edges: MapEdge[];
  legend: LegendItem[];
  /** Edges the legend hides. */
  hiddenEdges: number;
}

export const edgeId = (e: Pick<MapEdgeJson, 'source' | 'target' | 'protocol'>): string => `${e.source}→${e.target}/${e.protocol}`;

function groupOf(n: MapNodeJson, grouping: Grouping): string {
  return (grouping === 'namespace' ? n.namespace : n.node) ?? '';
}

/**
 * What to draw: the edges of the protocols not hidden, the workloads they touch (each with its
 * group), and every protocol of the answer for the legend, busiest first.
 */
export function buildServiceMap(json: ServiceMapJson, grouping: Grouping, hidden: ReadonlySet<string>): ServiceMapView {
  const byProtocol = new Map<string, number>();
  for (const e of json.edges) byProtocol.set(e.protocol, (byProtocol.get(e.protocol) ?? 0) + e.count);
  const legend = [...byProtocol]
    .map(([protocol, count]) => ({ protocol, count, hidden: hidden.has(protocol) }))
    .sort((a, b) => b.count - a.count || a.protocol.localeCompare(b.protocol));
  const shown = json.edges.filter((e) => !hidden.has(e.protocol));
  const touched = new Set(shown.flatMap((e) => [e.source, e.target]));
  return {
    nodes: json.nodes.filter((n) => touched.has(n.id)).map((n) => ({ ...n, group: groupOf(n, grouping) })),
    edges: shown.map((e) => ({ ...e, id: edgeId(e), errorRate: e.count === 0 ? 0 : e.errors / e.count })),
    legend,
    hiddenEdges: json.edges.length - shown.length,
  };
}

/** The caption of a group box. */
export function groupLabel(group: string, grouping: Grouping): string {
  if (group !== '') return group;
  return grouping === 'namespace' ? 'no namespace (outside the cluster or unresolved)' : 'node unknown (services, outside the cluster)';
}
