/**
 * Redis: RESP2 and RESP3 (resp.ts), commands paired with their replies in order, pipelining,
 * pub/sub and other pushes, errors; found by its bytes on any port.
 *
 * Files: resp.ts (the grammar and the value type), starts.ts (where a command or reply may
 * start), start-search.ts (finding the next one in unframed bytes), reader.ts (bytes → messages,
 * per direction, losses and resync), commands.ts (Redis's command table: subcommands, keys),
 * command.ts (a command as entries describe it), text.ts (binary-safe strings as text),
 * probe.ts (recognition), seeker.ts (detection's search), stream.ts (the StreamDissector; its
 * header comment says how replies are paired), shape.ts (entry JSON; its header comment
 * documents the shape).
 */

import type { DissectorSpec } from '../../dissector.js';
import { probe } from './probe.js';
import { redisSeeker } from './seeker.js';
import { RedisStream } from './stream.js';

export const redis: DissectorSpec = {
  name: 'redis',
  layer4: 'tcp',
  // 6379: Redis; 26379: Sentinel, which speaks RESP too.
  ports: [6379, 26379],
  probe,
  seeker: redisSeeker,
  create: (session) => new RedisStream(session),
};
