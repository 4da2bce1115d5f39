import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinkType } from '@shoal/model';
import { DuplicateFilter, DUPLICATE_WINDOW_MS, planCaptures, withoutPorts } from '../dist/index.js';

const pod = (ip: string, netns?: string) => ({ ip, name: `p${ip.split('.').pop()}`, namespace: 'ns', ...(netns !== undefined ? { netns } : {}) });

describe('withoutPorts', () => {
  it("leaves the given TCP ports out of every capture's kernel filter, and checks them", () => {
    const plan = planCaptures([pod('10.0.0.1'), pod('10.0.0.2', '/run/netns/a')], 'any');
    assert.deepEqual(
      withoutPorts(plan, [8898, 30001, 8898]).map((s) => s.filter),
      ['(host 10.0.0.2) and not (tcp port 8898 or tcp port 30001)', '((host 10.0.0.1) and not (host 10.0.0.2)) and not (tcp port 8898 or tcp port 30001)'],
    );
    assert.equal(withoutPorts(plan, []), plan);
    assert.throws(() => withoutPorts(plan, [0]), { code: 'CLI_ERR_USAGE' });
  });
});

describe('planCaptures', () => {
  it('plans no capture at all for no targets', () => {
    assert.deepEqual(planCaptures([], 'any'), []);
  });

  it('covers targets without a namespace by one capture on the root interface', () => {
    assert.deepEqual(planCaptures([pod('10.244.0.2'), pod('10.244.0.3')], 'eth0'), [
      { interface: 'eth0', filter: 'host 10.244.0.2 or host 10.244.0.3', targets: ['ns/p2', 'ns/p3'] },
    ]);
  });

  it('captures a namespaced target inside its namespace and gives each packet to exactly one capture', () => {
    const plan = planCaptures([pod('10.244.0.2'), pod('10.244.0.5', '/run/netns/b'), pod('10.244.0.4', '/run/netns/a'), pod('10.244.0.6', '/run/netns/a')], 'any');
    assert.deepEqual(plan, [
      { interface: 'any', netns: '/run/netns/a', filter: 'host 10.244.0.4 or host 10.244.0.6', targets: ['ns/p4', 'ns/p6'] },
      { interface: 'any', netns: '/run/netns/b', filter: '(host 10.244.0.5) and not (host 10.244.0.4 or host 10.244.0.6)', targets: ['ns/p5'] },
      {
        interface: 'any',
        filter: '(host 10.244.0.2) and not (host 10.244.0.4 or host 10.244.0.5 or host 10.244.0.6)',
        targets: ['ns/p2'],
      },
    ]);
  });

  it('falls back to broad filters (and the user-space checks) when the exclusions would be too long', () => {
    const plan = planCaptures([pod('10.0.0.1', '/n/a'), pod('10.0.0.2', '/n/a'), pod('10.0.0.3'), pod('10.0.0.4'), pod('10.0.0.5')], 'any', 3);
    assert.equal(plan[0]!.filter, 'host 10.0.0.1 or host 10.0.0.2');
    assert.equal(plan[1]!.filter, 'host 10.0.0.3 or host 10.0.0.4 or host 10.0.0.5', 'no room for the exclusion');
    assert.equal(planCaptures([pod('10.0.0.3'), pod('10.0.0.4'), pod('10.0.0.5'), pod('10.0.0.6')], 'any', 3)[0]!.filter, 'ip or ip6');
  });
});

/** An Ethernet frame (or a Linux cooked one) around the same 60-byte IPv4 packet. */
function frames(tag: number): { ether: Buffer; sll: Buffer } {
  const ip = Buffer.alloc(60, tag);
  ip[0] = 0x45;
  const ether = Buffer.concat([Buffer.alloc(12, 0xaa), Buffer.from([0x08, 0x00]), ip]);
  const sll = Buffer.concat([Buffer.alloc(14, 0xbb), Buffer.from([0x08, 0x00]), ip]);
  return { ether, sll };
}

describe('DuplicateFilter', () => {
  it('drops the copy of an IP packet seen on another interface within the window, whatever its link header', () => {
    const f = new DuplicateFilter();
    f.enabled = true;
    const a = frames(1);
    assert.equal(f.isDuplicate(LinkType.ETHERNET, 1000, a.ether, 0, a.ether.length), false);
    assert.equal(f.isDuplicate(LinkType.LINUX_SLL, 1000.02, a.sll, 0, a.sll.length), true);
    assert.equal(f.isDuplicate(LinkType.ETHERNET, 1000 + DUPLICATE_WINDOW_MS + 1, a.ether, 0, a.ether.length), false, 'later: a new packet');
    const b = frames(2);
    assert.equal(f.isDuplicate(LinkType.ETHERNET, 1000.03, b.ether, 0, b.ether.length), false, 'other bytes: not a copy');
    assert.equal(f.duplicates, 1);
  });

  it('does nothing while disabled (one capture on one interface)', () => {
    const f = new DuplicateFilter();
    const a = frames(3);
    assert.equal(f.isDuplicate(LinkType.ETHERNET, 1, a.ether, 0, a.ether.length), false);
    assert.equal(f.isDuplicate(LinkType.ETHERNET, 1, a.ether, 0, a.ether.length), false);
  });

  it('forgets old packets without forgetting one seen again since', () => {
    const f = new DuplicateFilter();
    f.enabled = true;
    const packet = (n: number) => {
      const b = Buffer.alloc(40);
      b[0] = 0x45;
      b.writeUInt32BE(n, 20);
      return b;
    };
    for (let n = 0; n < 20_000; n++) assert.equal(f.isDuplicate(LinkType.RAW, n * 0.001, packet(n), 0, 40), false);
    assert.equal(f.isDuplicate(LinkType.RAW, 20, packet(19_999), 0, 40), true);
  });
});
