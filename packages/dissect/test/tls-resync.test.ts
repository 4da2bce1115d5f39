/**
 * TLS after a loss (protocols/tls/records.ts, record-seeker.ts): bytes lost at every position of
 * the first kilobytes of each direction of real connections (fixtures/tls: openssl and curl on a 1500-MTU veth pair),
 * 1, 5 and 300 bytes long. A loss inside a record's fragment keeps the framing; any other loses
 * it until the next record boundary, from which records are counted again: the counts must be
 * exactly what the connection's own record boundaries (walked here from the intact bytes) say.
 * A hello read before the loss still makes the summary; a loss before it marks that side
 * DIS_ERR_GAP. Then the seeker alone: the boundary found does not depend on how the bytes were
 * cut, and random bytes with random losses never throw.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tls } from '../dist/protocols/tls/index.js';
import { RecordReader } from '../dist/protocols/tls/records.js';
import { RecordSeeker } from '../dist/protocols/tls/record-seeker.js';
import { gap, prng, replay, type Step } from './helpers/split-replay.js';
import { connections } from './helpers/connection-scripts.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/tls/', import.meta.url));
const CAPTURES = ['tls12-certificate', 'tls13-alpn', 'curl', 'hello-retry', 'big-client-hello'];
const LOSSES = [1, 5, 300];
/** Losses start at every position of each direction's first kilobytes (its handshake and more). */
const POSITIONS = 3000;
/**
 * The client's first bytes are what detection claims the connection by: a loss there is a
 * connection joined after its start, not a resync. Losses in the client's direction start here.
 */
const CLIENT_FROM = 16;

interface Record {
  start: number;
  end: number;
}

/** The record boundaries of one direction's intact bytes. */
function records(bytes: Buffer): Record[] {
  const out: Record[] = [];
  for (let at = 0; at + 5 <= bytes.length; ) {
    const end = at + 5 + bytes.readUInt16BE(at + 3);
    out.push({ start: at, end });
    at = end;
  }
  return out;
}

/** `script` with bytes [at, at + length) of direction `dir` replaced by a gap. */
function withLoss(script: readonly Step[], dir: 0 | 1, at: number, length: number): Step[] {
  const out: Step[] = [];
  let offset = 0;
  for (const st of script) {
    if (st.kind !== 'data' || st.dir !== dir) {
      out.push(st);
      continue;
    }
    const from = offset;
    const to = offset + st.bytes.length;
    offset = to;
    if (to <= at || from >= at + length) {
      out.push(st);
      continue;
    }
    if (from < at) out.push({ ...st, bytes: st.bytes.subarray(0, at - from) });
    if (from <= at) out.push(gap(dir, length, st.ts));
    if (to > at + length) out.push({ ...st, bytes: st.bytes.subarray(at + length - from) });
  }
  return out;
}

/** What a record reader counts of direction `dir` of `script`. */
function countsOf(script: readonly Step[], dir: 0 | 1): { records: number; unframedBytes: number; bytes: number } {
  const reader = new RecordReader({ handshake: () => {}, alert: () => {}, changeCipherSpec: () => true });
  for (const st of script) {
    if (st.kind === 'data' && st.dir === dir) reader.push(st.bytes, st.ts);
    else if (st.kind === 'gap' && st.dir === dir) reader.gap(st.length, st.ts);
  }
  reader.end(0);
  const { records, unframedBytes, bytes } = reader.counts;
  return { records, unframedBytes, bytes };
}

/** What the reader must count in a direction of `total` bytes with records `recs` after losing [at, at + length). */
function expected(recs: Record[], total: number, at: number, length: number): { records: number; unframedBytes: number } {
  const inside = recs.find((r) => r.start + 5 <= at && at + length <= r.end);
  if (inside !== undefined) return { records: recs.length, unframedBytes: length };
  const before = recs.filter((r) => r.start + 5 <= at).length;
  const cutHeader = recs.find((r) => r.start < at && at < r.start + 5);
  const partial = cutHeader === undefined ? 0 : at - cutHeader.start;
  const next = recs.find((r) => r.start >= at + length);
  const resumed = next === undefined ? total : next.start;
  return { records: before + recs.filter((r) => r.start >= resumed).length, unframedBytes: partial + length + (resumed - at - length) };
}

