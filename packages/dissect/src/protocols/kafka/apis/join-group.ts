/**
 * JoinGroup (API key 11): a member joins a group's rebalance.
 * Kafka protocol guide, "JoinGroup API"; the message definitions JoinGroupRequest.json and
 * JoinGroupResponse.json: versions 0-9, flexible (KIP-482) from 6 on.
 */

import { schema } from '../schema.js';

export const MAX_VERSION = 9;

export const request = schema(`
  groupId string 0+ group
  sessionTimeoutMs int32 0+
  rebalanceTimeoutMs int32 1+
  memberId string 0+
  groupInstanceId string 5+ null 5+
  protocolType string 0+
  protocols []struct 0+
    name string 0+
    metadata bytes 0+
  reason string 8+ null 8+
`);

export const response = schema(`
  throttleTimeMs int32 2+
  errorCode int16 0+
  generationId int32 0+
  protocolType string 7+ null 7+
  protocolName string 0+ null 7+
  leader string 0+
  skipAssignment bool 9+
  memberId string 0+
  members []struct 0+
    memberId string 0+
    groupInstanceId string 5+ null 5+
    metadata bytes 0+
`);
