/**
 * tshark's view of the HTTP/2 streams in a capture, and ours in the same terms, so that a test
 * can compare them stream by stream. tshark (Wireshark's HTTP/2 and HPACK code, an independent
 * implementation) runs at test time.
 *
 * Each request header block (a client's HEADERS, or a server's PUSH_PROMISE for the stream it
 * promises) becomes `<tcp stream>/<stream id> <method> <path>` and each final response
 * `<tcp stream>/<stream id> <status>`; trailers and interim 1xx blocks are left out on both
 * sides. The fields are `http2.streamid`, `http2.headers.method`, `http2.headers.path` and
 * `http2.headers.status`, read per frame from tshark's JSON (`-T fields` joins the frames of a
 * segment, and which value belongs to which frame is then lost). tshark dissects HTTP only on
 * its own ports, so every port that received a SYN is decoded as HTTP (`-d`): the preface or an
 * Upgrade switches it to HTTP/2. TCP streams are numbered in the order their first packet appears;
 * ours the same way, from the entries' `stream` ids.
 */

import type { Entry } from '@shoal/model';
import { streamRanks } from './ranked-streams.js';
import { tshark } from './tshark-summary.js';

export interface Http2Lines {
  requests: string[];
  responses: string[];
}

type Json = Record<string, unknown>;
const list = (v: unknown): Json[] => (v === undefined ? [] : Array.isArray(v) ? (v as Json[]) : [v as Json]);

function serverPorts(capture: string): number[] {
  const out = tshark(['-r', capture, '-Y', 'tcp.flags.syn == 1 && tcp.flags.ack == 0', '-T', 'fields', '-e', 'tcp.dstport']);
  return [...new Set(out.split('\n').filter((l) => l !== '').map(Number))];
}

/** One header block as tshark decoded it: its TCP stream, frame type, stream id and fields. */
export interface TsharkHeaderBlock {
  tcp: string;
  /** 1 HEADERS, 5 PUSH_PROMISE. */
  type: '1' | '5';
  /** The stream it opens: the frame's own, or the promised one. */
  streamId: string;
  fields: Map<string, string>;
}

/** Every HEADERS and PUSH_PROMISE header block tshark decodes in `capture`, in capture order. */
export function tsharkHeaderBlocks(capture: string): TsharkHeaderBlock[] {
  const decodeAs = serverPorts(capture).flatMap((p) => ['-d', `tcp.port==${p},http`]);
  const out = tshark([
    '-r', capture, '-o', 'tcp.reassemble_out_of_order:TRUE', ...decodeAs, '-Y', 'http2.type == 1 || http2.type == 5',
    '-T', 'json', '--no-duplicate-keys', '-J', 'tcp http2',
  ]);
  const blocks: TsharkHeaderBlock[] = [];
  for (const packet of JSON.parse(out) as Json[]) {
    const layers = (packet['_source'] as Json)['layers'] as Json;
    const tcp = (list(layers['tcp'])[0] as Json)['tcp.stream'] as string;
    for (const layer of list(layers['http2'])) {
      for (const frame of list(layer['http2.stream'])) {
        const type = frame['http2.type'];
        if (type !== '1' && type !== '5') continue;
        const fields = new Map(list(frame['http2.header']).map((h) => [h['http2.header.name'] as string, h['http2.header.value'] as string]));
        const streamId = (type === '5' ? frame['http2.push_promise.promised_stream_id'] : frame['http2.streamid']) as string;
        blocks.push({ tcp, type, streamId, fields });
      }
    }
  }
  return blocks;
}

/** Every HTTP/2 request and final response tshark decodes in `capture`. */
export function tsharkHttp2(capture: string): Http2Lines {
  const requests: string[] = [];
  const responses: string[] = [];
  for (const { tcp, streamId, fields } of tsharkHeaderBlocks(capture)) {
    const method = fields.get(':method');
    const status = fields.get(':status');
    if (method !== undefined) requests.push(`${tcp}/${streamId} ${method} ${fields.get(':path')}`);
    else if (status !== undefined && !(/^1\d\d$/.test(status) && status !== '101')) responses.push(`${tcp}/${streamId} ${status}`);
  }
  return { requests, responses };
}

/**
 * tshark's numbers of the TCP streams of `entries`: streams in the order they opened, from 0
 * (every TCP flow of these captures has an entry: a dissected exchange or its flow entry).
 */
export const tcpIndexes = (entries: readonly Entry[]): ((e: Entry) => number) => {
  const ranks = streamRanks(entries);
  return (e) => ranks.get(e.stream)!;
};

/**
 * The same lines from our entries of `protocols` (HTTP/2's and those it carries). `capture`: every
 * entry of the capture, which numbers the TCP streams, when `entries` are only some of them.
 */
export function ourHttp2(entries: readonly Entry[], protocols: readonly string[] = ['http2'], capture: readonly Entry[] = entries): Http2Lines {
  const requests: string[] = [];
  const responses: string[] = [];
  const tcpIndexOf = tcpIndexes(capture);
  for (const e of entries) {
    if (!protocols.includes(e.protocol.name)) continue;
    const tcp = tcpIndexOf(e);
    if (e.request !== null) requests.push(`${tcp}/${e.request['streamId']} ${e.request['method']} ${e.request['url']}`);
    if (e.response !== null) responses.push(`${tcp}/${e.response['streamId']} ${e.response['status']}`);
  }
  return { requests, responses };
}
