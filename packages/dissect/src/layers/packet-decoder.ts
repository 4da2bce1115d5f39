import { DecodedPacket, IpProtocol } from './decoded-packet.js';
import { IpDefragmenter } from './ip-defragmenter.js';
import { walkIpv6Extensions, type Ipv6Upper } from './ipv6-extensions.js';
import { ipOffsetOf } from './link.js';
import type { DissectStats } from '../stats.js';

/**
 * Walks link, IP and transport headers into a reused DecodedPacket. Checksums are never checked:
 * with offloading, captured checksums are routinely wrong. Returns false when the packet carries
 * nothing for the flow table (not IP, not TCP/UDP/ICMP/ICMPv6, an incomplete fragment, a broken
 * header); the reason is counted in the stats.
 */
export class PacketDecoder {
  readonly packet = new DecodedPacket();
  private readonly defrag: IpDefragmenter;
  private readonly upper: Ipv6Upper = { next: 0, offset: 0, fragment: -1 };

  constructor(private readonly stats: DissectStats) {
    this.defrag = new IpDefragmenter(stats);
  }

  decode(linkType: number, tsMs: number, buf: Buffer, off: number, caplen: number, wireLen: number): boolean {
    const pkt = this.packet;
    pkt.reset();
    const ip = ipOffsetOf(linkType, buf, off, caplen);
    if (ip < 0) {
      if (ip === -2) this.stats.shed('unknown_link_type', caplen);
      else this.stats.nonIp++;
      return false;
    }
    const end = off + caplen;
    // Bytes the snaplen removed: the wire had them, the capture does not.
    const cut = wireLen > caplen ? wireLen - caplen : 0;
    const version = buf[ip]! >> 4;
    if (version === 4) return this.ipv4(tsMs, buf, ip, end, cut);
    if (version === 6) return this.ipv6(tsMs, buf, ip, end, cut);
    this.stats.nonIp++;
    return false;
  }

  /** Shed fragments that waited too long; called as the capture clock advances. */
  expire(nowMs: number): void {
    this.defrag.expire(nowMs);
  }

  flush(): void {
    this.defrag.flush();
  }

  /** RFC 791 §3.1 */
  private ipv4(tsMs: number, buf: Buffer, ip: number, end: number, cut: number): boolean {
    if (ip + 20 > end) return this.bad(end - ip);
    const ihl = (buf[ip]! & 0x0f) * 4;
    const totalLength = buf.readUInt16BE(ip + 2);
    if (ihl < 20 || totalLength < ihl || ip + ihl > end) return this.bad(end - ip);
    this.stats.ipv4++;
    const pkt = this.packet;
    pkt.ipVersion = 4;
    pkt.src[0] = buf.readUInt32BE(ip + 12);
    pkt.dst[0] = buf.readUInt32BE(ip + 16);
    const proto = buf[ip + 9]!;
    // Total length trims Ethernet padding; TSO captures may show 0, then trust the capture.
    let ipEnd = totalLength === 0 ? end + cut : ip + totalLength;
    const missing = ipEnd > end ? ipEnd - end : 0;
    if (ipEnd > end) ipEnd = end;
    const flagsFrag = buf.readUInt16BE(ip + 6);
    const moreFragments = (flagsFrag & 0x2000) !== 0;
    const fragOffset = (flagsFrag & 0x1fff) * 8;
    if (moreFragments || fragOffset !== 0) {
      if (missing > 0) {
        this.stats.shed('snaplen', missing);
        return false;
      }
      const key = `4:${pkt.src[0]}:${pkt.dst[0]}:${buf.readUInt16BE(ip + 4)}:${proto}`;
      const whole = this.defrag.add(key, tsMs, fragOffset, moreFragments, buf, ip + ihl, ipEnd - ip - ihl);
      if (whole === null) return false;
      return this.transport(proto, whole, 0, whole.length, 0);
    }
    return this.transport(proto, buf, ip + ihl, ipEnd, missing);
  }

