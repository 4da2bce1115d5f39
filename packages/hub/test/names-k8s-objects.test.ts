import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1EndpointSlice, V1Node, V1Pod, V1Service } from '@kubernetes/client-node';
import { endpointSlice, node, pod, service } from '@shoal/testkit/k8s';
import { clusterNode, clusterService, podInfo, sliceEndpoints, slimNode, slimPod, slimService, slimSlice } from '../dist/names/k8s-objects.js';

/** Wire JSON as a watch delivers it (dates as strings), where the client's types say Date. */
function wire<T>(o: object): T {
  return o as unknown as T;
}

/** What a real object also carries and naming never reads. */
const bulk = { managedFields: [{ manager: 'kubelet', operation: 'Update', fieldsV1: { 'f:status': {} } }], annotations: { big: 'x'.repeat(4096) } };

describe('Kubernetes objects → names', () => {
  it('reads pods, dual-stack IPs, hostNetwork and finished phases', () => {
    const p = wire<V1Pod>(pod('web-1', '10.244.1.5', { labels: { app: 'web' } }));
    p.status!.podIPs = [{ ip: '10.244.1.5' }, { ip: 'fd00::5' }];
    assert.deepEqual(podInfo(p), {
      name: 'web-1', namespace: 'shop', node: 'node-a', ip: '10.244.1.5', ips: ['10.244.1.5', 'fd00::5'],
      labels: { app: 'web' }, hostNetwork: false, terminated: false, createdMs: Date.parse('2026-01-01T00:00:00Z'), phase: 'Running', ready: true,
    });
    assert.equal(podInfo(wire<V1Pod>(pod('x', '10.0.0.1', { ready: false }))).ready, false);
    assert.equal(podInfo(wire<V1Pod>(pod('x', '10.0.0.1', { deleting: true }))).deleting, true);
    assert.equal(podInfo(wire<V1Pod>(pod('x', '10.0.0.1', { hostNetwork: true }))).hostNetwork, true);
    assert.equal(podInfo(wire<V1Pod>(pod('x', '10.0.0.1', { phase: 'Failed' }))).terminated, true);
    assert.deepEqual(podInfo(wire<V1Pod>(pod('x', undefined))).ips, []);
  });

  it('headless services have no cluster IP to name; slices without a service label are skipped', () => {
    const headless = wire<V1Service>(service('db', 'None', [5432]));
    assert.deepEqual(clusterService(headless).clusterIPs, []);
    const orphan = wire<V1EndpointSlice>(endpointSlice('web', ['10.244.1.5'], [8080]));
    orphan.metadata!.labels = {};
    assert.deepEqual(sliceEndpoints(orphan), []);
  });

  it('slimmed objects (what the informer caches) give the same names as whole ones', () => {
    const p = wire<V1Pod>(pod('web-1', '10.244.1.5', { labels: { app: 'web' } }));
    const s = wire<V1Service>(service('web', '10.96.0.20', [80, 443]));
    const e = wire<V1EndpointSlice>(endpointSlice('web', ['10.244.1.5', '10.244.1.6'], [8080]));
    const n = wire<V1Node>(node('node-a', '192.168.1.10'));
    for (const o of [p, s, e, n]) Object.assign(o.metadata!, bulk, { resourceVersion: '7' });
    assert.deepEqual(podInfo(slimPod(p)), podInfo(p));
    assert.deepEqual(clusterService(slimService(s)), clusterService(s));
    assert.deepEqual(sliceEndpoints(slimSlice(e)), sliceEndpoints(e));
    assert.deepEqual(clusterNode(slimNode(n)), clusterNode(n));
    const slim = slimPod(p);
    assert.equal(slim.metadata?.resourceVersion, '7', 'the informer compares versions');
    assert.equal(slim.metadata?.managedFields, undefined);
    assert.ok(JSON.stringify(slim).length < JSON.stringify(p).length / 4);
  });
});
