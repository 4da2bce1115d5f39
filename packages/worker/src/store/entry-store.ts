import * as fs from 'node:fs';
import type { Entry } from '@shoal/model';
import {
  decodePacket,
  entryRecordMaxBytes,
  packetRecordMaxBytes,
  RECORD_HEADER_BYTES,
  writeEntryRecord,
  writePacketRecord,
  type PacketRecord,
} from './record-codec.js';
import { newestFirst } from './newest-first.js';
import { Segment, type RecordRef } from './segment.js';

export interface EntryStoreOptions {
  /** Total bytes the store may use on disk; the oldest segments go first beyond it. */
  limitBytes: number;
  /**
   * Bytes per segment file (the unit of eviction); default limit/8 within [64 KiB, 64 MiB], so
   * even a small limit is kept to within one segment and evicts in steps of an eighth.
   */
  segmentBytes?: number;
}

/** A reading position in store order (see EntryStore.next); survives appends and eviction. */
export interface StoreCursor {
  segment: number;
  index: number;
}

export interface EntryStoreStats {
  bytes: number;
  segments: number;
  entries: number;
  evictedSegments: number;
  evictedEntries: number;
  /** Bytes cut from segment tails at open: records torn by a crash, or damage. */
  recoveredCutBytes: number;
}

/** An entry found by a walk over the index: its time, and its record, read on demand. */
export interface StoredEntry {
  timestamp: number;
  read(): Entry;
}

const SEGMENT_NAME = /^(\d{10})\.seg$/;

function readEntry(ref: RecordRef): Entry {
  return JSON.parse(ref.segment.read(ref.offset, ref.length).toString('utf8')) as Entry;
}

/**
 * The worker's store: entries and the raw packets of each stream, in append-only segment files
 * under one directory, bounded by a byte limit with oldest-first eviction. Ids map to file
 * offsets in memory, so fetching an entry reads one record, never scans. What was flushed
 * survives kill -9: reopening indexes every whole record and cuts a torn tail (CRC-checked).
 */
export class EntryStore {
  private readonly segments: Segment[] = [];
  private readonly ids = new Map<string, RecordRef>();
  private readonly segmentBytes: number;
  /** Bytes of every segment but the last (the one appended to), kept so appends need not sum. */
  private olderBytes = 0;
  private evictedSegments = 0;
  private evictedEntries = 0;
  private recoveredCutBytes = 0;

  private constructor(private readonly dir: string, private readonly limitBytes: number, segmentBytes: number) {
    this.segmentBytes = segmentBytes;
  }

  static open(dir: string, options: EntryStoreOptions): EntryStore {
    const limit = options.limitBytes;
    const segmentBytes = options.segmentBytes ?? Math.min(64 << 20, Math.max(64 << 10, Math.floor(limit / 8)));
    fs.mkdirSync(dir, { recursive: true });
    const store = new EntryStore(dir, limit, segmentBytes);
    const numbers = fs
      .readdirSync(dir)
      .map((name) => SEGMENT_NAME.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const n of numbers) {
      const { segment, cutBytes } = Segment.recover(dir, n, (ref, payload) => store.indexEntry(ref, payload));
      store.recoveredCutBytes += cutBytes;
      store.segments.push(segment);
    }
    if (store.segments.length === 0) store.segments.push(Segment.create(dir, 1));
    store.olderBytes = store.segments.slice(0, -1).reduce((sum, s) => sum + s.size, 0);
    store.evict();
    return store;
  }

  /** `json` may be passed when the caller already serialised the entry (the live feed does). */
  appendEntry(entry: Entry, json: string = JSON.stringify(entry)): void {
    const max = entryRecordMaxBytes(json);
    const segment = this.writable(max);
    const buf = segment.reserve(max);
    const start = segment.writeAt;
    const end = writeEntryRecord(buf, start, json);
    const offset = segment.commit(end) + RECORD_HEADER_BYTES;
    this.ids.get(entry.id)?.segment.dropEntry(entry.id);
    this.ids.set(entry.id, { segment, offset, length: end - start - RECORD_HEADER_BYTES });
    segment.addEntry(entry.id, entry.timestamp);
    this.evict();
  }

  appendPacket(stream: string, linkType: number, timestampMs: number, data: Buffer, offset: number, length: number, wireLength: number): void {
    const max = packetRecordMaxBytes(stream, length);
    const segment = this.writable(max);
    const buf = segment.reserve(max);
    const start = segment.writeAt;
    const end = writePacketRecord(buf, start, stream, linkType, timestampMs, data, offset, length, wireLength);
    const at = segment.commit(end) + RECORD_HEADER_BYTES;
    segment.indexPacket(stream, at, end - start - RECORD_HEADER_BYTES, linkType);
    this.evict();
  }

  /** Writes what is buffered; after it returns, a kill -9 loses none of it. */
  flush(): void {
    this.current.flush();
  }

