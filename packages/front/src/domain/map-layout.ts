/**
 * Where the service map puts its boxes: a layered layout in a grid. Columns are layers of the
 * call graph (clients left of their servers: the longest path from a workload nobody calls,
 * after the back edges of cycles are set aside), rows are groups (namespaces or nodes), each a
 * box. A workload sits in its group's row and its layer's column, stacked under the others of
 * that cell, so boxes never overlap. Everything is sorted by id first, so the same map gives the
 * same picture whatever order the hub listed it in.
 */

export interface LayoutInputNode {
  id: string;
  group: string;
}

export interface LayoutInputEdge {
  id: string;
  source: string;
  target: string;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface PlacedEdge {
  id: string;
  /** SVG path data: one cubic Bézier from the source's side to the target's. */
  path: string;
  /** The arrowhead at the target: three points. */
  arrow: [Point, Point, Point];
  /** Where a label goes: the middle of the curve; for a self-loop, just right of the loop. */
  label: Point;
  /** How the label sits on its point: centred on it, or starting at it (beside a loop). */
  labelAnchor: 'middle' | 'start';
}

export interface MapLayout {
  width: number;
  height: number;
  groups: (Rect & { key: string })[];
  nodes: Map<string, Rect>;
  edges: PlacedEdge[];
}

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 46;
const COLUMN_GAP = 170;
const ROW_GAP = 14;
const GROUP_PAD = { top: 34, side: 24, bottom: 20 };
const GROUP_GAP = 26;
const MARGIN = 20;
/** Room to the right of the last column for same-column arcs, self-loops and their labels. */
const RIGHT_ROOM = 110;
/** How far a same-column arc bulges out at most. */
const ARC_REACH = 60;
/** Distance between parallel edges of one pair of workloads… */
const PARALLEL_SPREAD = 9;
/** …and between their labels, which are taller than that. */
const LABEL_SPREAD = 2.4;
const ARROW_LENGTH = 9;
const ARROW_HALF_WIDTH = 4.5;

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Layer of each node: longest path from the roots over the edges that are not back edges of a
 * depth-first walk in id order (a cycle is cut where that walk closes it).
 */
function layers(ids: string[], edges: LayoutInputEdge[]): Map<string, number> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) if (e.source !== e.target) out.get(e.source)?.push(e.target);
  for (const list of out.values()) list.sort(byString);
  const state = new Map<string, 1 | 2>(); // 1: on the walk's path, 2: done
  const forward = new Map<string, string[]>(ids.map((id) => [id, []]));
  const order: string[] = []; // reverse post-order: a topological order of the kept edges
  const visit = (root: string): void => {
    // Iterative depth-first walk, so a long call chain cannot overflow the stack.
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const targets = out.get(top.id)!;
      if (top.next < targets.length) {
        const t = targets[top.next++]!;
        if (state.get(t) === 1) continue; // a back edge: left out of the layering
        forward.get(top.id)!.push(t);
        if (state.get(t) === undefined) {
          state.set(t, 1);
          stack.push({ id: t, next: 0 });
        }
      } else {
        state.set(top.id, 2);
        order.push(top.id);
        stack.pop();
      }
    }
  };
  for (const id of ids) if (state.get(id) === undefined) visit(id);
  const layer = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const id of order.reverse()) {
    const l = layer.get(id)!;
    for (const t of forward.get(id)!) layer.set(t, Math.max(layer.get(t)!, l + 1));
  }
  return layer;
}

