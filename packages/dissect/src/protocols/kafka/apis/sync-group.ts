/**
 * SyncGroup (API key 14): members receive their assignment from the leader's.
 * Kafka protocol guide, "SyncGroup API"; the message definitions SyncGroupRequest.json and
 * SyncGroupResponse.json: versions 0-5, flexible (KIP-482) from 4 on.
 */

import { schema } from '../schema.js';

export const MAX_VERSION = 5;

export const request = schema(`
  groupId string 0+ group
  generationId int32 0+
  memberId string 0+
  groupInstanceId string 3+ null 3+
  protocolType string 5+ null 5+
  protocolName string 5+ null 5+
  assignments []struct 0+
    memberId string 0+
    assignment bytes 0+
`);

export const response = schema(`
  throttleTimeMs int32 1+
  errorCode int16 0+
  protocolType string 5+ null 5+
  protocolName string 5+ null 5+
  assignment bytes 0+
`);
