import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InventoryError, inventoryState, parseInventory } from '../dist/names/index.js';

const good = {
  nodes: [{ name: 'node-1', ip: '10.10.0.2' }],
  pods: [
    { ip: '10.20.1.5', name: 'web-1', namespace: 'shop', node: 'node-1', labels: { app: 'web' } },
    { ip: '10.20.1.6', name: 'db-0', namespace: 'shop', node: 'node-1', labels: { app: 'db' } },
    { ip: '10.20.2.5', name: 'web-x', namespace: 'other', labels: { app: 'web' } },
  ],
  services: [{ name: 'web', namespace: 'shop', clusterIPs: ['10.30.0.10'], ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'web' } }],
};

function refusal(json: unknown): InventoryError {
  try {
    parseInventory(json);
  } catch (err) {
    assert.ok(err instanceof InventoryError);
    return err;
  }
  assert.fail('the inventory was accepted');
}

describe('inventory format', () => {
  it('accepts the documented shape, with optional parts absent', () => {
    const inv = parseInventory(good);
    assert.equal(inv.pods.length, 3);
    assert.deepEqual(inv.services[0]!.ports, [{ port: 80, protocol: 'TCP' }]);
    assert.deepEqual(parseInventory({}), { nodes: [], pods: [], services: [] });
    assert.deepEqual(parseInventory({ services: [{ name: 's', namespace: 'n', clusterIPs: ['fd00::1'], ports: [{ port: 53 }] }] }).services[0]!.ports, [
      { port: 53, protocol: 'TCP' },
    ]);
  });

  it('refuses bad input with the code and the path of the field', () => {
    const cases: [unknown, string, RegExp][] = [
      [[], '(top level)', /must be an object/],
      [{ pod: [] }, 'pod', /not a known field.*nodes, pods, services/],
      [{ pods: {} }, 'pods', /must be an array/],
      [{ pods: [{ ...good.pods[0], ip: '10.20.1' }] }, 'pods[0].ip', /IPv4 or IPv6/],
      [{ pods: [good.pods[0], { ip: '10.0.0.1', name: 'x' }] }, 'pods[1].namespace', /non-empty string/],
      [{ pods: [{ ...good.pods[0], labels: { app: 1 } }] }, 'pods[0].labels.app', /must be a string/],
      [{ pods: [{ ...good.pods[0], netns: 'netns/web-1' }] }, 'pods[0].netns', /absolute path/],
      [{ pods: [{ ...good.pods[0], netns: '/var/run/netns/../../etc' }] }, 'pods[0].netns', /absolute path/],
      [{ services: [{ ...good.services[0], ports: [{ port: 70000 }] }] }, 'services[0].ports[0].port', /1 to 65535/],
      [{ services: [{ ...good.services[0], ports: [{ port: 80, protocol: 'tcp' }] }] }, 'services[0].ports[0].protocol', /TCP, UDP, SCTP/],
      [{ services: [{ ...good.services[0], clusterIPs: '10.30.0.10' }] }, 'services[0].clusterIPs', /must be an array/],
      [{ nodes: [{ name: 'n', ip: '10.0.0.1', role: 'x' }] }, 'nodes[0].role', /not a known field/],
    ];
    for (const [json, field, message] of cases) {
      const err = refusal(json);
      assert.equal(err.code, 'HUB_ERR_INVENTORY_INVALID');
      assert.equal(err.field, field);
      assert.match(err.message, message);
      assert.ok(err.message.includes(field), err.message);
    }
  });

  it("a pod's netns (where its worker captures it, as `shoal lab` writes it) reaches the pods the hub targets", () => {
    const inv = parseInventory({ pods: [{ ...good.pods[0], netns: '/var/run/netns/lab-node-1-web' }, good.pods[1]] });
    const pods = inventoryState(inv).pods;
    assert.equal(pods[0]!.netns, '/var/run/netns/lab-node-1-web');
    assert.equal('netns' in pods[1]!, false);
  });

  it('services find their pods by selector within their namespace', () => {
    const state = inventoryState(parseInventory(good));
    assert.deepEqual(state.endpoints, [{ service: 'web', namespace: 'shop', ip: '10.20.1.5', ports: [] }]);
    assert.deepEqual(state.services, [{ name: 'web', namespace: 'shop', clusterIPs: ['10.30.0.10'], ports: [{ port: 80, protocol: 'TCP' }] }]);
    assert.equal(state.pods.find((p) => p.name === 'web-x')?.node, undefined);
  });
});
