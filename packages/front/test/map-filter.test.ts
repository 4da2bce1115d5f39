import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { celString } from '../src/domain/cel-literal.js';
import { edgeFilter, narrowQuery, nodeFilter } from '../src/domain/map-filter.js';
import type { MapNodeJson } from '../src/domain/service-map.js';

const web: MapNodeJson = { id: 'shop/web-1', name: 'web-1', namespace: 'shop', kind: 'pod' };
const api: MapNodeJson = { id: 'shop/api', name: 'api', namespace: 'shop', kind: 'service' };
const bare: MapNodeJson = { id: '10.0.0.7', name: '10.0.0.7', namespace: null, kind: 'ip' };
const v6: MapNodeJson = { id: 'fd00::2', name: 'fd00::2', namespace: null, kind: 'ip' };
const nodeAddress: MapNodeJson = { id: 'node-a', name: 'node-a', namespace: null, kind: 'ip' };

describe('map filters', () => {
  it('match an edge by the KFL2 names of each side and the protocol', () => {
    assert.equal(
      edgeFilter({ protocol: 'http' }, web, api),
      'src.pod.name == "web-1" && src.pod.namespace == "shop" && dst.service.name == "api" && dst.service.namespace == "shop" && protocol == "http"',
    );
    assert.equal(edgeFilter({ protocol: 'tcp' }, bare, v6), 'src.ip == "10.0.0.7" && dst.ip == "fd00::2" && protocol == "tcp"');
    assert.equal(edgeFilter({ protocol: 'http' }, nodeAddress, web).split(' && ')[0], 'src.name == "node-a"');
  });

  it('match a workload on either side', () => {
    assert.equal(nodeFilter(bare), '(src.ip == "10.0.0.7") || (dst.ip == "10.0.0.7")');
  });

  it('quote any text as a CEL string', () => {
    assert.equal(celString('a"b\\c\nd'), '"a\\"b\\\\c\\nd"');
    assert.equal(celString('x\uD800y'), '"x\uFFFDy"');
    assert.equal(celString('é😀'), '"é😀"');
  });

  it('narrow the query in force, once', () => {
    assert.equal(narrowQuery('', 'a == 1'), 'a == 1');
    assert.equal(narrowQuery(' http || dns ', 'a == 1'), '(http || dns) && a == 1');
    assert.equal(narrowQuery('(http) && (a == 1)', 'a == 1'), '(http) && (a == 1)');
    // A clause with `||` joins in parentheses, and stands alone as it is.
    assert.equal(narrowQuery('http', 'a || b'), 'http && (a || b)');
    assert.equal(narrowQuery('', 'a || b'), 'a || b');
  });
});
