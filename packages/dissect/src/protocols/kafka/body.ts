/**
 * A Kafka message body read by its grammar (schema.ts) for one API version: the JSON of every
 * field (detail `full`), and, in every detail, the facts an entry shows beyond it: the topics and
 * groups named, the error codes that are not NONE (with the topic and partition they are about),
 * the first error message, the records' totals, a Produce request's acks.
 *
 * Encodings (Kafka protocol guide, "Protocol Primitive Types"; KIP-482): before the API's first
 * flexible version, strings have an INT16 length, bytes and arrays an INT32 one; from it on, the
 * compact forms (UNSIGNED_VARINT length + 1) and, after the fields of every struct and of the body,
 * a tagged-field section: a count, then per field its tag, its size and its bytes. A tag the
 * grammar knows for that struct is decoded, others are skipped by their size.
 *
 * Bounds: arrays show at most MAX_ITEMS elements in the JSON (`<name>Omitted` counts the rest,
 * which are still walked for facts); facts keep at most MAX_FACTS topics and errors.
 */

import { BAD, Cursor, KafkaDecodeError, SHORT } from './cursor.js';
import { errorName } from './error-codes.js';
import { summariseRecords, type RecordsOptions, type RecordsSummary } from './records.js';
import { inVersion, nullableIn, type Field, type Schema } from './schema.js';

export const MAX_ITEMS = 50;
const MAX_FACTS = 20;

export interface ErrorAt {
  code: number;
  name: string;
  topic?: string;
  partition?: number;
}

export interface RecordsTotals {
  batches: number;
  count: number;
  compression: string;
}

export interface BodyFacts {
  topics: string[];
  groups: string[];
  /** Error codes other than 0, first MAX_FACTS. */
  errors: ErrorAt[];
  /** All error codes other than 0. */
  errorCount: number;
  /** The first error message (a non-null `errorMessage` field). */
  errorMessage: string | null;
  records: RecordsTotals | null;
  acks: number | null;
  throttleTimeMs: number | null;
}

export interface DecodedBody {
  /** The fields, in detail `full`; null in `summary`. */
  json: Record<string, unknown> | null;
  facts: BodyFacts;
  /** Why the body stopped before its end, or why bytes were left after it; null when whole. */
  problem: string | null;
}

export interface BodyOptions {
  version: number;
  flexible: boolean;
  /** Build the JSON (detail `full`). */
  build: boolean;
  /** The bytes are only a prefix of the body (not kept whole): running out is expected. */
  cut: boolean;
  records: RecordsOptions;
}

/** What the walk knows about where it is: the innermost topic and partition. */
interface Place {
  topic: string | undefined;
  partition: number | undefined;
}

class Walker {
  readonly facts: BodyFacts = { topics: [], groups: [], errors: [], errorCount: 0, errorMessage: null, records: null, acks: null, throttleTimeMs: null };
  private readonly place: Place = { topic: undefined, partition: undefined };

  constructor(
    private readonly c: Cursor,
    private readonly o: BodyOptions,
  ) {}

  /**
   * The fields of one struct (or the body) into `out` (null: not built), then its tagged fields
   * when flexible. Values are put in place as they are read, so a body that stops early still
   * shows what came before.
   */
  struct(fields: readonly Field[], out: Record<string, unknown> | null): void {
    const topic = this.place.topic;
    const partition = this.place.partition;
    const errorsBefore = this.facts.errors.length;
    for (const f of fields) {
      if (f.tag >= 0 || !inVersion(f, this.o.version)) continue;
      this.field(f, out);
    }
    if (this.o.flexible) this.tagged(fields, out);
    this.placeErrors(errorsBefore);
    this.place.topic = topic;
    this.place.partition = partition;
  }

  private tagged(fields: readonly Field[], out: Record<string, unknown> | null): void {
    const c = this.c;
    const n = c.uvarint();
    for (let i = 0; i < n; i++) {
      const tag = c.uvarint();
      const size = c.uvarint();
      c.need(size);
      const end = c.pos + size;
      const f = fields.find((x) => x.tag === tag && inVersion(x, this.o.version));
      if (f !== undefined) {
        this.field(f, out);
        if (c.pos !== end) throw BAD;
      }
      c.pos = end;
    }
  }

  private field(f: Field, out: Record<string, unknown> | null): void {
    if (!f.array) {
      this.value(f, out, f.name);
      return;
    }
    const c = this.c;
    const n = c.length(this.o.flexible, true);
    if (n < 0) {
      this.mayBeNull(f);
      if (out !== null) out[f.name] = null;
      return;
    }
    // Every element takes at least a byte.
    if (n > c.left) throw this.o.cut ? SHORT : BAD;
    const items: unknown[] | null = out !== null ? [] : null;
    if (out !== null) {
      out[f.name] = items;
      if (n > MAX_ITEMS) out[`${f.name}Omitted`] = n - MAX_ITEMS;
    }
    for (let i = 0; i < n; i++) this.value(f, i < MAX_ITEMS ? items : null, i);
  }

