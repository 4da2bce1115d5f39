/**
 * Turns a pcapng timestamp into epoch milliseconds.
 *
 * draft-ietf-opsawg-pcapng §4.3 (Enhanced Packet Block): the timestamp is one 64-bit count
 * of units since 1970-01-01 00:00:00 UTC, stored as two 32-bit halves (high first, each in
 * the section's byte order). The unit is set per interface by the IDB option if_tsresol
 * (§4.2): a byte whose top bit picks the base (0: 10^-n s, 1: 2^-n s), default 10^-6.
 * if_tsoffset adds a signed number of whole seconds.
 *
 * A 64-bit nanosecond count does not fit a double exactly (it is ~2^61 today), so the count
 * is split into whole seconds and a fraction with integer-exact arithmetic first. The result
 * is then bit-identical to what the pcap reader computes for the same (seconds, fraction),
 * so a packet read from a pcap and from its pcapng conversion gets the same timestamp.
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_48 = 281474976710656;
/**
 * Largest unit count per second for the exact path: keeps every intermediate below 2^53
 * (hh * rem48 < 2^16 * 2^35, hl * rem32 < 2^16 * 2^35, plus low < 2^32). Covers every
 * resolution down to 10^-10 s and 2^-35 s; finer ones lose sub-nanosecond digits, which a
 * double in milliseconds cannot hold anyway.
 */
const MAX_EXACT_UNITS = 2 ** 35;

export class TimestampScale {
  /** Units per second: 10^n or 2^n from if_tsresol. */
  readonly unitsPerSecond: number;
  /** Whole seconds added to every timestamp (if_tsoffset). */
  readonly offsetSeconds: number;

  // 2^32 = quo32 * units + rem32 and 2^48 = quo48 * units + rem48, precomputed so that the
  // per-packet work is a few multiplications and one division.
  private readonly exact: boolean;
  private readonly quo32: number;
  private readonly rem32: number;
  private readonly quo48: number;
  private readonly rem48: number;
  private readonly msPerUnit: number;

  constructor(unitsPerSecond: number, offsetSeconds = 0) {
    this.unitsPerSecond = unitsPerSecond;
    this.offsetSeconds = offsetSeconds;
    this.exact = Number.isInteger(unitsPerSecond) && unitsPerSecond >= 1 && unitsPerSecond <= MAX_EXACT_UNITS;
    const u = this.exact ? unitsPerSecond : 1;
    this.quo32 = Math.floor(TWO_POW_32 / u);
    this.rem32 = TWO_POW_32 - this.quo32 * u;
    this.quo48 = Math.floor(TWO_POW_48 / u);
    this.rem48 = TWO_POW_48 - this.quo48 * u;
    this.msPerUnit = 1000 / unitsPerSecond;
  }

  /** The pcapng default when an interface has no if_tsresol: microseconds. */
  static readonly MICROSECONDS = new TimestampScale(1e6);

  /** Decodes the if_tsresol byte (draft-ietf-opsawg-pcapng §4.2, option code 9). */
  static fromTsresol(tsresol: number, offsetSeconds = 0): TimestampScale {
    const exponent = tsresol & 0x7f;
    const units = (tsresol & 0x80) !== 0 ? 2 ** exponent : 10 ** exponent;
    return new TimestampScale(units, offsetSeconds);
  }

  /** Milliseconds since the epoch for a timestamp given as its high and low 32-bit halves. */
  toMs(high: number, low: number): number {
    if (!this.exact) {
      return (high * TWO_POW_32 + low) * this.msPerUnit + this.offsetSeconds * 1000;
    }
    const units = this.unitsPerSecond;
    // units count = hh * 2^48 + hl * 2^32 + low; divide each power of two by `units`
    // separately so every partial remainder stays an exact integer.
    const hh = high >>> 16;
    const hl = high & 0xffff;
    const rest = hh * this.rem48 + hl * this.rem32 + low;
    const restSeconds = Math.floor(rest / units);
    const fraction = rest - restSeconds * units;
    const seconds = hh * this.quo48 + hl * this.quo32 + restSeconds + this.offsetSeconds;
    // (fraction * 1000) is exact, so this is the correctly rounded fraction in ms, the same
    // double as the pcap reader's `usec / 1000` or `nsec / 1e6`.
    return seconds * 1000 + (fraction * 1000) / units;
  }
}
