/**
 * OffsetCommit (API key 8): stores a group's consumed offsets.
 * Kafka protocol guide, "OffsetCommit API"; the message definitions OffsetCommitRequest.json and
 * OffsetCommitResponse.json: versions 0-9, flexible (KIP-482) from 8 on.
 */

import { schema } from '../schema.js';

export const MAX_VERSION = 9;

export const request = schema(`
  groupId string 0+ group
  generationIdOrMemberEpoch int32 1+
  memberId string 1+
  groupInstanceId string 7+ null 7+
  retentionTimeMs int64 2-4
  topics []struct 0+
    name string 0+ topic
    partitions []struct 0+
      partitionIndex int32 0+ partition
      committedOffset int64 0+
      committedLeaderEpoch int32 6+
      commitTimestamp int64 1
      committedMetadata string 0+ null 0+
`);

export const response = schema(`
  throttleTimeMs int32 3+
  topics []struct 0+
    name string 0+ topic
    partitions []struct 0+
      partitionIndex int32 0+ partition
      errorCode int16 0+
`);
