/**
 * LeaveGroup (API key 13): members leave a group.
 * Kafka protocol guide, "LeaveGroup API"; the message definitions LeaveGroupRequest.json and
 * LeaveGroupResponse.json: versions 0-5, flexible (KIP-482) from 4 on.
 */

import { schema } from '../schema.js';

export const MAX_VERSION = 5;

export const request = schema(`
  groupId string 0+ group
  memberId string 0-2
  members []struct 3+
    memberId string 3+
    groupInstanceId string 3+ null 3+
    reason string 5+ null 5+
`);

export const response = schema(`
  throttleTimeMs int32 1+
  errorCode int16 0+
  members []struct 3+
    memberId string 3+
    groupInstanceId string 3+ null 3+
    errorCode int16 3+
`);
