/**
 * One direction of a TLS connection: records (RFC 8446 §5.1, RFC 5246 §6.2.1) and, inside the
 * handshake records, handshake messages (RFC 8446 §4, RFC 5246 §7.4):
 *
 *   stream    = *record
 *   record    = type:8 legacy_version:16 length:16 fragment{length}
 *               ; type 20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data;
 *               ; length at most 2^14 + 2048 (RFC 5246 §6.2.3, the largest ciphertext)
 *   handshake = msg_type:8 length:24 body{length}   ; over the concatenated handshake fragments
 *   alert     = level:8 description:8                ; RFC 8446 §6
 *
 * A handshake message may span several records and a record several TCP segments; the network
 * cuts anywhere, so both layers are state machines fed chunks of any size. Once a direction is
 * encrypted (every application_data record; in TLS 1.2 everything after its change_cipher_spec,
 * RFC 5246 §7.1) its records are counted, records and bytes, and nothing more is read. An alert
 * record in clear is one alert, two bytes (RFC 8446 §5.1 forbids coalescing them; TLS 1.2 stacks
 * send one per record): a longer one is an encrypted alert, counted.
 *
 * Losses. A gap inside a record's fragment keeps the framing: the next header is where the
 * record's length says. A gap across a header, or a header that breaks the grammar, loses it:
 * the bytes from there are searched for the next record boundary (record-seeker.ts) and counted
 * as unframed until one is found; records are counted again from it. After any loss the
 * direction's handshake messages are no longer read (one may span records, so where the next
 * one starts is unknown); a kept message cut by the loss is handed on with what came of it.
 */

import { ErrorCodes } from '@shoal/model';
import { CONTENT_ALERT, CONTENT_APPLICATION_DATA, CONTENT_CCS, CONTENT_HANDSHAKE, MAX_RECORD, RECORD_HEADER } from './record-header.js';
import { RecordSeeker } from './record-seeker.js';

const HANDSHAKE_HEADER = 4;
/** An alert in clear: level and description (RFC 8446 §6). */
const ALERT_LENGTH = 2;
/** Handshake messages whose bodies are kept (ClientHello, ServerHello, Certificate); others are skipped. */
const KEPT_TYPES = new Set([1, 2, 11]);
/** The most bytes of one kept message held (a certificate chain can be long; a hello never is). */
export const MAX_HANDSHAKE_KEPT = 256 * 1024;

export interface HandshakeMessage {
  type: number;
  /** The body, or its first MAX_HANDSHAKE_KEPT bytes (then `problem` is DIS_ERR_TOO_LARGE). */
  body: Buffer;
  /** Capture times of its first and last byte. */
  startTs: number;
  endTs: number;
  problem: string | null;
}

export interface RecordEvents {
  handshake(message: HandshakeMessage): void;
  alert(level: number, description: number, ts: number): void;
  /** A change_cipher_spec arrived: whether the records after it in this direction are encrypted. */
  changeCipherSpec(): boolean;
}

export interface DirectionCounts {
  /** Every record whose header arrived, and every byte of this direction. */
  records: number;
  bytes: number;
  /** Encrypted records and their bytes (headers included) as they arrived. */
  encryptedRecords: number;
  encryptedBytes: number;
  /** Bytes lost (gaps) and bytes skipped while the framing was lost, until a record boundary was found again. */
  unframedBytes: number;
}

