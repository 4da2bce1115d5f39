import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TimestampScale } from '@shoal/capture';
import { pseudoRandomBytes } from './helpers/temp-files.js';

/** The exact answer, via BigInt: whole seconds, then the correctly rounded fraction. */
function reference(units: bigint, perSecond: bigint, offsetSeconds: number): number {
  const seconds = units / perSecond;
  const fraction = units % perSecond;
  return (Number(seconds) + offsetSeconds) * 1000 + Number(fraction * 1000n) / Number(perSecond);
}

describe('TimestampScale', () => {
  it('decodes if_tsresol in base 10 and base 2', () => {
    assert.equal(TimestampScale.fromTsresol(6).unitsPerSecond, 1e6);
    assert.equal(TimestampScale.fromTsresol(9).unitsPerSecond, 1e9);
    assert.equal(TimestampScale.fromTsresol(0).unitsPerSecond, 1);
    assert.equal(TimestampScale.fromTsresol(0x80 | 10).unitsPerSecond, 1024);
    assert.equal(TimestampScale.fromTsresol(0x80 | 30, -5).offsetSeconds, -5);
  });

  it('is exact for 64-bit counts, matching a BigInt reference bit for bit', () => {
    const rand = pseudoRandomBytes(12 * 2000, 42);
    const resolutions = [1n, 10n, 1000n, 1_000_000n, 1_000_000_000n, 10_000_000_000n, 1024n, 1n << 20n, 1n << 35n];
    let k = 0;
    for (const perSecond of resolutions) {
      const scale = new TimestampScale(Number(perSecond), perSecond === 1000n ? 3600 : 0);
      for (let i = 0; i < 200; i++, k++) {
        // Seconds up to ~2^33 (year 2242) and any fraction.
        const seconds = BigInt(rand.readUInt32LE(k * 12)) * 2n + BigInt((rand[k * 12 + 4] ?? 0) & 1);
        const fraction = BigInt(rand.readUIntLE(k * 12 + 5, 6)) % perSecond;
        const units = seconds * perSecond + fraction;
        if (units >= 1n << 64n) continue;
        const high = Number(units >> 32n);
        const low = Number(units & 0xffffffffn);
        assert.equal(scale.toMs(high, low), reference(units, perSecond, scale.offsetSeconds), `${perSecond} ${units}`);
      }
    }
  });

  it('agrees with the pcap formula for microseconds and nanoseconds', () => {
    const us = TimestampScale.fromTsresol(6);
    const ns = TimestampScale.fromTsresol(9);
    for (const [sec, frac] of [
      [1700000000, 123456],
      [1700000000, 999999],
      [0, 1],
      [4294967295, 500000],
    ] as const) {
      const u = BigInt(sec) * 1_000_000n + BigInt(frac);
      assert.equal(us.toMs(Number(u >> 32n), Number(u & 0xffffffffn)), sec * 1000 + (frac * 1000) / 1e6);
      const n = BigInt(sec) * 1_000_000_000n + BigInt(frac) * 1000n + 7n;
      const nsFrac = frac * 1000 + 7;
      assert.equal(ns.toMs(Number(n >> 32n), Number(n & 0xffffffffn)), sec * 1000 + (nsFrac * 1000) / 1e9);
    }
  });
});
