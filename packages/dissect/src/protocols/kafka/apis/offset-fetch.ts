/**
 * OffsetFetch (API key 9): reads a group's committed offsets.
 * Kafka protocol guide, "OffsetFetch API"; the message definitions OffsetFetchRequest.json and
 * OffsetFetchResponse.json: versions 0-9, flexible (KIP-482) from 6 on.
 */

import { schema } from '../schema.js';

export const MAX_VERSION = 9;

export const request = schema(`
  groupId string 0-7 group
  topics []struct 0-7 null 2-7
    name string 0-7 topic
    partitionIndexes []int32 0-7
  groups []struct 8+
    groupId string 8+ group
    memberId string 9+ null 9+
    memberEpoch int32 9+
    topics []struct 8+ null 8+
      name string 8+ topic
      partitionIndexes []int32 8+
  requireStable bool 7+
`);

export const response = schema(`
  throttleTimeMs int32 3+
  topics []struct 0-7
    name string 0-7 topic
    partitions []struct 0-7
      partitionIndex int32 0-7 partition
      committedOffset int64 0-7
      committedLeaderEpoch int32 5-7
      metadata string 0-7 null 0-7
      errorCode int16 0-7
  errorCode int16 2-7
  groups []struct 8+
    groupId string 8+ group
    topics []struct 8+
      name string 8+ topic
      partitions []struct 8+
        partitionIndex int32 8+ partition
        committedOffset int64 8+
        committedLeaderEpoch int32 8+
        metadata string 8+ null 8+
        errorCode int16 8+
    errorCode int16 8+
`);