  /** RFC 8200 §3 and §4 */
  private ipv6(tsMs: number, buf: Buffer, ip: number, end: number, cut: number): boolean {
    if (ip + 40 > end) return this.bad(end - ip);
    this.stats.ipv6++;
    const pkt = this.packet;
    pkt.ipVersion = 6;
    for (let i = 0; i < 4; i++) {
      pkt.src[i] = buf.readUInt32BE(ip + 8 + 4 * i);
      pkt.dst[i] = buf.readUInt32BE(ip + 24 + 4 * i);
    }
    const payloadLength = buf.readUInt16BE(ip + 4);
    // Payload length 0 means a jumbogram or a TSO capture: trust the captured length then.
    let ipEnd = payloadLength === 0 ? end + cut : ip + 40 + payloadLength;
    const missing = ipEnd > end ? ipEnd - end : 0;
    if (ipEnd > end) ipEnd = end;
    const upper = this.upper;
    if (!walkIpv6Extensions(buf, buf[ip + 6]!, ip + 40, ipEnd, upper)) return this.bad(ipEnd - ip);
    const { next, offset: p, fragment } = upper;
    if (fragment >= 0) {
      const offFlags = buf.readUInt16BE(fragment + 2);
      const fragOffset = offFlags & 0xfff8;
      const more = (offFlags & 1) !== 0;
      if (fragOffset !== 0 || more) {
        if (missing > 0) {
          this.stats.shed('snaplen', missing);
          return false;
        }
        const key = `6:${pkt.src.join(',')}:${pkt.dst.join(',')}:${buf.readUInt32BE(fragment + 4)}:${next}`;
        const whole = this.defrag.add(key, tsMs, fragOffset, more, buf, p, ipEnd - p);
        if (whole === null) return false;
        return this.transport(next, whole, 0, whole.length, 0);
      }
    }
    return this.transport(next, buf, p, ipEnd, missing);
  }

  private transport(proto: number, buf: Buffer, p: number, end: number, missing: number): boolean {
    const pkt = this.packet;
    pkt.transport = proto;
    pkt.buffer = buf;
    if (proto === IpProtocol.TCP) {
      // RFC 9293 §3.1
      if (p + 20 > end) return this.bad(end - p);
      const dataOffset = (buf[p + 12]! >> 4) * 4;
      if (dataOffset < 20 || p + dataOffset > end) return this.bad(end - p);
      this.stats.tcpPackets++;
      pkt.srcPort = buf.readUInt16BE(p);
      pkt.dstPort = buf.readUInt16BE(p + 2);
      pkt.seq = buf.readUInt32BE(p + 4);
      pkt.ack = buf.readUInt32BE(p + 8);
      pkt.tcpFlags = buf[p + 13]!;
      pkt.payloadOffset = p + dataOffset;
      pkt.payloadLength = end - p - dataOffset;
      pkt.payloadWireLength = pkt.payloadLength + missing;
      return true;
    }
    if (proto === IpProtocol.UDP) {
      // RFC 768
      if (p + 8 > end) return this.bad(end - p);
      this.stats.udpPackets++;
      pkt.srcPort = buf.readUInt16BE(p);
      pkt.dstPort = buf.readUInt16BE(p + 2);
      const udpLength = buf.readUInt16BE(p + 4);
      let payloadEnd = end;
      // The UDP length trims padding; 0 (jumbograms, RFC 2675) or a too-large value: trust IP.
      if (udpLength >= 8 && p + udpLength < end) payloadEnd = p + udpLength;
      pkt.payloadOffset = p + 8;
      pkt.payloadLength = payloadEnd - p - 8;
      pkt.payloadWireLength = pkt.payloadLength + (payloadEnd === end ? missing : 0);
      return true;
    }
    if (proto === IpProtocol.ICMP || proto === IpProtocol.ICMPV6) {
      // RFC 792, RFC 4443 §2.1: type, code, checksum, then the message. The whole message is the
      // payload; an echo's identifier keys its flow (in both port fields, so request and reply
      // meet in one flow: protocols/icmp), every other message's flow is the address pair's.
      if (p + 4 > end) return this.bad(end - p);
      this.stats.otherTransport++;
      const type = buf[p]!;
      const echo = proto === IpProtocol.ICMP ? type === 8 || type === 0 : type === 128 || type === 129;
      const id = echo && p + 8 <= end ? buf.readUInt16BE(p + 4) : 0;
      pkt.srcPort = id;
      pkt.dstPort = id;
      pkt.payloadOffset = p;
      pkt.payloadLength = end - p;
      pkt.payloadWireLength = pkt.payloadLength + missing;
      return true;
    }
    this.stats.otherTransport++;
    return false;
  }

  private bad(bytes: number): false {
    this.stats.shed('bad_header', bytes > 0 ? bytes : 0);
    return false;
  }
}
