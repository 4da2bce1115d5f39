/**
 * Types shared between the capture-file reader and its per-format record parsers.
 */

import type { PacketSink } from '@shoal/model';
import type { CaptureFormat } from './capture-format.js';
import type { TimestampScale } from './timestamp-scale.js';

/**
 * A problem that ended reading early without losing what came before it. The reader
 * collects these instead of throwing, because a capture cut short by a full disk or a
 * killed tcpdump is the common case and its packets are still worth showing.
 */
export interface CaptureWarning {
  code: 'CAP_ERR_TRUNCATED' | 'CAP_ERR_CORRUPT';
  /** One line naming the file and the byte offset. */
  message: string;
  /** File offset of the record or block where reading stopped. */
  offset: number;
}

/** What the file says about one capture interface (the whole file for pcap). */
export interface CaptureInterface {
  /** LINKTYPE_* value (see LinkType), with pcap's FCS bits masked off. */
  readonly linkType: number;
  /** Snapshot length; 0 in pcapng means "no limit". */
  readonly snapLength: number;
  /** FCS length in bytes when the file states it, else undefined. */
  readonly fcsBytes: number | undefined;
  /** Timestamp unit and offset (pcapng if_tsresol / if_tsoffset; pcap: us or ns). */
  readonly timestamps: TimestampScale;
}

/**
 * A format's record loop. The reader owns the file and the chunk buffers; a parser walks
 * complete records in one chunk and reports where it stopped and why.
 */
export interface RecordParser {
  readonly format: CaptureFormat;
  /**
   * When parse() stops for lack of bytes: how many bytes, counted from the returned
   * position, the next record needs (at least one more than were available).
   */
  need: number;
  /** Set when parse() stopped on a structure it cannot trust; the reader reports it. */
  problem: string | null;
  /** Packets delivered so far. */
  packets: number;
  /** Interfaces of the current section. */
  readonly interfaces: readonly CaptureInterface[];
  /**
   * Delivers every complete record in buf[pos, end) to the sink and returns the position
   * after the last one. `view` covers the same bytes as `buf` (view offset 0 = buf[0]).
   */
  parse(buf: Buffer, view: DataView, pos: number, end: number, sink: PacketSink): number;
}
