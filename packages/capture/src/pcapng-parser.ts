/**
 * Block loop for pcapng files.
 *
 * draft-ietf-opsawg-pcapng §3.1: every block is Block Type (u32), Block Total Length (u32),
 * a body, and Block Total Length again; lengths are multiples of 4 and include all three.
 * That self-description is what lets us skip block types we do not know (§3.1: "a reader
 * ... MUST skip" them) and check each block against its own trailer.
 *
 * A file is one or more sections (§4.1). Each Section Header Block sets the byte order of
 * everything up to the next one and starts a fresh list of interfaces, numbered from 0 in
 * IDB order (§4.2); packet blocks name their interface by that number.
 */

import type { PacketSink } from '@shoal/model';
import type { CaptureInterface, RecordParser } from './capture-types.js';
import { MAX_CAPTURED_LENGTH, MAX_PCAPNG_BLOCK_BYTES } from './capture-format.js';
import {
  BLOCK_OVERHEAD,
  BLOCK_TYPE_EPB,
  BLOCK_TYPE_IDB,
  BLOCK_TYPE_PB,
  BLOCK_TYPE_SHB,
  BLOCK_TYPE_SPB,
  checkSectionHeader,
  readInterfaceBlock,
  sectionByteOrder,
} from './pcapng-blocks.js';

/** EPB and PB: overhead + interface (4) + timestamp (8) + captured and original length (4+4). */
const PACKET_BLOCK_MIN_BYTES = 32;
const PACKET_DATA_OFFSET = 28;
/** SPB (§4.4): overhead + original length (4). */
const SIMPLE_BLOCK_MIN_BYTES = 16;
const SIMPLE_DATA_OFFSET = 12;

function hex(type: number): string {
  return `0x${type.toString(16).padStart(8, '0')}`;
}

export class PcapngParser implements RecordParser {
  readonly format = 'pcapng';
  need = BLOCK_OVERHEAD;
  problem: string | null = null;
  packets = 0;
  /** Interfaces of the current section; replaced (not cleared) when a new section starts. */
  interfaces: CaptureInterface[] = [];
  /** Section Header Blocks seen so far. */
  sections = 0;

  private littleEndian = true;
  /**
   * A Simple Packet Block has no timestamp (§4.4). We give it the last timestamp seen,
   * which keeps time monotonic for consumers that bucket by time; 0 before any.
   */
  private lastTimestampMs = 0;

  parse(buf: Buffer, view: DataView, start: number, end: number, sink: PacketSink): number {
    let pos = start;
    let le = this.littleEndian;
    let interfaces = this.interfaces;
    let lastTimestampMs = this.lastTimestampMs;
    let count = 0;

    for (;;) {
      const available = end - pos;
      // 12 bytes is the smallest block, and also covers the SHB's byte-order magic.
      if (available < BLOCK_OVERHEAD) {
        this.need = BLOCK_OVERHEAD;
        break;
      }
      const type = view.getUint32(pos, le);
      let blockLe = le;
      if (type === BLOCK_TYPE_SHB) {
        const order = sectionByteOrder(view, pos);
        if (order === null) {
          this.problem = 'section header block has an invalid byte-order magic';
          break;
        }
        blockLe = order;
      }
      const length = view.getUint32(pos + 4, blockLe);
      if (length < BLOCK_OVERHEAD || (length & 3) !== 0 || length > MAX_PCAPNG_BLOCK_BYTES) {
        this.problem = `block of type ${hex(type)} has an invalid length ${length}`;
        break;
      }
      if (available < length) {
        this.need = length;
        break;
      }
      const trailer = view.getUint32(pos + length - 4, blockLe);
      if (trailer !== length) {
        this.problem = `block of type ${hex(type)} says ${length} bytes at its start but ${trailer} at its end`;
        break;
      }

      if (type === BLOCK_TYPE_EPB || type === BLOCK_TYPE_PB) {
        // EPB (§4.3): Interface ID u32. Obsolete PB (Appendix A): Interface ID u16 and
        // Drops Count u16 in the same four bytes. The rest of the layout is shared.
        if (length < PACKET_BLOCK_MIN_BYTES) {
          this.problem = `packet block is only ${length} bytes`;
          break;
        }
        const interfaceId = type === BLOCK_TYPE_EPB ? view.getUint32(pos + 8, le) : view.getUint16(pos + 8, le);
        const iface = interfaces[interfaceId];
        if (iface === undefined) {
          this.problem = `packet block refers to interface ${interfaceId} but the section has ${interfaces.length}`;
          break;
        }
        const capturedLength = view.getUint32(pos + 20, le);
        if (capturedLength > length - PACKET_BLOCK_MIN_BYTES || capturedLength > MAX_CAPTURED_LENGTH) {
          this.problem = `packet block claims ${capturedLength} captured bytes but holds at most ${length - PACKET_BLOCK_MIN_BYTES}`;
          break;
        }
        lastTimestampMs = iface.timestamps.toMs(view.getUint32(pos + 12, le), view.getUint32(pos + 16, le));
        const originalLength = view.getUint32(pos + 24, le);
        sink.onPacket(iface.linkType, lastTimestampMs, buf, pos + PACKET_DATA_OFFSET, capturedLength, originalLength);
        count++;
      } else if (type === BLOCK_TYPE_SPB) {
        // §4.4: always interface 0; the captured length is not stored but is the smaller
        // of the original length and the snap length (0 = unlimited), and cannot exceed
        // the data area either.
        const iface = interfaces[0];
        if (iface === undefined || length < SIMPLE_BLOCK_MIN_BYTES) {
          this.problem = iface === undefined ? 'simple packet block before any interface description' : `simple packet block is only ${length} bytes`;
          break;
        }
        const originalLength = view.getUint32(pos + 8, le);
        let capturedLength = length - SIMPLE_BLOCK_MIN_BYTES;
        if (originalLength < capturedLength) capturedLength = originalLength;
        if (iface.snapLength !== 0 && iface.snapLength < capturedLength) capturedLength = iface.snapLength;
        if (capturedLength > MAX_CAPTURED_LENGTH) {
          this.problem = `simple packet block holds ${capturedLength} bytes (limit ${MAX_CAPTURED_LENGTH})`;
          break;
        }
        sink.onPacket(iface.linkType, lastTimestampMs, buf, pos + SIMPLE_DATA_OFFSET, capturedLength, originalLength);
        count++;
      } else if (type === BLOCK_TYPE_IDB) {
        const iface = readInterfaceBlock(view, pos, length, le);
        if (typeof iface === 'string') {
          this.problem = iface;
          break;
        }
        interfaces.push(iface);
      } else if (type === BLOCK_TYPE_SHB) {
        const bad = checkSectionHeader(view, pos, length, blockLe);
        if (bad !== null) {
          this.problem = bad;
          break;
        }
        le = blockLe;
        interfaces = [];
        this.interfaces = interfaces;
        this.sections++;
      }
      // Anything else (NRB, ISB, DSB, custom, future types) is skipped by its length.
      pos += length;
    }

    this.littleEndian = le;
    this.lastTimestampMs = lastTimestampMs;
    this.packets += count;
    return pos;
  }
}
