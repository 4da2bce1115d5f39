/**
 * One direction's frames → messages (RFC 6455 §5.4, §5.5): a data message is its first frame
 * (text, binary) and the continuation frames up to the one with FIN; control frames (close, ping,
 * pong) are messages of one frame each and may come between the fragments of a data message. A
 * compressed message (RSV1 on its first frame, RFC 7692 §6) is inflated once whole (deflate.ts).
 *
 * Bounded: of a data message at most `cap` octets of payload are kept (unmasked, decompressed);
 * of a compressed one at most `holdLimit` compressed octets are held until it is whole, and it
 * inflates to at most that many. Past those the message is counted, not kept.
 */

import { isUtf8 } from 'node:buffer';
import { ErrorCodes, type Malformed } from '@shoal/model';
import { withoutPartialUtf8Tail } from '../../utf8.js';
import type { MessageInflater } from './deflate.js';
import type { FrameSink } from './frame-reader.js';
import { MAX_CONTROL_PAYLOAD, Opcode, isControl, unmask, type FrameHeader } from './frames.js';

export interface WsMessage {
  fromClient: boolean;
  /** Of its first frame; CONTINUATION when that frame was not seen. */
  opcode: number;
  frames: number;
  /** RSV1 on its first frame: permessage-deflate. */
  compressed: boolean;
  /** Payload octets of its frames on the wire (compressed), lost ones included. */
  size: number;
  /** Octets of its frames on the wire, headers included. */
  wireSize: number;
  /** The payload kept, unmasked and inflated, at most the cap; null when nothing could be kept. */
  data: Buffer | null;
  /** `data` is not the whole payload (the cap, a loss, the connection ending, not decoded). */
  truncated: boolean;
  /** A compressed message decoded whole: its size once inflated. */
  decodedSize?: number;
  /** Why a compressed message could not be inflated. */
  decodeError?: string;
  startTs: number;
  endTs: number;
  problem: Malformed | undefined;
}

/** A message being gathered. */
interface Open {
  msg: WsMessage;
  /** Payload kept (data messages: unmasked, up to the cap; compressed ones: all, up to holdLimit). */
  parts: Buffer[];
  kept: number;
  /** Octets of it were lost: nothing more is kept. */
  lost: boolean;
  /** A compressed message over holdLimit: not held, not inflated. */
  overflow: boolean;
}

export class MessageBuilder implements FrameSink {
  private data: Open | null = null;
  private control: Open | null = null;
  /** The frame being read belongs to `control` (else to `data`). */
  private inControl = false;
  private header: FrameHeader | null = null;

  constructor(
    private readonly fromClient: boolean,
    private readonly cap: number,
    private readonly holdLimit: number,
    private readonly inflater: MessageInflater | null,
    private readonly deliver: (m: WsMessage) => void,
  ) {}

  frameStart(h: FrameHeader, ts: number, problem: string | null): void {
    this.header = h;
    const wire = h.headerLength + h.length;
    if (isControl(h.opcode)) {
      this.inControl = true;
      this.control = this.open(h.opcode, false, ts, wire);
    } else if (h.opcode === Opcode.CONTINUATION && this.data !== null) {
      this.inControl = false;
      this.data.msg.frames++;
      this.data.msg.wireSize += wire;
    } else {
      this.inControl = false;
      if (this.data !== null) {
        // §5.4: a new message began before the last frame of the one being fragmented.
        this.flag(this.data, ErrorCodes.DIS_ERR_SYNTAX);
        this.finish(this.data, ts);
      }
      this.data = this.open(h.opcode, h.rsv1, ts, wire);
      // Its first frame was not seen (a connection joined, or sync found again, mid-message).
      if (h.opcode === Opcode.CONTINUATION) this.lose(this.data);
    }
    if (problem !== null) this.flag(this.current()!, ErrorCodes.DIS_ERR_SYNTAX);
  }

  payload(raw: Buffer, offset: number, ts: number): void {
    const open = this.current();
    if (open === null) return;
    open.msg.size += raw.length;
    open.msg.endTs = ts;
    if (open.lost || open.overflow) return;
    const limit = open.msg.compressed ? this.holdLimit : this.inControl ? MAX_CONTROL_PAYLOAD : this.cap;
    const take = Math.min(raw.length, limit - open.kept);
    if (take < raw.length && open.msg.compressed) {
      open.overflow = true;
      open.parts = [];
      return;
    }
    if (take <= 0) return;
    const h = this.header!;
    let part = take === raw.length ? raw : raw.subarray(0, take);
    if (h.masked) {
      const clear = Buffer.allocUnsafe(take);
      unmask(part, clear, h.maskKey, offset);
      part = clear;
    }
    open.parts.push(part);
    open.kept += take;
  }

