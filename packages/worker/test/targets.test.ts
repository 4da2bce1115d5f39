import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MATCH_ALL_IP, parseTargets, targetFilter } from '../dist/targets.js';
import { ResolutionTable } from '../dist/resolution.js';

const pod = (ip: string) => ({ ip, name: `pod-${ip}`, namespace: 'default' });

describe('targetFilter', () => {
  it('captures nothing when there are no targets', () => {
    assert.deepEqual(targetFilter([]), { bpf: null, acceptFlow: undefined });
  });

  it('selects target hosts in the kernel filter while it stays small', () => {
    const f = targetFilter([pod('10.244.0.2'), pod('10.244.0.1'), pod('10.244.0.2'), pod('fd00::5')]);
    assert.equal(f.bpf, 'host 10.244.0.1 or host 10.244.0.2 or host fd00::5');
    assert.equal(f.acceptFlow, undefined);
  });

  it('moves to a per-flow check in user space past the kernel limit, with no cliff', () => {
    const many = Array.from({ length: 5000 }, (_, i) => pod(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
    const f = targetFilter(many, 64);
    assert.equal(f.bpf, 'ip or ip6');
    assert.ok(f.acceptFlow !== undefined);
    assert.equal(f.acceptFlow({ ip: '10.0.19.135' }, { ip: '192.168.1.1' }), true);
    assert.equal(f.acceptFlow({ ip: '192.168.1.1' }, { ip: '10.0.19.135' }), true);
    assert.equal(f.acceptFlow({ ip: '192.168.1.1' }, { ip: '192.168.1.2' }), false);
  });

  it("takes all IP traffic for the match-all target '*', with no per-flow check", () => {
    const many = Array.from({ length: 100 }, (_, i) => pod(`10.0.0.${i}`));
    assert.deepEqual(targetFilter([pod('10.0.0.1'), pod(MATCH_ALL_IP)]), { bpf: 'ip or ip6', acceptFlow: undefined });
    assert.deepEqual(targetFilter([...many, pod(MATCH_ALL_IP)], 64), { bpf: 'ip or ip6', acceptFlow: undefined });
  });

  it('refuses anything that is not an address (it ends up inside a BPF expression)', () => {
    assert.throws(() => targetFilter([pod('10.0.0.1 or port 22')]), { code: 'CLI_ERR_USAGE' });
    assert.throws(() => targetFilter([pod('300.1.1.1')]), { code: 'CLI_ERR_USAGE' });
  });
});

describe('parseTargets', () => {
  it('keeps the known fields and checks the required ones', () => {
    assert.deepEqual(parseTargets([{ ip: '10.1.1.1', name: 'a', namespace: 'n', netns: '/proc/1/ns/net', extra: 1 }]), [
      { ip: '10.1.1.1', name: 'a', namespace: 'n', netns: '/proc/1/ns/net' },
    ]);
    assert.throws(() => parseTargets({}), /JSON array/);
    assert.throws(() => parseTargets([{ ip: '10.1.1.1' }]), /target 0 needs/);
  });
});

describe('ResolutionTable', () => {
  it('prefers a name for the address and port (a service port) over the address, IPv4 and IPv6', () => {
    const table = new ResolutionTable();
    table.replace({ '10.244.1.5': { pod: 'web-1' }, '10.244.1.5:9090': { service: 'metrics' }, 'fd00::5': { pod: 'v6' } });
    table.apply({ upsert: { '[fd00::5]:53': { service: 'dns6' } } });
    const named = (ip: string, port: number): string | undefined => {
      const e: { ip: string; port: number; name?: string } = { ip, port };
      table.resolve(e);
      return e.name;
    };
    assert.deepEqual([named('10.244.1.5', 9090), named('10.244.1.5', 80), named('fd00::5', 53), named('fd00::5', 80)], ['metrics', 'web-1', 'dns6', 'v6']);
    table.apply({ remove: ['10.244.1.5:9090', '[fd00::5]:53'] });
    assert.deepEqual([named('10.244.1.5', 9090), named('fd00::5', 53)], ['web-1', 'v6']);
  });

  it('names endpoints by pod, else service, and leaves unknown addresses alone', () => {
    const table = new ResolutionTable();
    table.replace({
      '10.244.1.5': { pod: 'web-1', namespace: 'shop', node: 'node-a', service: 'web' },
      '10.96.0.10': { service: 'kube-dns', namespace: 'kube-system' },
    });
    const a = { ip: '10.244.1.5', port: 8080 };
    const b = { ip: '10.96.0.10', port: 53 };
    const c = { ip: '1.1.1.1', port: 443 };
    table.resolve(a);
    table.resolve(b);
    table.resolve(c);
    assert.deepEqual(a, { ip: '10.244.1.5', port: 8080, pod: 'web-1', service: 'web', namespace: 'shop', node: 'node-a', name: 'web-1' });
    assert.deepEqual(b, { ip: '10.96.0.10', port: 53, service: 'kube-dns', namespace: 'kube-system', name: 'kube-dns' });
    assert.deepEqual(c, { ip: '1.1.1.1', port: 443 });
  });

  it('applies a patch: upserts replace whole workloads, then removals win over them', () => {
    const table = new ResolutionTable();
    table.replace({ '10.244.1.5': { pod: 'web-1', namespace: 'shop', service: 'web' }, '10.244.1.6': { pod: 'db-0' } });
    table.apply({ upsert: { '10.244.1.5': { pod: 'web-2' }, '10.244.1.7': { service: 'cache' } }, remove: ['10.244.1.6', '10.244.1.7'] });
    assert.equal(table.size, 1);
    const [a, b, c] = ['10.244.1.5', '10.244.1.6', '10.244.1.7'].map((ip) => ({ ip, port: 80 }));
    for (const endpoint of [a!, b!, c!]) table.resolve(endpoint);
    assert.deepEqual(a, { ip: '10.244.1.5', port: 80, pod: 'web-2', name: 'web-2' });
    assert.deepEqual(b, { ip: '10.244.1.6', port: 80 });
    assert.deepEqual(c, { ip: '10.244.1.7', port: 80 }, 'removed in the same patch that added it');
    table.apply({});
    assert.equal(table.size, 1);
  });
});
