/**
 * Large captures made at test time from a real one: the TCP stream of an HTTP/1 fixture (real
 * client and server traffic), copied many times, each copy on its own client port, in groups
 * whose copies share their packets' times exactly. So history holds thousands of real exchanges,
 * with runs of entries sharing one timestamp. Written with the project's pcap writer;
 * `shoal dissect` of the file is the ground truth (dissectFile).
 */
import { CaptureFileReader, PcapWriter } from '@shoal/capture';
import { DEFAULT_ENGINE_OPTIONS, DissectEngine, defaultRegistry } from '@shoal/dissect';
import type { Entry } from '@shoal/model';

const LINKTYPE_ETHERNET = 1;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERNET_HEADER = 14;

interface Packet {
  ts: number;
  data: Buffer;
}

export interface SpreadOptions {
  /** Copies of the fixture's one TCP stream. */
  copies: number;
  /** Copies in a row that share their packets' times exactly (entries with equal timestamps). */
  group: number;
  /** Where the first group's first packet lies, epoch ms; each group starts `stepMs` after the one before. */
  startMs: number;
  stepMs: number;
  /** The client port of copy `k`. */
  port: (k: number) => number;
  /** New IPv4 addresses of the client and the server (default: the fixture's). */
  client?: string;
  server?: string;
}

function readPackets(path: string): Packet[] {
  const packets: Packet[] = [];
  const reader = CaptureFileReader.open(path);
  try {
    reader.readAll({
      onPacket(linkType, ts, data, offset, caplen) {
        if (linkType !== LINKTYPE_ETHERNET) throw new Error(`${path}: link type ${linkType}, not Ethernet`);
        packets.push({ ts, data: Buffer.from(data.subarray(offset, offset + caplen)) });
      },
    });
  } finally {
    reader.close();
  }
  return packets;
}

const ipv4 = (text: string): Buffer => Buffer.from(text.split('.').map(Number));

/** RFC 791 §3.1: the one's complement sum of the header's 16-bit words, its checksum field as zero. */
function setHeaderChecksum(ip: Buffer): void {
  ip.writeUInt16BE(0, 10);
  let sum = 0;
  for (let i = 0; i < (ip[0]! & 0x0f) * 4; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
}

/**
 * Writes `copies` copies of the single TCP stream in `fixturePath` (Ethernet, IPv4) to `path`,
 * in time order. TCP checksums are left as captured: the dissector does not check them (with
 * offloading, captured ones are routinely wrong).
 */
export function writeSpreadCapture(fixturePath: string, path: string, o: SpreadOptions): void {
  const packets = readPackets(fixturePath);
  const first = packets[0]!;
  if (first.data.readUInt16BE(12) !== ETHERTYPE_IPV4) throw new Error(`${fixturePath}: not IPv4`);
  const tcpAt = (p: Packet): number => ETHERNET_HEADER + (p.data[ETHERNET_HEADER]! & 0x0f) * 4;
  const clientPort = first.data.readUInt16BE(tcpAt(first));
  const clientIp = first.data.subarray(ETHERNET_HEADER + 12, ETHERNET_HEADER + 16);
  const out: Packet[] = [];
  for (let k = 0; k < o.copies; k++) {
    const shift = o.startMs + Math.floor(k / o.group) * o.stepMs - first.ts;
    for (const p of packets) {
      const data = Buffer.from(p.data);
      const ip = data.subarray(ETHERNET_HEADER);
      const fromClient = ip.subarray(12, 16).equals(clientIp) && data.readUInt16BE(tcpAt(p)) === clientPort;
      data.writeUInt16BE(o.port(k), tcpAt(p) + (fromClient ? 0 : 2));
      const [src, dst] = fromClient ? [o.client, o.server] : [o.server, o.client];
      if (src !== undefined) ipv4(src).copy(ip, 12);
      if (dst !== undefined) ipv4(dst).copy(ip, 16);
      setHeaderChecksum(ip);
      out.push({ ts: p.ts + shift, data });
    }
  }
  // Stable: packets of one time stay in stream order.
  out.sort((a, b) => a.ts - b.ts);
  const writer = PcapWriter.toFile(path, { linkType: LINKTYPE_ETHERNET });
  try {
    for (const p of out) writer.writePacket(p.ts, p.data);
  } finally {
    writer.close();
  }
}

/** What `shoal dissect FILE` prints, as entries: the same engine and defaults. */
export function dissectFile(path: string): Entry[] {
  const entries: Entry[] = [];
  const engine = new DissectEngine({ ...DEFAULT_ENGINE_OPTIONS, registry: defaultRegistry() }, (e: Entry) => entries.push(e));
  const reader = CaptureFileReader.open(path);
  try {
    reader.readAll(engine);
    engine.finish();
  } finally {
    reader.close();
  }
  return entries;
}