describe('TLS: a loss at every position of real connections', () => {
  for (const capture of CAPTURES) {
    it(`${capture}: records counted again from the next boundary; the hellos before the loss kept`, () => {
      const [script] = connections(`${FIXTURES}${capture}.pcap`);
      const intact = replay(tls, script!).transactions[0]!;
      for (const dir of [0, 1] as const) {
        const bytes = Buffer.concat(script!.flatMap((st) => (st.kind === 'data' && st.dir === dir ? [st.bytes] : [])));
        const recs = records(bytes);
        assert.equal(recs[recs.length - 1]!.end, bytes.length, 'the intact direction is whole records');
        const side = dir === 0 ? 'request' : 'response';
        // Where the direction's first handshake message ends: its hello (in hello-retry the
        // server's is a HelloRetryRequest, its ServerHello comes later: not checked).
        const helloEnd = capture === 'hello-retry' && dir === 1 ? Infinity : 5 + 4 + bytes.readUIntBE(6, 3);
        for (let at = dir === 0 ? CLIENT_FROM : 0; at < Math.min(bytes.length, POSITIONS); at++) {
          for (const length of LOSSES) {
            if (at + length > bytes.length) continue;
            const lossy = withLoss(script!, dir, at, length);
            const where = `${side} loss of ${length} at ${at}`;
            assert.deepEqual(countsOf(lossy, dir), { ...expected(recs, bytes.length, at, length), bytes: bytes.length }, where);
            const out = replay(tls, lossy);
            assert.equal(out.transactions.length, 1, where);
            const t = out.transactions[0]!;
            assert.equal(dir === 0 ? t.requestSize : t.responseSize, bytes.length, where);
            if (at >= helloEnd) {
              assert.equal(t.summary.text, intact.summary.text, where);
              assert.equal(t.malformed, undefined, where);
            } else if (helloEnd !== Infinity) assert.deepEqual(t.malformed, { code: 'DIS_ERR_GAP', at: side }, where);
          }
        }
      }
    });
  }

  it('TLS 1.2: a loss inside the server\'s Certificate keeps the framing: its change_cipher_spec still makes the rest encrypted', () => {
    const [script] = connections(`${FIXTURES}tls12-certificate.pcap`);
    const intact = replay(tls, script!).transactions[0]!.response!;
    const bytes = Buffer.concat(script!.flatMap((st) => (st.kind === 'data' && st.dir === 1 ? [st.bytes] : [])));
    // 300 bytes lost 50 bytes after the ServerHello: inside the Certificate message that follows it.
    const at = 5 + 4 + bytes.readUIntBE(6, 3) + 50;
    const record = records(bytes).find((r) => r.start + 5 <= at && at + 300 <= r.end);
    assert.ok(record !== undefined, 'the loss is inside one record');
    const out = replay(tls, withLoss(script!, 1, at, 300)).transactions[0]!.response!;
    assert.ok((intact['encryptedRecords'] as number) > 0);
    assert.equal(out['encryptedRecords'], intact['encryptedRecords']);
    assert.equal(out['encryptedBytes'], intact['encryptedBytes']);
    assert.equal(out['unframedBytes'], 300);
  });
});

describe('TLS record seeker', () => {
  /** Two records of 40 and 3 bytes after 17 bytes of noise that fakes neither. */
  const noise = Buffer.from('0102030405060708090a0b0c0d0e0f1011', 'hex');
  const first = Buffer.concat([Buffer.from([23, 3, 3, 0, 40]), Buffer.alloc(40, 0xaa)]);
  const second = Buffer.concat([Buffer.from([21, 3, 3, 0, 3]), Buffer.alloc(3, 0xbb)]);
  const stream = Buffer.concat([noise, first, second]);

  function seek(pieces: Buffer[], ended: boolean): { at: number | null; skipped: number } {
    let skipped = 0;
    const seeker = new RecordSeeker((n) => (skipped += n));
    let consumed = 0;
    for (const piece of pieces) {
      const rest = seeker.scan(piece);
      consumed += piece.length;
      if (rest !== null) return { at: consumed - rest.length, skipped };
    }
    if (ended) {
      const rest = seeker.end();
      if (rest !== null) return { at: consumed - rest.length, skipped };
    }
    return { at: null, skipped };
  }

  it('takes the first header confirmed by the next one, however the bytes are cut', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      assert.deepEqual(seek([stream.subarray(0, cut), stream.subarray(cut)], false), { at: noise.length, skipped: noise.length }, `cut at ${cut}`);
    }
  });

  it('a header whose record runs past the bytes waits; the direction ending exactly there confirms it', () => {
    const last = Buffer.concat([noise, second]);
    assert.deepEqual(seek([last], false), { at: null, skipped: noise.length });
    assert.deepEqual(seek([last], true), { at: noise.length, skipped: noise.length });
    assert.deepEqual(seek([last.subarray(0, last.length - 1)], true), { at: null, skipped: last.length - 1 });
  });

  it('a fake header (versions 3.0 and 3.5, lengths 0 and over 2^14 + 2048) is skipped', () => {
    for (const fake of [[22, 3, 0, 0, 4], [22, 3, 5, 0, 4], [23, 3, 3, 0, 0], [23, 3, 3, 0x48, 0x01]]) {
      const bytes = Buffer.concat([Buffer.from(fake), first, second]);
      assert.deepEqual(seek([bytes], false), { at: 5, skipped: 5 }, fake.join(' '));
    }
  });

  it('random bytes, random losses and cuts never throw, and every byte is accounted for', () => {
    const rnd = prng(8446);
    for (let round = 0; round < 3000; round++) {
      const reader = new RecordReader({ handshake: () => {}, alert: () => {}, changeCipherSpec: () => round % 2 === 0 });
      let total = 0;
      for (let step = 0; step < 20; step++) {
        if (rnd() < 0.2) {
          const length = 1 + Math.floor(rnd() * 400);
          reader.gap(length, step);
          total += length;
          continue;
        }
        const b = Buffer.alloc(Math.floor(rnd() * 600));
        for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
        // Plant record headers now and then, so that the seeker finds some.
        for (let i = 0; i + 5 <= b.length; i += 1 + Math.floor(rnd() * 200)) b.set([20 + Math.floor(rnd() * 4), 3, 1 + Math.floor(rnd() * 4), 0, Math.floor(rnd() * 60)], i);
        reader.push(b, step);
        total += b.length;
      }
      reader.end(20);
      const c = reader.counts;
      assert.equal(c.bytes, total);
      assert.ok(c.unframedBytes <= total && c.encryptedBytes <= total - c.unframedBytes, `round ${round}`);
    }
  });
});
