/**
 * Which request a response answers: the one with its correlation id (Kafka protocol guide,
 * "Protocol": the client sets it, the server echoes it; a broker answers the requests of one
 * connection in the order they came, but the id is what ties them). The response says neither
 * its API key nor its version, so the waiting request is also what tells how to read the
 * response's header and body: the pending requests are kept per connection (pending-by-id.ts).
 */

import type { FramedMessage } from '../size-framer.js';
import type { RequestHeader } from './header.js';
import type { DecodedBody } from './body.js';

/** A request as it arrived and was read. */
export interface KafkaRequest {
  framed: FramedMessage;
  /** Null when not even its header could be read. */
  header: RequestHeader | null;
  /** Null when the API's body is not decoded here (or the header was not read). */
  body: DecodedBody | null;
  /** Why the body was not decoded although the API is known (a version newer than its grammar). */
  notDecoded: string | null;
}
