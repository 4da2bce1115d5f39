/**
 * tshark's view of the gRPC calls in a capture, and ours in the same terms, so that a test can
 * compare them. tshark (Wireshark's HTTP/2, gRPC and protobuf dissectors, an independent
 * implementation, which also inflates gzip messages) runs at test time, with the server port
 * decoded as HTTP/2.
 *
 * - `statuses`: `<tcp stream>/<stream id> <grpc-status>` for every header block that carries one
 *   (trailers, or a Trailers-Only response).
 * - `messages`: one line per length-prefixed message, `<to server|to client> <Message-Length>
 *   <Compressed-Flag> <fields>`, the fields being the message's top-level protobuf fields as
 *   `number/wire type=value`, sorted (tshark groups a repeated field's occurrences), with the
 *   value a VARINT's, I32's or I64's number, or a LEN's length. Lines are sorted: the messages of
 *   concurrent streams interleave differently in packets and in entries.
 */

import type { Entry, GrpcMessageJson, GrpcSideJson, ProtoFieldJson } from '@shoal/model';
import { tsharkHeaderBlocks, tcpIndexes } from './tshark-http2.js';
import { tshark } from './tshark-summary.js';

export interface GrpcLines {
  statuses: string[];
  messages: string[];
}

type Json = Record<string, unknown>;
const list = (v: unknown): Json[] => (v === undefined ? [] : Array.isArray(v) ? (v as Json[]) : [v as Json]);

const WIRE_TYPES: Readonly<Record<ProtoFieldJson['wireType'], number>> = { varint: 0, i64: 1, len: 2, group: 3, i32: 5 };

/** tshark's protobuf fields of one message (one `Message: …` object of its protobuf layer). */
function tsharkFields(message: Json): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(message)) {
    if (!key.startsWith('Field(')) continue;
    for (const f of list(value)) {
      const tree = (f['protobuf.field.value_tree'] ?? {}) as Json;
      const scalar = tree['protobuf.field.value.uint64'] ?? tree['protobuf.field.value.uint32'];
      out.push(`${f['protobuf.field.number']}/${f['protobuf.field.wiretype']}=${scalar ?? f['protobuf.field.value.length']}`);
    }
  }
  return out.sort();
}

export function tsharkGrpc(capture: string, serverPort: number): GrpcLines {
  const statuses = tsharkHeaderBlocks(capture)
    .filter((b) => b.fields.has('grpc-status'))
    .map((b) => `${b.tcp}/${b.streamId} ${b.fields.get('grpc-status')}`);
  const out = tshark([
    '-r', capture, '-o', 'tcp.reassemble_out_of_order:TRUE', '-d', `tcp.port==${serverPort},http2`, '-Y', 'grpc',
    '-T', 'json', '--no-duplicate-keys', '-J', 'tcp grpc protobuf',
  ]);
  const messages: string[] = [];
  for (const packet of JSON.parse(out) as Json[]) {
    const layers = (packet['_source'] as Json)['layers'] as Json;
    const toServer = Number((list(layers['tcp'])[0] as Json)['tcp.dstport']) === serverPort;
    const protobuf = list(layers['protobuf']);
    list(layers['grpc']).forEach((g, i) => {
      const message = Object.values(protobuf[i] ?? {})[0] as Json | undefined;
      const fields = message === undefined ? [] : tsharkFields(message);
      messages.push(`${toServer ? 'to server' : 'to client'} ${g['grpc.message_length']} ${g['grpc.compressed_flag']} ${fields.join(' ')}`);
    });
  }
  return { statuses: statuses.sort(), messages: messages.sort() };
}

function ourFields(m: GrpcMessageJson): string[] {
  return (m.fields ?? []).map((f) => `${f.number}/${WIRE_TYPES[f.wireType]}=${f.wireType === 'len' ? f.length : f.value}`).sort();
}

/** The same lines from our gRPC entries. */
export function ourGrpc(entries: readonly Entry[]): GrpcLines {
  const statuses: string[] = [];
  const messages: string[] = [];
  const tcpIndexOf = tcpIndexes(entries);
  for (const e of entries) {
    if (e.protocol.name !== 'grpc') continue;
    const tcp = tcpIndexOf(e);
    const res = e.response?.['grpc'] as { status?: number } | undefined;
    if (res?.status !== undefined) statuses.push(`${tcp}/${e.response!['streamId']} ${res.status}`);
    for (const [to, side] of [['to server', e.request], ['to client', e.response]] as const) {
      for (const m of (side?.['grpc'] as GrpcSideJson | undefined)?.messages ?? []) {
        messages.push(`${to} ${m.length} ${m.compressed ? 1 : 0} ${ourFields(m).join(' ')}`);
      }
    }
  }
  return { statuses: statuses.sort(), messages: messages.sort() };
}