/** Nodes of each (group, layer) cell, ordered by the mean place of their callers, then by id. */
function cells(nodes: LayoutInputNode[], edges: LayoutInputEdge[], layer: Map<string, number>, columns: number): Map<string, string[]> {
  const callers = new Map<string, string[]>();
  for (const e of edges) {
    if (e.source === e.target) continue;
    let list = callers.get(e.target);
    if (list === undefined) callers.set(e.target, (list = []));
    list.push(e.source);
  }
  const result = new Map<string, string[]>();
  for (const n of nodes) {
    const key = `${n.group}\n${layer.get(n.id)!}`;
    let here = result.get(key);
    if (here === undefined) result.set(key, (here = []));
    here.push(n.id);
  }
  const groups = [...new Set(nodes.map((n) => n.group))].sort(groupOrder);
  const rank = new Map<string, number>();
  const weight = (id: string): number => {
    const placed = (callers.get(id) ?? []).map((c) => rank.get(c)).filter((r): r is number => r !== undefined);
    return placed.length === 0 ? Infinity : placed.reduce((a, b) => a + b, 0) / placed.length;
  };
  // Column by column, so a node's callers in earlier columns are placed before it is sorted.
  for (let l = 0; l < columns; l++) {
    for (const g of groups) {
      const here = result.get(`${g}\n${l}`);
      if (here === undefined) continue;
      const weights = new Map(here.map((id) => [id, weight(id)]));
      here.sort((a, b) => weights.get(a)! - weights.get(b)! || byString(a, b));
      here.forEach((id, i) => rank.set(id, i));
    }
  }
  return result;
}

/** Named groups in name order; the group of the unnamed (`''`) last. */
export function groupOrder(a: string, b: string): number {
  if (a === '' || b === '') return a === b ? 0 : a === '' ? 1 : -1;
  return byString(a, b);
}

const bezierAt = (p: Point[], t: number): Point => {
  const u = 1 - t;
  const [a, b, c, d] = p as [Point, Point, Point, Point];
  return {
    x: u * u * u * a.x + 3 * u * u * t * b.x + 3 * u * t * t * c.x + t * t * t * d.x,
    y: u * u * u * a.y + 3 * u * u * t * b.y + 3 * u * t * t * c.y + t * t * t * d.y,
  };
};

/** A curve ending `ARROW_LENGTH` before `end`, and the arrowhead that fills the rest. */
function curve(start: Point, c1: Point, c2: Point, end: Point, id: string, labelShift: number): PlacedEdge {
  const dx = end.x - c2.x;
  const dy = end.y - c2.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const base = { x: end.x - ux * ARROW_LENGTH, y: end.y - uy * ARROW_LENGTH };
  const arrow: [Point, Point, Point] = [
    end,
    { x: base.x - uy * ARROW_HALF_WIDTH, y: base.y + ux * ARROW_HALF_WIDTH },
    { x: base.x + uy * ARROW_HALF_WIDTH, y: base.y - ux * ARROW_HALF_WIDTH },
  ];
  const r = (n: number): number => Math.round(n * 10) / 10;
  const path = `M${r(start.x)},${r(start.y)} C${r(c1.x)},${r(c1.y)} ${r(c2.x)},${r(c2.y)} ${r(base.x)},${r(base.y)}`;
  const middle = bezierAt([start, c1, c2, end], 0.5);
  return { id, path, arrow, label: { x: middle.x, y: middle.y + labelShift }, labelAnchor: 'middle' };
}

/**
 * The curve of one edge. Forward: right side of the client to left side of the server. Backward
 * (a cycle's back edge): left side to right side. Same column: an arc out to the right. Self
 * (a workload calling itself, e.g. two processes of one host): a loop on its right side.
 * `offset` spreads the parallel edges of one pair apart.
 */
