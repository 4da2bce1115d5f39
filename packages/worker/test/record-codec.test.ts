/**
 * The store's record codec on its own (src/store/record-codec.ts): entries and packets of
 * varied shape written back to back, then read back equal; a torn or damaged record is
 * refused (decodeRecord answers null), never read as data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import {
  decodePacket,
  decodeRecord,
  entryRecordMaxBytes,
  MAX_RECORD_BYTES,
  packetLinkType,
  packetRecordMaxBytes,
  packetStream,
  RECORD_HEADER_BYTES,
  RecordKind,
  writeEntryRecord,
  writePacketRecord,
  type PacketRecord,
} from '../dist/store/record-codec.js';
import { sampleEntry } from './helpers/sample-entry.js';

/** Text that UTF-8 encodes in 1 to 4 bytes per character, and what JSON must escape. */
const UNICODE = ['', 'café ☕', '日本語のパス', 'עברית', '🦈🐟', 'quote " backslash \\ tab \t newline \n nul \u0000'];
/** Entries may also carry a lone surrogate (decoded text): their JSON escapes it. Stream names
 * are made by the worker and never hold one (UTF-8 has no form for it). */
const AWKWARD = [...UNICODE, 'lone \ud800 surrogate'];

/** Entry `n`: each shape the store meets (unicode, empty fields, no response, a large body, a malformed note). */
function variedEntry(n: number): Entry {
  const e = sampleEntry(n, n % 5 === 0 ? 0 : 37 * n);
  const text = AWKWARD[n % AWKWARD.length]!;
  e.timestamp += n / 7; // fractional milliseconds
  e.elapsedMs = n % 3 === 0 ? 0 : n * 1.001;
  e.summary = { method: 'GET', path: `/${text}`, status: 200, text: `GET /${text} -> 200` };
  e.request = { method: 'GET', path: `/${text}`, headers: { host: text, 'x-empty': '' }, body: text };
  switch (n % 6) {
    case 0:
      e.response = null;
      e.responseSize = 0;
      e.malformed = { code: 'DIS_ERR_NO_RESPONSE', at: 'response' };
      break;
    case 1:
      e.response = { status: 200, headers: {}, body: 'é'.repeat(100_000), truncated: true, bodyEncoding: 'utf8' };
      break;
    case 2:
      e.request = null;
      e.requestSize = 0;
      e.malformed = { code: 'DIS_ERR_GAP', at: '' };
      break;
    case 3:
      // A note as odd as a dissector might write one: unicode and a long offset description.
      e.malformed = { code: 'DIS_ERR_TRUNCATED', at: `byte ${n} of ${text}${'.'.repeat(500)}` };
      break;
    case 4:
      e.src = { ip: 'fd00::1', port: 0, name: text, namespace: text, pod: text, service: '', node: text };
      break;
    default:
      e.protocol = { name: 'udp', abbr: 'UDP', layer4: 'udp' };
      e.request = { packets: 1, bytes: 0, flags: [] };
      e.response = { packets: 0, bytes: 0, flags: [] };
  }
  return e;
}

/** Packet `n`: empty to jumbo, a window into a larger buffer, stream names in any script. */
function variedPacket(n: number): { record: PacketRecord; source: Buffer; offset: number } {
  const length = [0, 1, 60, 1514, 9000, 65535][n % 6]!;
  const offset = n % 4;
  const source = Buffer.alloc(offset + length + 3, 0xee);
  for (let i = 0; i < length; i++) source[offset + i] = (i * 31 + n) & 0xff;
  const data = Buffer.from(source.subarray(offset, offset + length));
  const stream = `node-a/tcp/${n}${UNICODE[n % UNICODE.length]}`;
  return { record: { stream, linkType: [1, 276, 101, 113, 0xffff][n % 5]!, timestampMs: 1_700_000_000_000 + n / 3, wireLength: length + (n % 2) * 100, data }, source, offset };
}

type Written = { kind: 'entry'; entry: Entry } | { kind: 'packet'; record: PacketRecord };

