import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaptureFileReader } from '@shoal/capture';
import { DEFAULT_ENGINE_OPTIONS, DissectEngine, defaultRegistry } from '@shoal/dissect';
import type { Entry, PacketSink } from '@shoal/model';
import { FIXTURE } from './helpers/harness.js';

describe('DissectEngine.advanceClock (what the worker calls every second)', () => {
  it('emits a request whose response never came once the clock passes the timeout, with no packet arriving', () => {
    const entries: Entry[] = [];
    const engine = new DissectEngine({ ...DEFAULT_ENGINE_OPTIONS, registry: defaultRegistry() }, (e) => entries.push(e));
    // Handshake and the first request only: the capture then goes quiet.
    let n = 0;
    let last = 0;
    const firstFour: PacketSink = {
      onPacket(linkType, ts, data, offset, caplen, wire) {
        if (++n > 4) return;
        last = ts;
        engine.onPacket(linkType, ts, data, offset, caplen, wire);
      },
    };
    CaptureFileReader.open(FIXTURE).readAll(firstFour);
    assert.equal(entries.length, 0);
    engine.advanceClock(last + DEFAULT_ENGINE_OPTIONS.responseTimeoutMs / 2);
    assert.equal(entries.length, 0, 'not yet');
    engine.advanceClock(last - 1000);
    assert.equal(entries.length, 0, 'a clock going back changes nothing');
    engine.advanceClock(last + DEFAULT_ENGINE_OPTIONS.responseTimeoutMs + 1500);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.summary.path, '/');
    assert.equal(entries[0]!.malformed?.code, 'DIS_ERR_NO_RESPONSE');
  });
});
