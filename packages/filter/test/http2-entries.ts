/**
 * HTTP/2 entries to filter, exactly as the dissector wrote them from real traffic: nghttp2's
 * clients and nghttpd (packages/dissect/test/fixtures/http2/*.expected.json, made by
 * generate-http2.sh).
 */

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';

const FIXTURES = fileURLToPath(new URL('../../dissect/test/fixtures/http2/', import.meta.url));

function pick(capture: string, id: string): Entry {
  const doc = JSON.parse(fs.readFileSync(`${FIXTURES}${capture}.expected.json`, 'utf8')) as { entries: Entry[] };
  const e = doc.entries.find((x) => x.id === id);
  if (!e) throw new Error(`fixture ${capture} has no entry ${id}`);
  return structuredClone(e);
}

/** `POST /upload -> 200`: a body echoed back, a request trailer and a response trailer. */
export const post = (): Entry => pick('nghttp-concurrent', 'dissect/5');

/** `GET /hello.txt -> 200` on stream 2: pushed by the server with /data.json. */
export const pushed = (): Entry => pick('nghttp-concurrent', 'dissect/3');

/** `GET /hello.txt -> 101`: the HTTP/1.1 request that asked for the h2c upgrade. */
export const upgradeRequest = (): Entry => pick('h2c-upgrade', 'dissect/1');

/** `(upgraded request) -> 200`: stream 1 of the upgraded connection. */
export const upgradedResponse = (): Entry => pick('h2c-upgrade', 'dissect/2');
