/**
 * Live capture with real packets: a two-namespace lab (helpers/netns-lab.ts) with a real HTTP
 * server and curl, captured by each backend inside a namespace (by path) and in the root
 * namespace. Needs root; skipped with the reason otherwise.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openLiveCapture } from '@shoal/capture';
import type { LiveBackend, LiveCapture, LiveCaptureOptions } from '@shoal/capture';
import { waitFor } from '@shoal/testkit';
import { NetnsLab, canMakeNamespaces } from './helpers/netns-lab.js';
import { PacketLog } from './helpers/netns-packets.js';
import { interfaceGoneError, oneLoopTurn, openError, within } from './helpers/live-checks.js';

const allowed = canMakeNamespaces();
const skip = allowed.ok ? false : allowed.reason;

for (const backend of ['af_packet', 'libpcap'] as const satisfies readonly LiveBackend[]) {
  describe(`live capture with ${backend}`, { skip }, () => {
    let lab: NetnsLab;
    let serverPid = 0;
    const open: LiveCapture[] = [];

    /** Opens a capture that the after hook closes if the test does not. */
    function capture(options: Omit<LiveCaptureOptions, 'backend'>, log = new PacketLog()): { cap: LiveCapture; log: PacketLog } {
      const cap = openLiveCapture({ backend, ...options }, log);
      open.push(cap);
      return { cap, log };
    }

    before(async () => {
      lab = new NetnsLab();
      serverPid = (await lab.startHttpServer()).pid;
    });

    after(() => {
      for (const cap of open) cap.close();
      lab?.destroy();
    });

    it('captures HTTP inside the server namespace given as /var/run/netns/NAME', async () => {
      const started = Date.now();
      const { cap, log } = capture({ interface: lab.serverIf, netns: lab.nsPath(lab.serverNs), filter: 'tcp port 8080' });
      assert.equal(cap.backend, backend);
      const reply = await lab.curl('/by-netns-path');
      assert.equal(reply.status, 200);
      await waitFor(
        () => `the request and the response (${log.packets.length} packets)`,
        () => log.has('GET /by-netns-path HTTP/1.1') && log.has('HTTP/1.1 200 OK') && log.count(6) >= 8,
      );
      const stats = cap.stats();
      const final = cap.close();
      assert.deepEqual(cap.close(), final, 'closing twice returns the same final counters');
      assert.equal(cap.closed, true);
      await within(cap.done, 1000, 'done settling');

      assert.ok(log.packets.every((p) => p.linkType === 1), 'Ethernet frames on a veth');
      assert.ok(log.packets.every((p) => p.originalLength >= p.bytes.length));
      assert.ok(log.packets.every((p) => p.timestampMs >= started - 1000 && p.timestampMs <= Date.now() + 1000), 'timestamps are now');
      assert.equal(log.count(17), 0, 'nothing but TCP port 8080');
      assert.ok(stats.delivered >= 8 && stats.batches >= 1 && stats.batches <= stats.delivered);
      assert.ok(final.received >= final.delivered, `received ${final.received} >= delivered ${final.delivered}`);
      assert.equal(final.delivered, log.packets.length);
      assert.equal(final.dropped, 0);
      assert.equal(final.ringFreezes, 0);
    });

    it('captures on "any" inside a namespace given as /proc/PID/ns/net, as Linux SLL2', async () => {
      const { cap, log } = capture({ interface: 'any', netns: `/proc/${serverPid}/ns/net`, filter: 'tcp port 8080' });
      await lab.curl('/by-proc-path');
      await waitFor('the request and the response', () => log.has('GET /by-proc-path HTTP/1.1') && log.has('HTTP/1.1 200 OK'));
      cap.close();
      assert.ok(log.packets.length > 0);
      for (const p of log.packets) {
        assert.equal(p.linkType, 276, 'LINKTYPE_LINUX_SLL2');
        assert.equal(p.bytes.readUInt16BE(0), 0x0800, 'SLL2 protocol IPv4');
        assert.ok(p.bytes.readUInt32BE(4) > 0, 'SLL2 interface index');
        assert.equal(p.bytes.readUInt16BE(8), 1, 'ARPHRD_ETHER');
        assert.ok([0, 4].includes(p.bytes[10]!), 'to us or outgoing');
      }
    });

    it('captures in the root namespace on a bridge port', async () => {
      const { cap, log } = capture({ interface: lab.serverPort, filter: 'tcp port 8080' });
      await lab.curl('/root-namespace');
      await waitFor('the request and the response', () => log.has('GET /root-namespace HTTP/1.1') && log.has('HTTP/1.1 200 OK'));
      const stats = cap.close();
      assert.ok(stats.received >= stats.delivered && stats.delivered > 0);
      assert.equal(stats.dropped, 0);
    });

    it('a filter keeps out other traffic that an unfiltered capture sees', async () => {
      const where = { interface: lab.serverIf, netns: lab.nsPath(lab.serverNs) };
      const filtered = capture({ ...where, filter: 'tcp port 8080' });
      const everything = capture(where);
      await lab.sendUdp(20, 9999);
      await lab.curl('/filtered');
      await waitFor(
        () => `the 20 datagrams and the responses (the unfiltered capture saw ${everything.log.count(17, 9999)} datagrams)`,
        () => everything.log.count(17, 9999) === 20 && everything.log.has('HTTP/1.1 200 OK') && filtered.log.has('HTTP/1.1 200 OK'),
      );
      filtered.cap.close();
      everything.cap.close();
      assert.equal(filtered.log.count(17), 0, 'no UDP through "tcp port 8080"');
      assert.ok(filtered.log.has('GET /filtered HTTP/1.1'));
      assert.equal(filtered.log.count(6), filtered.log.packets.length);
    });

    it('ignoreOutgoing keeps only what the interface receives', async () => {
      const { cap, log } = capture({ interface: lab.clientIf, netns: lab.nsPath(lab.clientNs), filter: 'tcp port 8080', ignoreOutgoing: true });
      await lab.curl('/incoming-only');
      // The response is the control: it came after the request, through the same ring, so had
      // the request been captured it would be in by the time the response is.
      await waitFor('the response', () => log.has('HTTP/1.1 200 OK'));
      cap.close();
      assert.equal(log.has('GET /incoming-only'), false, 'the client sent the request: not captured');
    });

    it('promiscuous mode shows traffic the bridge forwards', async () => {
      const quiet = capture({ interface: lab.bridge, filter: 'port 8080', promiscuous: false });
      await lab.curl('/not-promiscuous');
      // The control, sent after the curl: a broadcast, which the bridge passes up to itself in
      // any mode. Once it is in, the curl's frames would be in too, had they been passed up.
      await lab.sendUdp(1, 8080, 64, 'broadcast');
      await waitFor(() => `the broadcast (${quiet.log.packets.length} packets)`, () => quiet.log.count(17, 8080) === 1);
      quiet.cap.close();
      assert.equal(quiet.log.count(6), 0, 'a bridge passes forwarded frames up only when promiscuous');
      assert.equal(quiet.log.packets.length, 1);

      const promiscuous = capture({ interface: lab.bridge, filter: 'tcp port 8080', promiscuous: true });
      await lab.curl('/promiscuous');
      await waitFor('the forwarded request and response', () => promiscuous.log.has('GET /promiscuous HTTP/1.1') && promiscuous.log.has('HTTP/1.1 200 OK'));
      promiscuous.cap.close();
    });

    it('snaplen cuts packets but keeps their original length', async () => {
      const { cap, log } = capture({ interface: lab.serverIf, netns: lab.nsPath(lab.serverNs), filter: 'tcp port 8080', snaplen: 60 });
      await lab.curl('/snaplen');
      await waitFor('a cut packet and the whole exchange', () => log.packets.some((p) => p.originalLength > 100) && log.count(6) >= 8);
      cap.close();
      assert.ok(log.packets.every((p) => p.bytes.length <= 60));
      assert.ok(log.packets.some((p) => p.originalLength > 100 && p.bytes.length === 60));
    });

    it('a sink that closes its capture gets no further packet', async () => {
      let seen = 0;
      const log = new PacketLog();
      const { cap } = capture({ interface: lab.serverIf, netns: lab.nsPath(lab.serverNs), filter: 'tcp port 8080' }, log);
      log.onEach = () => {
        seen++;
        cap.close();
      };
      await lab.curl('/close-in-sink');
      await waitFor('a first packet', () => seen > 0);
      await oneLoopTurn();
      assert.equal(seen, 1);
      assert.equal(cap.closed, true);
      await within(cap.done, 1000, 'done settling');
    });

    it('rejects a bad filter with libpcap\'s message', () => {
      const err = openError({ backend, interface: lab.serverIf, netns: lab.nsPath(lab.serverNs), filter: 'tcp port eighty eighty' });
      assert.equal(err.reason, 'filter');
      assert.match(err.message, /bad capture filter "tcp port eighty eighty": .*(syntax error|unknown)/);
      assert.match(err.message, new RegExp(backend));
    });

    it(backend === 'af_packet' ? 'refuses a VLAN filter, pointing to libpcap' : 'accepts a VLAN filter', () => {
      const options = { backend, interface: lab.serverIf, netns: lab.nsPath(lab.serverNs), filter: 'vlan and tcp port 8080' };
      if (backend === 'libpcap') {
        openLiveCapture(options, new PacketLog()).close();
        return;
      }
      const err = openError(options);
      assert.equal(err.reason, 'filter');
      assert.match(err.message, /"vlan" needs the libpcap backend/);
    });

    it('rejects an interface the namespace does not have, naming it', () => {
      // srv0 lives in the server namespace, not in the client's.
      const err = openError({ backend, interface: lab.serverIf, netns: lab.nsPath(lab.clientNs) });
      assert.equal(err.reason, 'interface');
      assert.match(err.message, /no interface named "srv0" in this network namespace/);
      assert.ok(err.message.includes(lab.nsPath(lab.clientNs)));
      assert.equal(openError({ backend, interface: 'shoal-nope0' }).reason, 'interface');
    });

    it('rejects a namespace path that is missing or not a network namespace', () => {
      const missing = openError({ backend, interface: 'lo', netns: '/var/run/netns/shoal-no-such-namespace' });
      assert.equal(missing.reason, 'netns');
      assert.match(missing.message, /network namespace \/var\/run\/netns\/shoal-no-such-namespace does not exist/);
      const wrong = openError({ backend, interface: 'lo', netns: '/proc/self/ns/uts' });
      assert.equal(wrong.reason, 'netns');
      assert.match(wrong.message, /is not a network namespace/);
    });

    it('ends with an interface error when the interface is removed while capturing', async () => {
      const name = lab.addVethPair(lab.serverNs, `gone${backend === 'libpcap' ? 'p' : 'a'}`);
      const { cap } = capture({ interface: name, netns: lab.nsPath(lab.serverNs) });
      lab.ip('-n', lab.serverNs, 'link', 'del', name);
      const err = await interfaceGoneError(cap, name);
      assert.equal(cap.error, err);
      cap.close(); // still fine
    });
  });
}