export class RecordReader {
  readonly counts: DirectionCounts = { records: 0, bytes: 0, encryptedRecords: 0, encryptedBytes: 0, unframedBytes: 0 };
  /** The first loss: DIS_ERR_GAP (bytes lost) or DIS_ERR_SYNTAX (a header that is not TLS); else null. */
  lost: string | null = null;
  private encrypted = false;
  private header = Buffer.alloc(RECORD_HEADER);
  private headerHave = 0;
  private type = 0;
  private recordLeft = 0;
  private recordEncrypted = false;
  /** Non-null while the framing is lost: the search for the next record boundary. */
  private seeker: RecordSeeker | null = null;
  /** A loss happened: handshake messages are no longer read. */
  private handshakeLost = false;
  // Handshake message reassembly, across records.
  private hsHeader = Buffer.alloc(HANDSHAKE_HEADER);
  private hsHave = 0;
  private hsType = 0;
  private hsLength = 0;
  private hsLeft = 0;
  private hsParts: Buffer[] = [];
  private hsKept = 0;
  private hsStartTs = 0;
  // An alert cut between chunks (never between records: it is one whole record).
  private alertLevel = -1;

  constructor(private readonly events: RecordEvents) {}

  push(chunk: Buffer, ts: number): void {
    this.counts.bytes += chunk.length;
    this.read(chunk, ts);
  }

  /** `length` bytes were lost at `ts`. */
  gap(length: number, ts: number): void {
    this.counts.bytes += length;
    this.counts.unframedBytes += length;
    this.lost ??= ErrorCodes.DIS_ERR_GAP;
    this.loseHandshake(ErrorCodes.DIS_ERR_GAP, ts);
    if (this.seeker !== null) {
      this.seeker.drop();
      return;
    }
    if (this.recordLeft > 0 && length <= this.recordLeft) {
      // Inside the fragment: the next header is still where the length says.
      this.recordLeft -= length;
      if (this.recordLeft === 0) this.recordEnd();
      return;
    }
    // Past the fragment's end or across a header: nothing tells where records start again.
    this.counts.unframedBytes += this.headerHave;
    this.headerHave = 0;
    this.recordLeft = 0;
    this.seeker = this.newSeeker();
  }

  /** A handshake message was being read when the direction ended: hand on what came. */
  end(ts: number): void {
    if (this.seeker !== null) {
      const rest = this.seeker.end();
      this.seeker = null;
      if (rest !== null) this.read(rest, ts);
    }
    if (this.hsLeft > 0 && KEPT_TYPES.has(this.hsType)) this.finishHandshake(ts, ErrorCodes.DIS_ERR_TRUNCATED);
    this.hsLeft = 0;
    this.hsHave = 0;
  }

