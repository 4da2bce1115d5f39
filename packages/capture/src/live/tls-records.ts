/**
 * The TLS tracer's records (struct shoal_tls_record in native/bpf/shoal_tls.h, little-endian
 * as the machines it runs on), as they arrive inside batch records of link type
 * TLS_RECORD_LINKTYPE. test/tls-layout.test.ts checks these offsets against the C compiler's.
 *
 *   u64 mono_ns | u64 ssl | u64 stream_offset | u32 tgid | u32 tid | u32 netns | u32 call_len |
 *   u32 len | s32 fd | u8 kind | u8 direction | u8 tuple_source | u8 - | u32 - |
 *   tuple: u8 local_addr[16] | u8 remote_addr[16] | u16 local_port | u16 remote_port |
 *          u16 family | u16 - |
 *   char comm[16] | len bytes of plaintext
 */

/** LINKTYPE_USER0: a batch record holding one TLS tracer record (SHOAL_TLS_LINKTYPE). */
export const TLS_RECORD_LINKTYPE = 147;
/** sizeof(struct shoal_tls_record): the header before the plaintext. */
export const TLS_RECORD_BYTES = 112;

/** Byte offsets of the fields (offsetof in C). */
export const TLS_RECORD_OFFSETS = {
  monoNs: 0,
  ssl: 8,
  streamOffset: 16,
  tgid: 24,
  tid: 28,
  netns: 32,
  callLength: 36,
  length: 40,
  fd: 44,
  kind: 48,
  direction: 49,
  tupleSource: 50,
  localAddr: 56,
  remoteAddr: 72,
  localPort: 88,
  remotePort: 90,
  family: 92,
  comm: 96,
} as const;

/** What a record says (SHOAL_TLS_DATA ...). */
export type TlsRecordKind = 'data' | 'bind' | 'close' | 'exec' | 'exit';
const KINDS: Record<number, TlsRecordKind> = { 1: 'data', 2: 'bind', 3: 'close', 4: 'exec', 5: 'exit' };

/** How the connection's addresses were found (SHOAL_TLS_TUPLE_*). */
export type TlsTupleSource = 'none' | 'call' | 'cached' | 'last_read';
const SOURCES: readonly TlsTupleSource[] = ['none', 'call', 'cached', 'last_read'];

const AF_INET = 2;
const AF_INET6 = 10;

export interface TlsEndpoint {
  version: 4 | 6;
  /** The address as big-endian 32-bit words (one for IPv4). */
  words: Uint32Array;
  port: number;
}

export interface TlsRecord {
  kind: TlsRecordKind;
  /** Wall-clock time the record was made, epoch ms. */
  timestampMs: number;
  /** Process and thread (the kernel's ids) and the thread's name. */
  pid: number;
  tid: number;
  comm: string;
  /** Inode number of the process's network namespace. */
  netns: number;
  /** The SSL object's address: the connection, within its process. */
  ssl: number;
  /** data: `read` when the process received these bytes, `write` when it sent them. */
  direction: 'read' | 'write';
  /** data: bytes of this direction on this SSL before the first byte of `data`. */
  streamOffset: number;
  /** data: bytes the whole call moved (`data` may be a piece of it). */
  callLength: number;
  fd: number;
  tupleSource: TlsTupleSource;
  /** The process's end and the peer's; null when not known yet (a `bind` record follows). */
  local: TlsEndpoint | null;
  remote: TlsEndpoint | null;
  /** data: the plaintext (a view into the batch, which is never rewritten). */
  data: Buffer;
}

/** An address as 32-bit big-endian words, the way the dissect engine holds them (formatIp). */
function words(b: Buffer, at: number, version: 4 | 6): Uint32Array {
  const w = new Uint32Array(4);
  for (let i = 0; i < (version === 4 ? 1 : 4); i++) w[i] = b.readUInt32BE(at + 4 * i);
  return w;
}

function u64(b: Buffer, at: number): number {
  return b.readUInt32LE(at) + b.readUInt32LE(at + 4) * 2 ** 32;
}

/**
 * Reads one record from `caplen` bytes at `offset` of `data` (a batch record's payload); null
 * when they do not hold a whole record (never made by the addon).
 */
export function decodeTlsRecord(data: Buffer, offset: number, caplen: number, timestampMs: number): TlsRecord | null {
  const o = TLS_RECORD_OFFSETS;
  if (caplen < TLS_RECORD_BYTES) return null;
  const length = data.readUInt32LE(offset + o.length);
  const kind = KINDS[data[offset + o.kind]!];
  if (kind === undefined || TLS_RECORD_BYTES + length > caplen) return null;
  const family = data.readUInt16LE(offset + o.family);
  const version = family === AF_INET ? 4 : family === AF_INET6 ? 6 : null;
  const commEnd = data.indexOf(0, offset + o.comm);
  return {
    kind,
    timestampMs,
    pid: data.readUInt32LE(offset + o.tgid),
    tid: data.readUInt32LE(offset + o.tid),
    comm: data.toString('latin1', offset + o.comm, commEnd < 0 || commEnd > offset + o.comm + 16 ? offset + o.comm + 16 : commEnd),
    netns: data.readUInt32LE(offset + o.netns),
    ssl: u64(data, offset + o.ssl),
    direction: data[offset + o.direction] === 1 ? 'write' : 'read',
    streamOffset: u64(data, offset + o.streamOffset),
    callLength: data.readUInt32LE(offset + o.callLength),
    fd: data.readInt32LE(offset + o.fd),
    tupleSource: SOURCES[data[offset + o.tupleSource]!] ?? 'none',
    local: version === null ? null : { version, words: words(data, offset + o.localAddr, version), port: data.readUInt16LE(offset + o.localPort) },
    remote: version === null ? null : { version, words: words(data, offset + o.remoteAddr, version), port: data.readUInt16LE(offset + o.remotePort) },
    data: data.subarray(offset + TLS_RECORD_BYTES, offset + TLS_RECORD_BYTES + length),
  };
}
