/**
 * The MongoDB wire protocol's messages (MongoDB Wire Protocol, the server's documentation
 * "Legacy Opcodes" and "OP_MSG"; the OP_MSG and OP_COMPRESSED specifications of the drivers):
 * every message is a standard header, then the opcode's body.
 *
 *   MsgHeader     => messageLength:int32 requestID:int32 responseTo:int32 opCode:int32 (all LE)
 *   OP_MSG (2013) => flagBits:uint32 sections+ [checksum:uint32 when checksumPresent]
 *     flagBits: bit 0 checksumPresent, bit 1 moreToCome, bit 16 exhaustAllowed (others reserved)
 *     section   => kind:byte 0 body:document
 *                | kind:byte 1 size:int32 identifier:cstring documents:document*
 *   OP_QUERY (2004) => flags:int32 fullCollectionName:cstring numberToSkip:int32
 *                      numberToReturn:int32 query:document [returnFieldsSelector:document]
 *   OP_REPLY (1)    => responseFlags:int32 cursorID:int64 startingFrom:int32 numberReturned:int32
 *                      documents:document*
 *   OP_COMPRESSED (2012) => originalOpcode:int32 uncompressedSize:int32 compressorId:uint8
 *                           compressedMessage (the original message's body, after the header)
 *     compressorId: 0 noop, 1 snappy, 2 zlib, 3 zstd
 *
 * OP_UPDATE (2001), OP_INSERT (2002), OP_GET_MORE (2005), OP_DELETE (2006), OP_KILL_CURSORS
 * (2007), removed from servers since 6.0, are named and paired, their bodies not decoded. The
 * `bytes` handed here are the message after its messageLength (the framer's).
 */

import { zlibModule } from '../../lazy-builtins.js';
import { BsonError, documentLength, readDocument, type BsonBudget } from './bson.js';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const OP_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'OP_REPLY'], [2001, 'OP_UPDATE'], [2002, 'OP_INSERT'], [2004, 'OP_QUERY'], [2005, 'OP_GET_MORE'],
  [2006, 'OP_DELETE'], [2007, 'OP_KILL_CURSORS'], [2012, 'OP_COMPRESSED'], [2013, 'OP_MSG'],
]);

/** The opcodes a client sends. */
export const REQUEST_OPCODES: ReadonlySet<number> = new Set([2001, 2002, 2004, 2005, 2006, 2007, 2012, 2013]);

export const opName = (op: number): string => OP_NAMES.get(op) ?? `OP_${op}`;

const COMPRESSORS = ['noop', 'snappy', 'zlib', 'zstd'];
const FLAG_CHECKSUM = 1;
const FLAG_MORE_TO_COME = 2;
const FLAG_EXHAUST = 1 << 16;
const KNOWN_FLAGS = FLAG_CHECKSUM | FLAG_MORE_TO_COME | FLAG_EXHAUST;
/** Documents of a kind-1 section (or an OP_REPLY) that are shown; the rest are counted. */
const DOCUMENTS_SHOWN = 10;
/** Elements one message shows in all (bson.ts). */
const ELEMENT_BUDGET = 5000;

export interface DocumentSequence {
  identifier: string;
  count: number;
  documents: unknown[];
}

export interface MongoMessage {
  opCode: number;
  requestId: number;
  responseTo: number;
  /** OP_MSG: the flags set, by name. */
  flags: string[];
  /** OP_MSG: the CRC-32C at its end, hex, when checksumPresent. */
  checksum: string | null;
  /** OP_MSG: the kind-0 body; OP_QUERY: the query; OP_REPLY: its first document. */
  body: Record<string, unknown> | null;
  /** OP_MSG: kind-1 sections. */
  sequences: DocumentSequence[];
  /** OP_REPLY: the documents (the first DOCUMENTS_SHOWN) and how many. */
  documents: unknown[];
  numberReturned: number;
  /** OP_QUERY: `<db>.<collection>`. */
  fullCollectionName: string | null;
  /** OP_COMPRESSED: how the message inside was compressed, and its opcode. */
  compressed: { compressor: string; originalOpCode: string } | null;
  /** Why the body stopped before its end (or could not be read), else null. */
  problem: string | null;
  /** OP_MSG moreToCome: the sender does not wait for an answer (an unacknowledged write). */
  moreToCome: boolean;
}

export const HEADER_AFTER_LENGTH = 12;

class Short extends Error {}

/** Reads the message in `bytes` (after messageLength); `cut`: only a prefix of it is there. */
export function readMessage(bytes: Buffer, cut: boolean, budget = ELEMENT_BUDGET): MongoMessage | null {
  if (bytes.length < HEADER_AFTER_LENGTH) return null;
  const m: MongoMessage = {
    opCode: bytes.readInt32LE(8),
    requestId: bytes.readInt32LE(0),
    responseTo: bytes.readInt32LE(4),
    flags: [],
    checksum: null,
    body: null,
    sequences: [],
    documents: [],
    numberReturned: 0,
    fullCollectionName: null,
    compressed: null,
    problem: null,
    moreToCome: false,
  };
  const b: BsonBudget = { elements: budget };
  try {
    readBody(m, m.opCode, bytes, HEADER_AFTER_LENGTH, b, cut);
  } catch (e) {
    if (e instanceof Short) m.problem = cut ? null : 'the message ends inside a section';
    else if (e instanceof BsonError) m.problem = e.message;
    else throw e;
  }
  return m;
}