/** Writes every item back to back, as a segment does, into a buffer with room to spare. */
function writeAll(items: Written[]): { buf: Buffer; end: number } {
  let room = 0;
  for (const item of items) room += item.kind === 'entry' ? entryRecordMaxBytes(JSON.stringify(item.entry)) : packetRecordMaxBytes(item.record.stream, item.record.data.length);
  const buf = Buffer.alloc(room + 64);
  let end = 0;
  for (const [n, item] of items.entries()) {
    if (item.kind === 'entry') {
      end = writeEntryRecord(buf, end, JSON.stringify(item.entry));
    } else {
      const { source, offset } = variedPacket(n);
      const r = item.record;
      end = writePacketRecord(buf, end, r.stream, r.linkType, r.timestampMs, source, offset, r.data.length, r.wireLength);
    }
  }
  return { buf, end };
}

function items(count: number): Written[] {
  return Array.from({ length: count }, (_, n): Written => (n % 3 === 2 ? { kind: 'packet', record: variedPacket(n).record } : { kind: 'entry', entry: variedEntry(n) }));
}

describe('store record codec', () => {
  it('reads back every entry and packet it wrote, equal, and nothing past the last', () => {
    const written = items(240);
    const { buf, end } = writeAll(written);
    let offset = 0;
    for (const [n, item] of written.entries()) {
      const rec = decodeRecord(buf, offset);
      assert.ok(rec !== null, `record ${n} at ${offset} decodes`);
      const payload = buf.subarray(rec.payloadOffset, rec.payloadOffset + rec.payloadLength);
      if (item.kind === 'entry') {
        assert.equal(rec.kind, RecordKind.ENTRY, `record ${n}`);
        assert.deepEqual(JSON.parse(payload.toString('utf8')), item.entry, `entry ${n}`);
      } else {
        assert.equal(rec.kind, RecordKind.PACKET, `record ${n}`);
        assert.deepEqual(decodePacket(payload), item.record, `packet ${n}`);
        assert.equal(packetStream(payload), item.record.stream);
        assert.equal(packetLinkType(payload), item.record.linkType);
      }
      offset = rec.end;
    }
    assert.equal(offset, end);
    assert.equal(decodeRecord(buf, end), null, 'the zeroed space after the last record is no record');
  });

  it('refuses a record cut anywhere, keeping the whole ones before it', () => {
    const written = [{ kind: 'entry', entry: variedEntry(4) }, { kind: 'packet', record: variedPacket(2).record }, { kind: 'entry', entry: variedEntry(3) }] as Written[];
    const { buf, end } = writeAll(written);
    const first = decodeRecord(buf, 0)!;
    const second = decodeRecord(buf, first.end)!;
    for (let cut = 0; cut < end; cut++) {
      const torn = buf.subarray(0, cut);
      const whole = [first.end, second.end, end].filter((e) => e <= cut).length;
      let offset = 0;
      let read = 0;
      for (let rec = decodeRecord(torn, offset); rec !== null && read < written.length; rec = decodeRecord(torn, offset)) {
        offset = rec.end;
        read++;
      }
      assert.equal(read, whole, `cut at ${cut}`);
    }
  });

  it('refuses a record with any byte changed (header or payload)', () => {
    const { buf, end } = writeAll([{ kind: 'packet', record: variedPacket(8).record }]);
    assert.ok(decodeRecord(buf, 0) !== null);
    for (let at = 0; at < end; at++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const damaged = Buffer.from(buf.subarray(0, end));
        damaged[at]! ^= flip;
        assert.equal(decodeRecord(damaged, 0), null, `byte ${at} ^ ${flip}`);
      }
    }
  });

  it('refuses an empty record and one longer than MAX_RECORD_BYTES, whatever their CRC', () => {
    const header = (length: number): Buffer => {
      const b = Buffer.alloc(RECORD_HEADER_BYTES + 16);
      b.writeUInt32LE(length, 0);
      return b;
    };
    assert.equal(decodeRecord(header(0), 0), null);
    assert.equal(decodeRecord(header(MAX_RECORD_BYTES + 1), 0), null);
    assert.equal(decodeRecord(Buffer.alloc(RECORD_HEADER_BYTES - 1), 0), null, 'less than a header');
  });
});