  /** One value of `f` into `into[key]` (nothing when `into` is null: not built, or past MAX_ITEMS). */
  private value(f: Field, into: Record<string, unknown> | unknown[] | null, key: string | number): void {
    const c = this.c;
    const flexible = this.o.flexible;
    let v: unknown;
    switch (f.type) {
      case 'struct': {
        const o = into !== null ? ({} as Record<string, unknown>) : null;
        if (into !== null) (into as Record<string | number, unknown>)[key] = o;
        this.struct(f.fields, o);
        return;
      }
      case 'int8':
        v = c.int8();
        break;
      case 'int16': {
        const n = c.int16();
        if (f.name === 'errorCode' && n !== 0) this.error(n);
        if (f.role === 'acks') this.facts.acks = n;
        v = n;
        break;
      }
      case 'uint16':
        v = c.uint16();
        break;
      case 'int32': {
        const n = c.int32();
        if (f.role === 'partition') this.place.partition = n;
        else if (f.name === 'throttleTimeMs') this.facts.throttleTimeMs = n;
        v = n;
        break;
      }
      case 'int64':
        v = c.int64();
        break;
      case 'float64':
        v = c.float64();
        break;
      case 'bool':
        v = c.int8() !== 0;
        break;
      case 'uuid':
        v = c.uuid();
        break;
      case 'string': {
        const s = c.string(flexible);
        if (s !== null) this.named(f, s);
        else this.mayBeNull(f);
        v = s;
        break;
      }
      case 'bytes': {
        const b = c.bytes(flexible);
        if (b === null) this.mayBeNull(f);
        v = b === null ? null : { size: b.length };
        break;
      }
      case 'records':
        this.records(into, key);
        return;
    }
    if (into !== null) (into as Record<string | number, unknown>)[key] = v;
  }

  /** A null where the grammar has no null for this version breaks it. */
  private mayBeNull(f: Field): void {
    if (!nullableIn(f, this.o.version)) throw BAD;
  }

  private named(f: Field, s: string): void {
    const facts = this.facts;
    if (f.role === 'topic') {
      this.place.topic = s;
      if (facts.topics.length < MAX_FACTS && !facts.topics.includes(s)) facts.topics.push(s);
    } else if (f.role === 'group') {
      if (facts.groups.length < MAX_FACTS && !facts.groups.includes(s)) facts.groups.push(s);
    } else if (f.name === 'errorMessage' && facts.errorMessage === null) facts.errorMessage = s;
  }

  /**
   * Errors read in this struct before its topic name or partition index (Metadata's topic error
   * code comes before the name) learn them at its end.
   */
  private placeErrors(from: number): void {
    const { topic, partition } = this.place;
    for (let i = from; i < this.facts.errors.length; i++) {
      const at = this.facts.errors[i]!;
      if (at.topic === undefined && topic !== undefined) at.topic = topic;
      if (at.partition === undefined && partition !== undefined) at.partition = partition;
    }
  }

  private error(code: number): void {
    const facts = this.facts;
    facts.errorCount++;
    if (facts.errors.length >= MAX_FACTS) return;
    const at: ErrorAt = { code, name: errorName(code) };
    if (this.place.topic !== undefined) at.topic = this.place.topic;
    if (this.place.partition !== undefined) at.partition = this.place.partition;
    facts.errors.push(at);
  }

  /** RECORDS: nullable bytes holding record batches; a prefix when the message was cut. */
  private records(into: Record<string, unknown> | unknown[] | null, key: string | number): void {
    const c = this.c;
    const put = (v: RecordsSummary | null): void => {
      if (into !== null) (into as Record<string | number, unknown>)[key] = v;
    };
    const n = c.length(this.o.flexible, true);
    if (n < 0) {
      put(null);
      return;
    }
    const cut = n > c.left;
    if (cut && !this.o.cut) throw SHORT;
    const data = c.buf.subarray(c.pos, c.pos + Math.min(n, c.left));
    c.pos += data.length;
    const summary = summariseRecords(data, cut, this.o.records);
    summary.size = n;
    const totals = (this.facts.records ??= { batches: 0, count: 0, compression: summary.compression });
    totals.batches += summary.batches;
    totals.count += summary.count;
    put(summary);
    if (cut) throw SHORT;
  }
}

/** Decode `buf[pos, end)` as a body of `schema`. Never throws for any bytes. */
export function decodeBody(schema: Schema, buf: Buffer, pos: number, end: number, options: BodyOptions): DecodedBody {
  const c = new Cursor(buf, pos, end);
  const w = new Walker(c, options);
  const json: Record<string, unknown> | null = options.build ? {} : null;
  let problem: string | null = null;
  try {
    w.struct(schema.fields, json);
    if (c.pos !== end) problem = `${end - c.pos} bytes after the body`;
  } catch (e) {
    if (!(e instanceof KafkaDecodeError)) throw e;
    problem = e === SHORT && options.cut ? null : `${e.message} at byte ${c.pos - pos} of the body`;
  }
  return { json, facts: w.facts, problem };
}