  get(id: string): Entry | undefined {
    const ref = this.ids.get(id);
    return ref === undefined ? undefined : readEntry(ref);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /**
   * The stored packets of the given streams, oldest first (for PCAP export). A reader may pause
   * between packets: a segment evicted meanwhile is skipped, never read after its removal.
   */
  *packetsOf(streams: Iterable<string>): Generator<PacketRecord> {
    const wanted = new Set(streams);
    for (const segment of [...this.segments]) {
      const refs: Array<[offset: number, length: number]> = [];
      for (const stream of wanted) {
        const list = segment.packets.get(stream);
        if (list !== undefined) list.offsets.forEach((offset, i) => refs.push([offset, list.lengths[i]!]));
      }
      refs.sort((a, b) => a[0] - b[0]);
      for (const [offset, length] of refs) {
        if (segment.removed) break;
        yield decodePacket(segment.read(offset, length));
      }
    }
  }

  /** How many stored packets of the given streams have each link type (memory only, no reads). */
  linkTypesOf(streams: Iterable<string>): Map<number, number> {
    const counts = new Map<number, number>();
    const wanted = new Set(streams);
    for (const segment of this.segments) {
      for (const stream of wanted) {
        for (const [linkType, n] of segment.packets.get(stream)?.linkTypes ?? []) counts.set(linkType, (counts.get(linkType) ?? 0) + n);
      }
    }
    return counts;
  }

  /** Every stored entry, oldest first. */
  *entries(): Generator<Entry> {
    yield* this.entriesBetween(-Infinity, Infinity);
  }

  /** Stored entries with from ≤ timestamp ≤ to, in store order; skips segments outside the range. */
  *entriesBetween(fromMs: number, toMs: number): Generator<Entry> {
    const cursor = this.cursor(fromMs);
    for (let entry = this.next(cursor, toMs); entry !== undefined; entry = this.next(cursor, toMs)) {
      if (entry.timestamp >= fromMs && entry.timestamp <= toMs) yield entry;
    }
  }

  /** A cursor at the oldest segment that may hold entries at or after `sinceMs`. */
  cursor(sinceMs = -Infinity): StoreCursor {
    const first = this.segments.find((s) => s.maxTimestamp >= sinceMs) ?? this.segments[this.segments.length - 1]!;
    return { segment: first.number, index: 0 };
  }

  /**
   * The entry at the cursor, advancing it; undefined at the end of what is stored now. Entries
   * appended later are found by a later call, so a reader that goes live the moment this
   * returns undefined misses nothing and sees nothing twice. Segments evicted under the cursor
   * are skipped; whole segments whose entries all start after `untilMs` are not read.
   */
  next(cursor: StoreCursor, untilMs = Infinity): Entry | undefined {
    for (const segment of this.segments) {
      if (segment.number < cursor.segment) continue;
      if (segment.number > cursor.segment) {
        cursor.segment = segment.number;
        cursor.index = 0;
      }
      if (segment.minTimestamp <= untilMs) {
        while (cursor.index < segment.ids.length) {
          const id = segment.ids[cursor.index++]!;
          const ref = this.ids.get(id);
          if (ref?.segment === segment) return readEntry(ref);
        }
      } else cursor.index = segment.ids.length;
      if (segment === this.segments[this.segments.length - 1]) return undefined;
      cursor.segment = segment.number + 1;
      cursor.index = 0;
    }
    return undefined;
  }

  /**
   * Stored entries with timestamp < `beforeMs`, newest first (history pages, GET /entries).
   * The order comes from memory alone (see newestFirst), so skipping costs no read: each
   * entry's record is read only if the caller calls `read`, which it must do before the next
   * step (a later step may follow an eviction).
   */
  *newestBefore(beforeMs = Infinity): Generator<StoredEntry> {
    for (const { segment, index, timestamp } of newestFirst(this.segments, beforeMs)) {
      const ref = this.ids.get(segment.ids[index]!);
      if (ref?.segment === segment) yield { timestamp, read: () => readEntry(ref) };
    }
  }

  stats(): EntryStoreStats {
    return {
      bytes: this.segments.length === 0 ? 0 : this.olderBytes + this.current.size,
      segments: this.segments.length,
      entries: this.ids.size,
      evictedSegments: this.evictedSegments,
      evictedEntries: this.evictedEntries,
      recoveredCutBytes: this.recoveredCutBytes,
    };
  }

  /** The timestamps of the oldest and the newest stored entry, or null when none is stored. */
  timeSpan(): { from: number; to: number } | null {
    let from = Infinity;
    let to = -Infinity;
    for (const s of this.segments) {
      from = Math.min(from, s.minTimestamp);
      to = Math.max(to, s.maxTimestamp);
    }
    return from <= to ? { from, to } : null;
  }

  close(): void {
    for (const s of this.segments) s.close();
    this.segments.length = 0;
  }

  private indexEntry(ref: RecordRef, payload: Buffer): void {
    const entry = JSON.parse(payload.toString('utf8')) as Entry;
    this.ids.get(entry.id)?.segment.dropEntry(entry.id);
    this.ids.set(entry.id, ref);
    ref.segment.addEntry(entry.id, entry.timestamp);
  }

  private get current(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  /** The segment to append `bytes` to: a new one once the current one is full. */
  private writable(bytes: number): Segment {
    let current = this.current;
    if (current.size > 0 && current.size + bytes > this.segmentBytes) {
      current.seal();
      this.olderBytes += current.size;
      current = Segment.create(this.dir, current.number + 1);
      this.segments.push(current);
    }
    return current;
  }

  /** Oldest segments go until the store fits its limit; the one being written stays. */
  private evict(): void {
    while (this.olderBytes + this.current.size > this.limitBytes && this.segments.length > 1) {
      const oldest = this.segments.shift()!;
      this.olderBytes -= oldest.size;
      for (const id of oldest.ids) {
        if (this.ids.get(id)?.segment === oldest) this.ids.delete(id);
      }
      this.evictedEntries += oldest.ids.length;
      this.evictedSegments++;
      oldest.remove();
    }
  }
}
