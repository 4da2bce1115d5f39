/**
 * Redis entries to filter, exactly as the dissector wrote them from real traffic: redis-server
 * with redis-cli and node-redis (packages/dissect/test/fixtures/redis/*.expected.json, made by
 * generate-redis.sh).
 */

import type { Entry } from '@shoal/model';
import { fixtureEntries } from './fixture-entries.js';

/** The entry of `redis/capture` whose summary starts with `summary`. */
function pick(capture: string, summary: string): Entry {
  const e = fixtureEntries('redis', capture).find((x) => x.summary.text.startsWith(summary));
  if (!e) throw new Error(`fixture redis/${capture} has no entry "${summary}"`);
  return e;
}

/** `SET user:1 -> OK` from redis-cli. */
export const set = (): Entry => pick('cli', 'SET user:1');
/** `GET bin:1 -> (11 B binary)`: a binary value. */
export const getBinary = (): Entry => pick('cli', 'GET bin:1');
/** `SET bin:1 …`: a binary argument. */
export const setBinary = (): Entry => pick('cli', 'SET bin:1');
/** `LPUSH user:1 -> WRONGTYPE …`: an error reply. */
export const wrongType = (): Entry => pick('cli', 'LPUSH user:1');
/** `GET blob:large -> "value line 00000 …" (300000 B)` from node-redis. */
export const getLarge = (): Entry => pick('resp2', 'GET blob:large');
/** `message news: "hello subscribers"`: a published message pushed to a subscriber. */
export const message = (): Entry => pick('pubsub-resp3', 'message news');
