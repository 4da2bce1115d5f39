/** Runs the whole engine (default registry and options) over a capture file or packet list. */

import { CaptureFileReader } from '@shoal/capture';
import type { Entry, PacketSink } from '@shoal/model';
import { DEFAULT_ENGINE_OPTIONS, DissectEngine, defaultRegistry, type EngineOptions } from '../../dist/index.js';
import { replay, type Packet } from './capture-rewrite.js';

export interface Dissected {
  /** Entries as JSON carries them (undefined fields gone), in emission order. */
  entries: Entry[];
  stats: Record<string, unknown>;
  /** The reader's warnings (damage that ended reading early). */
  warnings: string[];
}

function run(feed: (sink: PacketSink) => string[], overrides: Partial<EngineOptions>): Dissected {
  const entries: Entry[] = [];
  const engine = new DissectEngine({ ...DEFAULT_ENGINE_OPTIONS, registry: defaultRegistry(), ...overrides }, (e) => {
    entries.push(e);
  });
  const warnings = feed(engine);
  engine.finish();
  return {
    entries: JSON.parse(JSON.stringify(entries)) as Entry[],
    stats: engine.stats.toJSON(),
    warnings,
  };
}

export function dissectFile(path: string, overrides: Partial<EngineOptions> = {}): Dissected {
  return run((sink) => {
    const reader = CaptureFileReader.open(path);
    try {
      reader.readAll(sink);
    } finally {
      reader.close();
    }
    return reader.warnings.map((w) => w.message);
  }, overrides);
}

export function dissectPackets(packets: readonly Packet[], overrides: Partial<EngineOptions> = {}): Dissected {
  return run((sink) => {
    replay(packets, sink);
    return [];
  }, overrides);
}

/** Entries of one protocol (`http`, `tcp`, …). */
export function ofProtocol(d: Dissected, name: string): Entry[] {
  return d.entries.filter((e) => e.protocol.name === name);
}
