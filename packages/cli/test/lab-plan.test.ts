/**
 * The lab's plan, inventory and clean-up names without building anything (no root needed):
 * addresses follow from the subnet base, names stay within interface limits, the inventory has
 * the hub's format, and `down`'s sweep never takes another prefix's objects.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planLab } from '../dist/lab/lab-plan.js';
import { inventoryOf, resolutionOf, targetsOf } from '../dist/lab/lab-inventory.js';
import { labObjectNames } from '../dist/lab/lab-down.js';

describe('lab plan', () => {
  it('gives node N the pod CIDR 10.244.(base+N).0/24 and spreads the demo across nodes', () => {
    const plan = planLab('shoal-lab', 2, 0);
    assert.deepEqual(
      plan.nodes.map((n) => [n.name, n.netns, n.ip, n.podCidr, n.gateway]),
      [
        ['node-1', 'shoal-lab-node-1', '10.244.0.11', '10.244.1.0/24', '10.244.1.1'],
        ['node-2', 'shoal-lab-node-2', '10.244.0.12', '10.244.2.0/24', '10.244.2.1'],
      ],
    );
    assert.equal(plan.hostLink, 'shoal-lab0');
    const node = (role: string) => plan.pods.find((p) => p.role === role)!.node;
    assert.notEqual(node('traffic'), node('front'));
    assert.notEqual(node('front'), node('users'));
    assert.notEqual(node('orders'), node('redis'));
    // Each protocol of the demo crosses nodes: gRPC, HTTP/2 and the WebSocket feed.
    assert.notEqual(node('front'), node('catalog'));
    assert.notEqual(node('orders'), node('payments'));
    assert.notEqual(node('monitor'), node('events'));
    // HTTPS too: the tracer of each node decrypts its end, and the hub shows the call once.
    assert.notEqual(node('front'), node('auth'));
    // The first pods keep the addresses they had before the protocols' pods came.
    assert.deepEqual(
      plan.pods.slice(0, 6).map((p) => `${p.name} ${p.ip}`),
      ['dns 10.244.1.2', 'front 10.244.1.3', 'orders 10.244.1.4', 'users 10.244.2.2', 'redis 10.244.2.3', 'traffic 10.244.2.4'],
    );
    // A pod's veth is `veth-ROLE` inside its node's namespace: an interface name, 15 bytes at most.
    assert.ok(plan.pods.every((p) => p.veth.length <= 15));
    for (const p of plan.pods) {
      const n = plan.nodes.find((x) => x.name === p.node)!;
      assert.ok(p.ip.startsWith(n.podCidr.replace('0/24', '')), `${p.name} ${p.ip} in ${n.podCidr}`);
    }
    assert.equal(new Set(plan.pods.map((p) => p.ip)).size, plan.pods.length);
  });

  it('puts every pod on the one node of a one-node lab, and moves all subnets with the base', () => {
    const plan = planLab('x', 1, 40);
    assert.deepEqual([...new Set(plan.pods.map((p) => p.node))], ['node-1']);
    assert.ok(plan.pods.every((p) => p.ip.startsWith('10.244.41.')));
    assert.equal(plan.hostIp, '10.244.40.254');
  });

  it('refuses prefixes that cannot name an interface, and out-of-range counts', () => {
    assert.throws(() => planLab('much-too-long', 2, 0), /prefix/);
    assert.throws(() => planLab('Bad', 2, 0), /prefix/);
    assert.throws(() => planLab('a-node-1', 2, 0), /prefix/);
    assert.throws(() => planLab('ok', 0, 0), /node count/);
    assert.throws(() => planLab('ok', 2, 254), /subnet base/);
  });
});

describe('lab inventory', () => {
  const plan = planLab('shoal-lab', 2, 0);

  it("has the hub's format: nodes, pods with labels, services with clusterIPs, ports and selector", () => {
    const inv = inventoryOf(plan);
    assert.deepEqual(inv.nodes, [
      { name: 'node-1', ip: '10.244.0.11' },
      { name: 'node-2', ip: '10.244.0.12' },
    ]);
    assert.deepEqual(inv.pods.find((p) => p.name === 'redis'), { ip: '10.244.2.3', name: 'redis', namespace: 'demo', node: 'node-2', labels: { app: 'redis' }, netns: '/var/run/netns/shoal-lab-node-2-redis' });
    assert.deepEqual(inv.services.find((s) => s.name === 'auth')?.ports, [{ port: 8443, protocol: 'TCP' }]);
    assert.deepEqual(inv.services.find((s) => s.name === 'dns'), { name: 'dns', namespace: 'kube-system', clusterIPs: ['10.244.1.2'], ports: [{ port: 53, protocol: 'UDP' }], selector: { app: 'dns' } });
    assert.equal(
      inv.services.find((s) => s.name === 'traffic'),
      undefined,
      'a client-only pod backs no service',
    );
    assert.deepEqual(
      inv.services.map((s) => s.name),
      ['dns', 'front', 'orders', 'users', 'redis', 'catalog', 'payments', 'reviews', 'events', 'postgres', 'mqtt', 'auth'],
    );
  });

  it("gives each worker its own node's pods with their namespace paths, and every worker all names", () => {
    assert.deepEqual(
      targetsOf(plan, 'node-2').map((t) => [t.name, t.netns]),
      [
        ['users', '/var/run/netns/shoal-lab-node-2-users'],
        ['redis', '/var/run/netns/shoal-lab-node-2-redis'],
        ['traffic', '/var/run/netns/shoal-lab-node-2-traffic'],
        ['catalog', '/var/run/netns/shoal-lab-node-2-catalog'],
        ['payments', '/var/run/netns/shoal-lab-node-2-payments'],
        ['monitor', '/var/run/netns/shoal-lab-node-2-monitor'],
        ['mqtt', '/var/run/netns/shoal-lab-node-2-mqtt'],
        ['auth', '/var/run/netns/shoal-lab-node-2-auth'],
      ],
    );
    assert.deepEqual(resolutionOf(plan)['10.244.1.3'], { pod: 'front', namespace: 'demo', node: 'node-1', service: 'front' });
    assert.deepEqual(resolutionOf(plan)['10.244.0.12'], { name: 'node-2', node: 'node-2' });
  });
});

describe('lab down: names swept under a prefix', () => {
  it("takes the plan's names under its prefix and nothing of a longer prefix", () => {
    const netns = ['a-net', 'a-node-1', 'a-node-1-front', 'a-b-net', 'a-b-node-1', 'ab-node-1', 'other'];
    assert.deepEqual(labObjectNames('a', netns, ['a0', 'a-b0', 'eth0']), ['a-net', 'a-node-1', 'a-node-1-front', 'a0']);
    assert.deepEqual(labObjectNames('a-b', netns, ['a0', 'a-b0']), ['a-b-net', 'a-b-node-1', 'a-b0']);
  });
});