  private read(chunk: Buffer, ts: number): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.seeker !== null) {
        const rest = this.seeker.scan(pos === 0 ? chunk : chunk.subarray(pos));
        if (rest === null) return;
        this.seeker = null;
        chunk = rest;
        pos = 0;
      } else if (this.recordLeft === 0) pos = this.readHeader(chunk, pos, ts);
      else pos = this.readFragment(chunk, pos, ts);
    }
  }

  private readHeader(chunk: Buffer, pos: number, ts: number): number {
    const take = Math.min(RECORD_HEADER - this.headerHave, chunk.length - pos);
    chunk.copy(this.header, this.headerHave, pos, pos + take);
    this.headerHave += take;
    pos += take;
    if (this.headerHave < RECORD_HEADER) return pos;
    this.headerHave = 0;
    const type = this.header[0]!;
    const length = this.header.readUInt16BE(3);
    if (type < CONTENT_CCS || type > CONTENT_APPLICATION_DATA || this.header[1] !== 3 || length === 0 || length > MAX_RECORD) {
      // Not a header: search from its second byte on (a real one may start inside it).
      this.lost ??= ErrorCodes.DIS_ERR_SYNTAX;
      this.loseHandshake(ErrorCodes.DIS_ERR_SYNTAX, ts);
      this.seeker = this.newSeeker();
      this.counts.unframedBytes += 1;
      const rest = this.seeker.scan(Buffer.from(this.header.subarray(1)));
      if (rest !== null) {
        this.seeker = null;
        this.read(rest, ts);
      }
      return pos;
    }
    this.type = type;
    this.recordLeft = length;
    this.alertLevel = -1;
    this.recordEncrypted = this.encrypted || type === CONTENT_APPLICATION_DATA || (type === CONTENT_ALERT && length !== ALERT_LENGTH);
    this.counts.records++;
    if (this.recordEncrypted) {
      this.counts.encryptedRecords++;
      this.counts.encryptedBytes += RECORD_HEADER;
    }
    return pos;
  }

  private newSeeker(): RecordSeeker {
    return new RecordSeeker((n) => {
      this.counts.unframedBytes += n;
    });
  }

  /** After a loss (`code`) no handshake message is read; one being kept is handed on with what came. */
  private loseHandshake(code: string, ts: number): void {
    if (this.handshakeLost) return;
    this.handshakeLost = true;
    if (this.hsLeft > 0 && KEPT_TYPES.has(this.hsType)) this.finishHandshake(ts, code);
    this.hsLeft = 0;
    this.hsHave = 0;
    this.hsParts = [];
  }

  private readFragment(chunk: Buffer, pos: number, ts: number): number {
    const take = Math.min(this.recordLeft, chunk.length - pos);
    const part = chunk.subarray(pos, pos + take);
    this.recordLeft -= take;
    if (this.recordEncrypted) this.counts.encryptedBytes += take;
    else if (this.type === CONTENT_HANDSHAKE) {
      if (!this.handshakeLost) this.handshakeBytes(part, ts);
    } else if (this.type === CONTENT_ALERT) this.alertBytes(part, ts);
    if (this.recordLeft === 0) this.recordEnd();
    return pos + take;
  }

  /** The record's last byte came (or was lost): a change_cipher_spec takes effect. */
  private recordEnd(): void {
    if (this.type === CONTENT_CCS && !this.recordEncrypted && this.events.changeCipherSpec()) this.encrypted = true;
  }

  private handshakeBytes(part: Buffer, ts: number): void {
    let pos = 0;
    while (pos < part.length) {
      if (this.hsLeft === 0) {
        const take = Math.min(HANDSHAKE_HEADER - this.hsHave, part.length - pos);
        if (this.hsHave === 0) this.hsStartTs = ts;
        part.copy(this.hsHeader, this.hsHave, pos, pos + take);
        this.hsHave += take;
        pos += take;
        if (this.hsHave < HANDSHAKE_HEADER) return;
        this.hsHave = 0;
        this.hsType = this.hsHeader[0]!;
        this.hsLength = this.hsLeft = this.hsHeader.readUIntBE(1, 3);
        this.hsParts = [];
        this.hsKept = 0;
        if (this.hsLeft === 0) this.finishHandshake(ts, null);
        continue;
      }
      const take = Math.min(this.hsLeft, part.length - pos);
      const room = KEPT_TYPES.has(this.hsType) ? Math.min(take, MAX_HANDSHAKE_KEPT - this.hsKept) : 0;
      if (room > 0) {
        this.hsParts.push(part.subarray(pos, pos + room));
        this.hsKept += room;
      }
      this.hsLeft -= take;
      pos += take;
      if (this.hsLeft === 0) this.finishHandshake(ts, this.hsKept < this.hsLength && KEPT_TYPES.has(this.hsType) ? ErrorCodes.DIS_ERR_TOO_LARGE : null);
    }
  }

  private finishHandshake(ts: number, problem: string | null): void {
    const body = this.hsParts.length === 1 ? this.hsParts[0]! : Buffer.concat(this.hsParts, this.hsKept);
    this.hsParts = [];
    this.hsKept = 0;
    this.events.handshake({ type: this.hsType, body, startTs: this.hsStartTs, endTs: ts, problem });
  }

  private alertBytes(part: Buffer, ts: number): void {
    for (const b of part) {
      if (this.alertLevel < 0) this.alertLevel = b;
      else {
        this.events.alert(this.alertLevel, b, ts);
        this.alertLevel = -1;
      }
    }
  }
}