  payloadLost(n: number): void {
    const open = this.current();
    if (open === null) return;
    open.msg.size += n;
    this.lose(open);
  }

  frameEnd(ts: number): void {
    const open = this.current();
    if (open === null) return;
    open.msg.endTs = ts;
    if (this.inControl) {
      this.control = null;
      this.finish(open, ts);
    } else if (this.header!.fin) {
      this.data = null;
      this.finish(open, ts);
    }
  }

  desync(): void {
    // Frames went by unseen: the messages open here lost some, and whole compressed ones may
    // have gone with what they added to the window.
    this.inflater?.lose();
    for (const open of [this.control, this.data]) {
      if (open === null) continue;
      this.lose(open);
      this.finish(open, open.msg.endTs);
    }
    this.control = null;
    this.data = null;
  }

  /** The connection ended: messages still open were cut short. */
  end(): void {
    for (const open of [this.control, this.data]) {
      if (open === null) continue;
      this.flag(open, ErrorCodes.DIS_ERR_TRUNCATED);
      open.lost = true;
      this.finish(open, open.msg.endTs);
    }
    this.control = null;
    this.data = null;
  }

  private current(): Open | null {
    return this.inControl ? this.control : this.data;
  }

  private open(opcode: number, compressed: boolean, ts: number, wire: number): Open {
    const msg: WsMessage = {
      fromClient: this.fromClient,
      opcode,
      frames: 1,
      compressed,
      size: 0,
      wireSize: wire,
      data: null,
      truncated: false,
      startTs: ts,
      endTs: ts,
      problem: undefined,
    };
    return { msg, parts: [], kept: 0, lost: false, overflow: false };
  }

  private lose(open: Open): void {
    this.flag(open, ErrorCodes.DIS_ERR_GAP);
    open.lost = true;
  }

  private flag(open: Open, code: string): void {
    if (open.msg.problem === undefined) open.msg.problem = { code, at: this.fromClient ? 'request' : 'response' };
  }

  private finish(open: Open, endTs: number): void {
    const msg = open.msg;
    msg.endTs = Math.max(endTs, msg.startTs);
    const kept = open.parts.length === 1 ? open.parts[0]! : Buffer.concat(open.parts, open.kept);
    if (msg.compressed) this.inflate(open, kept);
    else {
      msg.data = kept;
      msg.truncated = open.lost || open.kept < msg.size;
    }
    if (msg.opcode === Opcode.TEXT && msg.data !== null && !validText(msg.data, msg.truncated)) {
      // §8.1: a text message is UTF-8.
      this.flag(open, ErrorCodes.DIS_ERR_SYNTAX);
    }
    if (msg.opcode === Opcode.CLOSE && msg.data !== null && (msg.data.length === 1 || !isUtf8(msg.data.subarray(2)))) {
      // §5.5.1: a close body is a 2-octet status code, then a UTF-8 reason.
      this.flag(open, ErrorCodes.DIS_ERR_SYNTAX);
    }
    this.deliver(msg);
  }

  private inflate(open: Open, compressed: Buffer): void {
    const msg = open.msg;
    msg.truncated = true;
    if (this.inflater === null) return;
    if (open.lost || open.overflow) {
      this.inflater.lose();
      msg.decodeError = open.overflow
        ? `deflate: over ${this.holdLimit} compressed bytes: not decoded`
        : 'deflate: bytes of it were not seen: not decoded';
      return;
    }
    const out = this.inflater.inflate(compressed);
    if (out.error !== undefined) {
      msg.decodeError = out.error;
      return;
    }
    msg.decodedSize = out.data.length;
    msg.truncated = out.data.length > this.cap;
    msg.data = msg.truncated ? Buffer.from(out.data.subarray(0, this.cap)) : out.data;
  }
}

/** UTF-8, the character a cut payload ends inside aside. */
function validText(data: Buffer, truncated: boolean): boolean {
  return isUtf8(data) || (truncated && isUtf8(withoutPartialUtf8Tail(data)));
}
