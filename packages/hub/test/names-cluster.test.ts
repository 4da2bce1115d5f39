import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterNames, type ClusterState, type PodInfo } from '../dist/names/index.js';

function pod(name: string, ip: string, extra: Partial<PodInfo> = {}): PodInfo {
  return { name, namespace: 'shop', node: 'node-a', ip, ips: [ip], labels: {}, hostNetwork: false, terminated: false, ...extra };
}

function names(state: Partial<ClusterState>): Record<string, unknown> {
  const claims = clusterNames({ nodes: [], pods: [], services: [], endpoints: [], ...state });
  return Object.fromEntries([...claims].map(([k, c]) => [k, c.workload]));
}

describe('clusterNames (what a cluster calls its addresses)', () => {
  it('names nodes, pods, services and the service ports of pods', () => {
    const got = names({
      nodes: [{ name: 'node-a', ips: ['192.168.1.10'] }],
      pods: [pod('web-1', '10.244.1.5')],
      services: [{ name: 'web', namespace: 'shop', clusterIPs: ['10.96.0.20'], ports: [{ port: 80, protocol: 'TCP' }] }],
      endpoints: [{ service: 'web', namespace: 'shop', ip: '10.244.1.5', ports: [8080] }],
    });
    assert.deepEqual(got, {
      '192.168.1.10': { name: 'node-a', node: 'node-a' },
      '10.244.1.5': { name: 'web-1', namespace: 'shop', pod: 'web-1', node: 'node-a', service: 'web' },
      '10.244.1.5:8080': { name: 'web-1', namespace: 'shop', pod: 'web-1', node: 'node-a', service: 'web' },
      '10.96.0.20': { name: 'web', namespace: 'shop', service: 'web' },
      '10.96.0.20:80': { name: 'web', namespace: 'shop', service: 'web' },
    });
  });

  it('a pod behind two services carries a service on each port, none on its bare IP', () => {
    const got = names({
      pods: [pod('api-1', '10.244.1.7')],
      endpoints: [
        { service: 'api', namespace: 'shop', ip: '10.244.1.7', ports: [8080] },
        { service: 'api-metrics', namespace: 'shop', ip: '10.244.1.7', ports: [9090] },
      ],
    });
    assert.equal((got['10.244.1.7'] as { service?: string }).service, undefined);
    assert.equal((got['10.244.1.7:8080'] as { service?: string }).service, 'api');
    assert.equal((got['10.244.1.7:9090'] as { service?: string }).service, 'api-metrics');
  });

  it('hostNetwork and finished pods name nothing; the node keeps its IP', () => {
    const got = names({
      nodes: [{ name: 'node-a', ips: ['192.168.1.10'] }],
      pods: [pod('kube-proxy-x', '192.168.1.10', { hostNetwork: true }), pod('job-1', '10.244.1.9', { terminated: true })],
    });
    assert.deepEqual(got, { '192.168.1.10': { name: 'node-a', node: 'node-a' } });
  });

  it('a cluster IP that is the address of a pod (a headless inventory service) keeps the pod and its node', () => {
    const got = names({
      pods: [pod('front-1', '10.244.1.3')],
      services: [{ name: 'front', namespace: 'shop', clusterIPs: ['10.244.1.3'], ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
    const named = { name: 'front-1', namespace: 'shop', pod: 'front-1', node: 'node-a', service: 'front' };
    assert.deepEqual(got, { '10.244.1.3': named, '10.244.1.3:8080': named });
  });

  it('two pods showing one IP: the newer holds it', () => {
    const got = names({ pods: [pod('new', '10.244.1.5', { createdMs: 2000 }), pod('old', '10.244.1.5', { createdMs: 1000 })] });
    assert.equal((got['10.244.1.5'] as { pod: string }).pod, 'new');
  });
});
