/**
 * A dissector on more than one transport (DNS: UDP and TCP): the registry offers it for each, the
 * probe is told which transport it judges, and the stream dissector learns it from its session.
 * Over UDP every `data` call is one whole datagram, the one the probe claimed the flow on included.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DissectorSpec, ProbeVerdict, StreamDissector, Transaction } from '../dist/dissector.js';
import { DissectorRegistry } from '../dist/registry.js';
import { c, close, replay, s } from './helpers/split-replay.js';

/** A toy protocol: `Q…` asks, `A…` answers; it records what it is shown and told. */
function toy(): DissectorSpec & { probed: Array<[string, string | undefined]>; heard: string[]; transports: string[] } {
  const probed: Array<[string, string | undefined]> = [];
  const heard: string[] = [];
  const transports: string[] = [];
  return {
    name: 'toy',
    layer4: ['udp', 'tcp'],
    ports: [],
    probed,
    heard,
    transports,
    probe: (data, layer4): ProbeVerdict => {
      probed.push([data.toString('latin1'), layer4]);
      return data[0] === 0x51 ? 'client' : data[0] === 0x41 ? 'server' : 'no';
    },
    create: (session): StreamDissector => {
      transports.push(session.layer4);
      return {
        data: (_d, chunk) => heard.push(chunk.toString('latin1')),
        gap: () => undefined,
        end: () => undefined,
        tick: () => undefined,
        close: (ts) => session.emit({ summary: { text: heard.join('|') }, timestamp: ts, endTimestamp: ts } as unknown as Transaction),
      };
    },
  };
}

describe('a dissector on UDP and TCP', () => {
  it('the registry offers it for both transports, under one name', () => {
    const spec = toy();
    const other: DissectorSpec = { ...toy(), name: 'other', layer4: 'tcp' };
    const registry = new DissectorRegistry([spec, other]);
    assert.deepEqual(registry.forLayer4('udp').map((x) => x.name), ['toy']);
    assert.deepEqual(registry.forLayer4('tcp').map((x) => x.name), ['toy', 'other']);
    assert.deepEqual(registry.names, ['toy', 'other']);
    assert.throws(() => new DissectorRegistry([spec, toy()]), /registered twice/);
  });

  it('over UDP: the probe is told udp, the session says udp, each datagram is one call', () => {
    const spec = toy();
    // The answer comes first: the probe claims the flow on it (the other side is the client).
    replay(spec, [s(1, 'A1'), c(2, 'Q1'), c(3, 'Q2'), s(4, 'A2'), close(5)], {}, undefined, 'udp');
    assert.deepEqual(spec.probed, [['A1', 'udp']]);
    assert.deepEqual(spec.transports, ['udp']);
    assert.deepEqual(spec.heard, ['A1', 'Q1', 'Q2', 'A2']);
  });

  it('over TCP: the probe is told tcp and the session says tcp', () => {
    const spec = toy();
    replay(spec, [c(1, 'Q1Q2'), s(2, 'A1A2'), close(3)]);
    assert.deepEqual(spec.probed, [['Q1Q2', 'tcp']]);
    assert.deepEqual(spec.transports, ['tcp']);
  });
});