function readBody(m: MongoMessage, op: number, bytes: Buffer, at: number, b: BsonBudget, cut: boolean): void {
  switch (op) {
    case OP_MSG:
      return readMsg(m, bytes, at, b, cut);
    case OP_QUERY:
      return readQuery(m, bytes, at, b);
    case OP_REPLY:
      return readReply(m, bytes, at, b);
    case OP_COMPRESSED:
      return readCompressed(m, bytes, at, b, cut);
  }
}

function need(bytes: Buffer, at: number, n: number): void {
  if (at + n > bytes.length) throw new Short();
}

/** A whole document at `at`, read; returns it and where it ends. */
function document(bytes: Buffer, at: number, end: number, b: BsonBudget): [Record<string, unknown>, number] {
  const n = documentLength(bytes, at, end);
  if (n < 0) {
    if (at + 4 > end) throw new Short();
    throw new BsonError('a document length that cannot be');
  }
  if (at + n > end) throw new Short();
  return [readDocument(bytes, at, at + n, b) as Record<string, unknown>, at + n];
}

function readMsg(m: MongoMessage, bytes: Buffer, at: number, b: BsonBudget, cut: boolean): void {
  need(bytes, at, 4);
  const flags = bytes.readUInt32LE(at);
  if ((flags & FLAG_CHECKSUM) !== 0) m.flags.push('checksumPresent');
  if ((flags & FLAG_MORE_TO_COME) !== 0) m.flags.push('moreToCome');
  if ((flags & FLAG_EXHAUST) !== 0) m.flags.push('exhaustAllowed');
  m.moreToCome = (flags & FLAG_MORE_TO_COME) !== 0;
  if ((flags & ~KNOWN_FLAGS & 0xffff) !== 0) throw new BsonError(`reserved flag bits set: 0x${flags.toString(16)}`);
  let end = bytes.length;
  if ((flags & FLAG_CHECKSUM) !== 0 && !cut) {
    need(bytes, at + 4, 4);
    end -= 4;
    m.checksum = bytes.toString('hex', end, end + 4);
  }
  let pos = at + 4;
  while (pos < end) {
    const kind = bytes[pos]!;
    if (kind === 0) {
      if (m.body !== null) throw new BsonError('a second body section');
      [m.body, pos] = document(bytes, pos + 1, end, b);
    } else if (kind === 1) {
      need(bytes, pos + 1, 4);
      const size = bytes.readInt32LE(pos + 1);
      const stop = pos + 1 + size;
      if (size < 5) throw new BsonError('a document sequence shorter than its header');
      const idEnd = bytes.indexOf(0, pos + 5);
      if (idEnd < 0 || idEnd >= Math.min(stop, end)) throw new Short();
      const seq: DocumentSequence = { identifier: bytes.toString('utf8', pos + 5, idEnd), count: 0, documents: [] };
      m.sequences.push(seq);
      let d = idEnd + 1;
      while (d < Math.min(stop, end)) {
        const [doc, next] = seq.count < DOCUMENTS_SHOWN ? document(bytes, d, Math.min(stop, end), b) : skipDocument(bytes, d, Math.min(stop, end));
        if (seq.count < DOCUMENTS_SHOWN) seq.documents.push(doc);
        seq.count++;
        d = next;
      }
      if (stop > end) throw new Short();
      pos = stop;
    } else throw new BsonError(`a section of unknown kind ${kind}`);
  }
  if (m.body === null) throw new BsonError('no body section');
}

function skipDocument(bytes: Buffer, at: number, end: number): [null, number] {
  const n = documentLength(bytes, at, end);
  if (n < 0 || at + n > end) throw new Short();
  return [null, at + n];
}

function readQuery(m: MongoMessage, bytes: Buffer, at: number, b: BsonBudget): void {
  need(bytes, at, 4);
  const z = bytes.indexOf(0, at + 4);
  if (z < 0) throw new Short();
  m.fullCollectionName = bytes.toString('utf8', at + 4, z);
  need(bytes, z + 1, 8);
  [m.body] = document(bytes, z + 9, bytes.length, b);
}

function readReply(m: MongoMessage, bytes: Buffer, at: number, b: BsonBudget): void {
  need(bytes, at, 20);
  m.numberReturned = bytes.readInt32LE(at + 16);
  let pos = at + 20;
  for (let i = 0; pos < bytes.length; i++) {
    const [doc, next] = i < DOCUMENTS_SHOWN ? document(bytes, pos, bytes.length, b) : skipDocument(bytes, pos, bytes.length);
    if (i === 0) m.body = doc;
    if (i < DOCUMENTS_SHOWN) m.documents.push(doc);
    pos = next;
  }
}

function readCompressed(m: MongoMessage, bytes: Buffer, at: number, b: BsonBudget, cut: boolean): void {
  need(bytes, at, 9);
  const original = bytes.readInt32LE(at);
  const size = bytes.readInt32LE(at + 4);
  const compressor = bytes[at + 8]!;
  m.compressed = { compressor: COMPRESSORS[compressor] ?? `compressor${compressor}`, originalOpCode: opName(original) };
  const payload = bytes.subarray(at + 9);
  let inner: Buffer;
  if (compressor === 0) inner = payload;
  else if (compressor === 2 && !cut) {
    try {
      inner = zlibModule().inflateSync(payload, { maxOutputLength: Math.max(0, Math.min(size, 48_000_000)) });
    } catch {
      throw new BsonError('zlib: the compressed message does not inflate');
    }
  } else {
    m.problem = `${m.compressed.compressor} messages are recognised, not decoded`;
    return;
  }
  const header = Buffer.alloc(HEADER_AFTER_LENGTH);
  readBody(m, original, Buffer.concat([header, inner]), HEADER_AFTER_LENGTH, b, cut);
}
