/**
 * Record loop for classic pcap files.
 *
 * Layout (draft-ietf-opsawg-pcap §4 and §5; tcpdump pcap-savefile(5)):
 *   File header, 24 bytes: magic, major/minor version (u16 each), two reserved u32
 *   (historically thiszone and sigfigs, always 0), SnapLen, LinkType-and-additional-info.
 *   Then records, each a 16-byte header (seconds, microseconds or nanoseconds, captured
 *   length, original length) followed by the captured bytes, with no padding.
 * Every field is in the byte order of the host that wrote the file, which the magic reveals.
 */

import type { PacketSink } from '@shoal/model';
import type { CaptureInterface, RecordParser } from './capture-types.js';
import { MAX_CAPTURED_LENGTH, detectFormat } from './capture-format.js';
import { TimestampScale } from './timestamp-scale.js';

export const PCAP_FILE_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;

/**
 * The LinkType field carries more than the link type (libpcap pcap/pcap.h, LT_* macros;
 * draft-ietf-opsawg-pcap §4 "LinkType and additional information"): the low 16 bits are
 * the LINKTYPE_ value, bit 26 says an FCS length is present, and bits 28-31 give that FCS
 * length in 16-bit words. Readers must mask, or an Ethernet capture with a known FCS
 * would look like an unknown link type.
 */
const LINKTYPE_MASK = 0x0000ffff;
const FCS_LENGTH_PRESENT = 0x04000000;

export class PcapParser implements RecordParser {
  readonly format = 'pcap';
  need = PCAP_FILE_HEADER_BYTES;
  problem: string | null = null;
  packets = 0;
  interfaces: CaptureInterface[] = [];

  private haveHeader = false;
  private littleEndian = true;
  private linkType = 0;
  private fractionsPerSecond = 1e6;

  parse(buf: Buffer, view: DataView, start: number, end: number, sink: PacketSink): number {
    let pos = start;
    if (!this.haveHeader) {
      if (end - pos < PCAP_FILE_HEADER_BYTES) {
        this.need = PCAP_FILE_HEADER_BYTES;
        return pos;
      }
      if (!this.readFileHeader(buf, view, pos)) return pos;
      pos += PCAP_FILE_HEADER_BYTES;
    }

    // Loop invariants hoisted into locals: the byte order and resolution are fixed for the
    // whole file, and the loop must not touch `this` or allocate per packet.
    const le = this.littleEndian;
    const linkType = this.linkType;
    const perSecond = this.fractionsPerSecond;
    let count = 0;
    for (;;) {
      const available = end - pos;
      if (available < RECORD_HEADER_BYTES) {
        this.need = RECORD_HEADER_BYTES;
        break;
      }
      const capturedLength = view.getUint32(pos + 8, le);
      if (capturedLength > MAX_CAPTURED_LENGTH) {
        this.problem = `packet record claims ${capturedLength} captured bytes (limit ${MAX_CAPTURED_LENGTH})`;
        break;
      }
      const recordLength = RECORD_HEADER_BYTES + capturedLength;
      if (available < recordLength) {
        this.need = recordLength;
        break;
      }
      const seconds = view.getUint32(pos, le);
      const fraction = view.getUint32(pos + 4, le);
      // Same expression as TimestampScale.toMs, so pcap and pcapng agree to the bit.
      const timestampMs = seconds * 1000 + (fraction * 1000) / perSecond;
      sink.onPacket(linkType, timestampMs, buf, pos + RECORD_HEADER_BYTES, capturedLength, view.getUint32(pos + 12, le));
      pos += recordLength;
      count++;
    }
    this.packets += count;
    return pos;
  }

  private readFileHeader(buf: Buffer, view: DataView, pos: number): boolean {
    const detected = detectFormat(buf.subarray(pos, pos + 4));
    if (detected === null || detected.format !== 'pcap') {
      this.problem = 'pcap file header has no pcap magic number';
      return false;
    }
    const le = detected.littleEndian;
    this.littleEndian = le;
    this.fractionsPerSecond = detected.nanoseconds ? 1e9 : 1e6;
    // Offsets 4..15 (version, reserved) are ignored, as libpcap does for 2.x files: old
    // writers put junk in "thiszone"/"sigfigs", and 2.4 is the only version in the wild.
    const snapLength = view.getUint32(pos + 16, le);
    const linkField = view.getUint32(pos + 20, le);
    this.linkType = linkField & LINKTYPE_MASK;
    const fcsBytes = (linkField & FCS_LENGTH_PRESENT) !== 0 ? (linkField >>> 28) * 2 : undefined;
    this.interfaces = [
      { linkType: this.linkType, snapLength, fcsBytes, timestamps: new TimestampScale(this.fractionsPerSecond) },
    ];
    this.haveHeader = true;
    return true;
  }
}
