/**
 * WebSocket (RFC 6455) after the HTTP/1.1 upgrade (http1 hands the stream over after `101
 * Switching Protocols` with `Upgrade: websocket`, and the handshake with it), with
 * permessage-deflate (RFC 7692); or found by its frames on a connection joined after the
 * handshake.
 *
 * Files: frames.ts (frame grammar, header rules, masking), frame-reader.ts (bytes → frames, per
 * direction, gaps and resync), message.ts (frames → messages: fragmentation, bounds), deflate.ts
 * (the negotiated terms, inflating with each sender's window), close-codes.ts (§7.4 in words),
 * stream.ts (the StreamDissector; its header comment says how messages become entries), shape.ts
 * (entry JSON; its header comment documents the shape), probe.ts (recognition without handshake).
 */

import type { DissectorSpec } from '../../dissector.js';
import { probe } from './probe.js';
import { WsStream } from './stream.js';

export const ws: DissectorSpec = {
  name: 'ws',
  layer4: 'tcp',
  // WebSocket shares HTTP's ports; its frames speak for themselves.
  ports: [],
  probe,
  create: (session, handshake) => new WsStream(session, handshake),
};
