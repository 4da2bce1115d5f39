/**
 * Heartbeat (API key 12): a member says it is alive; REBALANCE_IN_PROGRESS asks it to rejoin.
 * Kafka protocol guide, "Heartbeat API"; the message definitions HeartbeatRequest.json and
 * HeartbeatResponse.json: versions 0-4, flexible (KIP-482) from 4 on.
 */

import { schema } from '../schema.js';

export const MAX_VERSION = 4;

export const request = schema(`
  groupId string 0+ group
  generationId int32 0+
  memberId string 0+
  groupInstanceId string 3+ null 3+
`);

export const response = schema(`
  throttleTimeMs int32 1+
  errorCode int16 0+
`);