describe('af_packet fanout', { skip }, () => {
  let lab: NetnsLab;
  const open: LiveCapture[] = [];
  before(async () => {
    lab = new NetnsLab();
    await lab.startHttpServer();
  });
  after(() => {
    for (const cap of open) cap.close();
    lab?.destroy();
  });

  it('shares the packets among the group: every packet reaches exactly one member', async () => {
    const where = { backend: 'af_packet' as const, interface: lab.serverIf, netns: lab.nsPath(lab.serverNs), filter: 'tcp port 8080' };
    const reference = new PacketLog();
    const members = [new PacketLog(), new PacketLog()];
    open.push(openLiveCapture(where, reference));
    const group = 1000 + (process.pid % 60000);
    for (const m of members) open.push(openLiveCapture({ ...where, fanout: { group, mode: 'lb' } }, m));
    for (let i = 0; i < 3; i++) await lab.curl(`/fanout-${i}`);
    const sum = (): number => members[0]!.packets.length + members[1]!.packets.length;
    const shared = () => members.flatMap((m) => m.packets.map((p) => p.bytes.toString('hex'))).sort().join();
    const all = () => reference.packets.map((p) => p.bytes.toString('hex')).sort().join();
    // Until the members together hold exactly what the reference holds, the last request in it;
    // then all are closed in the same turn, so that no packet reaches one and not the others.
    await waitFor(
      () => `the members to share the reference's packets (reference ${reference.packets.length}, members ${members.map((m) => m.packets.length).join(' + ')})`,
      () => reference.count(6) >= 24 && reference.has('GET /fanout-2 HTTP/1.1') && shared() === all(),
    );
    for (const cap of open) cap.close();
    assert.equal(sum(), reference.packets.length);
    assert.ok(members.every((m) => m.packets.length > 0), 'round robin gives both members packets');
    assert.equal(shared(), all());
  });

  it('refuses to join a group with a different mode', () => {
    const where = { backend: 'af_packet' as const, interface: lab.serverIf, netns: lab.nsPath(lab.serverNs) };
    const group = 2000 + (process.pid % 60000);
    const first = openLiveCapture({ ...where, fanout: { group, mode: 'hash' } }, new PacketLog());
    open.push(first);
    const err = openError({ ...where, fanout: { group, mode: 'lb' } });
    assert.equal(err.reason, 'options');
    assert.match(err.message, /cannot join fanout group/);
    first.close();
  });
});