function route(e: LayoutInputEdge, s: Rect, t: Rect, offset: number): PlacedEdge {
  const sy = s.y + s.height / 2 + offset;
  const ty = t.y + t.height / 2 + offset;
  const shift = offset * (LABEL_SPREAD - 1);
  if (e.source === e.target) {
    const x = s.x + s.width;
    const reach = 44 + Math.abs(offset) * 2;
    const loop = curve({ x, y: sy - 10 }, { x: x + reach, y: sy - 30 }, { x: x + reach, y: sy + 30 }, { x, y: sy + 10 }, e.id, shift);
    return { ...loop, label: { x: loop.label.x + 6, y: loop.label.y }, labelAnchor: 'start' };
  }
  if (s.x + s.width <= t.x) {
    const bend = Math.max(40, (t.x - s.x - s.width) / 2);
    return curve({ x: s.x + s.width, y: sy }, { x: s.x + s.width + bend, y: sy }, { x: t.x - bend, y: ty }, { x: t.x, y: ty }, e.id, shift);
  }
  if (t.x + t.width <= s.x) {
    const bend = Math.max(40, (s.x - t.x - t.width) / 2);
    return curve({ x: s.x, y: sy }, { x: s.x - bend, y: sy }, { x: t.x + t.width + bend, y: ty }, { x: t.x + t.width, y: ty }, e.id, shift);
  }
  const x = Math.max(s.x + s.width, t.x + t.width);
  const reach = 40 + Math.min(ARC_REACH, Math.abs(ty - sy) / 4);
  return curve({ x: s.x + s.width, y: sy }, { x: x + reach, y: sy }, { x: x + reach, y: ty }, { x: t.x + t.width, y: ty }, e.id, shift);
}

export function layoutMap(nodesIn: readonly LayoutInputNode[], edgesIn: readonly LayoutInputEdge[]): MapLayout {
  const nodes = [...nodesIn].sort((a, b) => byString(a.id, b.id));
  const ids = nodes.map((n) => n.id);
  const known = new Set(ids);
  const edges = edgesIn.filter((e) => known.has(e.source) && known.has(e.target)).sort((a, b) => byString(a.id, b.id));
  const layer = layers(ids, edges);
  const columns = [...layer.values()].reduce((a, b) => Math.max(a, b), 0) + 1;
  const cell = cells(nodes, edges, layer, columns);
  const groupKeys = [...new Set(nodes.map((n) => n.group))].sort(groupOrder);

  const groupWidth = GROUP_PAD.side * 2 + columns * NODE_WIDTH + (columns - 1) * COLUMN_GAP;
  const placed = new Map<string, Rect>();
  const groups: MapLayout['groups'] = [];
  let y = MARGIN;
  for (const g of groupKeys) {
    let tallest = 0;
    for (let l = 0; l < columns; l++) {
      const here = cell.get(`${g}\n${l}`) ?? [];
      tallest = Math.max(tallest, here.length);
      here.forEach((id, i) => {
        placed.set(id, {
          x: MARGIN + GROUP_PAD.side + l * (NODE_WIDTH + COLUMN_GAP),
          y: y + GROUP_PAD.top + i * (NODE_HEIGHT + ROW_GAP),
          width: NODE_WIDTH,
          height: NODE_HEIGHT,
        });
      });
    }
    const height = GROUP_PAD.top + tallest * NODE_HEIGHT + (tallest - 1) * ROW_GAP + GROUP_PAD.bottom;
    groups.push({ key: g, x: MARGIN, y, width: groupWidth, height });
    y += height + GROUP_GAP;
  }

  // Parallel edges (several protocols, or both directions) of one pair share a spread.
  const pairs = new Map<string, LayoutInputEdge[]>();
  for (const e of edges) {
    const key = [e.source, e.target].sort(byString).join('\n');
    let pair = pairs.get(key);
    if (pair === undefined) pairs.set(key, (pair = []));
    pair.push(e);
  }
  const placedEdges: PlacedEdge[] = [];
  for (const group of pairs.values()) {
    group.forEach((e, i) => {
      const offset = (i - (group.length - 1) / 2) * PARALLEL_SPREAD;
      placedEdges.push(route(e, placed.get(e.source)!, placed.get(e.target)!, offset));
    });
  }
  placedEdges.sort((a, b) => byString(a.id, b.id));
  const height = nodes.length === 0 ? 0 : y - GROUP_GAP + MARGIN;
  return { width: nodes.length === 0 ? 0 : MARGIN * 2 + groupWidth + RIGHT_ROOM, height, groups, nodes: placed, edges: placedEdges };
}
