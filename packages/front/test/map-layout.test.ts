import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layoutMap, NODE_WIDTH, type LayoutInputEdge, type LayoutInputNode, type Rect } from '../src/domain/map-layout.js';

const node = (id: string, group: string): LayoutInputNode => ({ id, group });
const edge = (source: string, target: string, protocol = 'http'): LayoutInputEdge => ({ id: `${source}→${target}/${protocol}`, source, target });

// A shop: web calls api and cart (in another namespace), api calls db and cart, cart calls api
// back (a cycle), a probe calls itself, and an outside address calls web.
const NODES = [
  node('shop/web', 'shop'),
  node('shop/api', 'shop'),
  node('pay/cart', 'pay'),
  node('shop/db', 'shop'),
  node('10.0.0.9', ''),
  node('pay/probe', 'pay'),
];
const EDGES = [
  edge('shop/web', 'shop/api'),
  edge('shop/web', 'pay/cart'),
  edge('shop/api', 'shop/db', 'postgresql'),
  edge('shop/api', 'pay/cart'),
  edge('shop/api', 'pay/cart', 'grpc'),
  edge('pay/cart', 'shop/api'),
  edge('pay/probe', 'pay/probe'),
  edge('10.0.0.9', 'shop/web'),
];

const inside = (r: Rect, box: Rect): boolean => r.x >= box.x && r.y >= box.y && r.x + r.width <= box.x + box.width && r.y + r.height <= box.y + box.height;
const overlap = (a: Rect, b: Rect): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('layoutMap', () => {
  const layout = layoutMap(NODES, EDGES);

  it('draws one box per group, named groups in order and the unnamed last, each holding its nodes', () => {
    assert.deepEqual(
      layout.groups.map((g) => g.key),
      ['pay', 'shop', ''],
    );
    for (const n of NODES) {
      const box = layout.groups.find((g) => g.key === n.group)!;
      assert.ok(inside(layout.nodes.get(n.id)!, box), `${n.id} is inside the box of ${n.group || 'no group'}`);
    }
    for (const [i, a] of layout.groups.entries()) for (const b of layout.groups.slice(i + 1)) assert.ok(!overlap(a, b), `${a.key} and ${b.key} overlap`);
    for (const g of layout.groups) assert.ok(inside(g, { x: 0, y: 0, width: layout.width, height: layout.height }));
  });

  it('never overlaps two nodes', () => {
    const rects = [...layout.nodes.values()];
    assert.equal(rects.length, NODES.length);
    for (const [i, a] of rects.entries()) for (const b of rects.slice(i + 1)) assert.ok(!overlap(a, b));
  });

  it('puts clients left of their servers, except where a cycle is cut', () => {
    const x = (id: string): number => layout.nodes.get(id)!.x;
    assert.ok(x('10.0.0.9') < x('shop/web'));
    assert.ok(x('shop/web') < x('shop/api'));
    assert.ok(x('shop/api') < x('shop/db'));
    assert.equal(x('pay/probe'), x('10.0.0.9'), 'a workload calling only itself is a root');
  });

  it('gives the same picture for the same map, whatever the order of the input', () => {
    const again = layoutMap([...NODES].reverse(), [...EDGES].reverse());
    assert.deepEqual(again, layout);
  });

  it('routes every edge, parallel ones apart, each with an arrowhead at its target', () => {
    assert.equal(layout.edges.length, EDGES.length);
    const paths = layout.edges.map((e) => e.path);
    assert.equal(new Set(paths).size, paths.length, 'no two edges drawn on the same curve');
    const toDb = layout.edges.find((e) => e.id === 'shop/api→shop/db/postgresql')!;
    const db = layout.nodes.get('shop/db')!;
    assert.equal(toDb.arrow[0].x, db.x, 'a forward edge ends on the left side of its server');
    assert.match(toDb.path, /^M[\d.]+,[\d.]+ C[\d.]+,[\d.]+ [\d.]+,[\d.]+ [\d.]+,[\d.]+$/);
    const loop = layout.edges.find((e) => e.id === 'pay/probe→pay/probe/http')!;
    const probe = layout.nodes.get('pay/probe')!;
    assert.ok(loop.label.x > probe.x + NODE_WIDTH, 'a self-loop bulges out of the right side');
  });

  it('lays out nothing for an empty map', () => {
    const empty = layoutMap([], []);
    assert.equal(empty.width, 0);
    assert.deepEqual(empty.groups, []);
  });

  it('keeps a long chain in one row of columns without recursion limits', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `n${String(i).padStart(5, '0')}`);
    const chain = layoutMap(
      ids.map((id) => node(id, 'g')),
      ids.slice(1).map((id, i) => edge(ids[i]!, id)),
    );
    assert.equal(chain.nodes.get(ids[4999]!)!.x > chain.nodes.get(ids[0]!)!.x, true);
  });
});
