/**
 * ListOffsets (API key 2): asks for the offset of a time (earliest -2, latest -1) per partition.
 * Kafka protocol guide, "ListOffsets API"; the message definitions ListOffsetsRequest.json and
 * ListOffsetsResponse.json: versions 0-10, flexible (KIP-482) from 6 on.
 */

import { schema } from '../schema.js';

export const MAX_VERSION = 10;

export const request = schema(`
  replicaId int32 0+
  isolationLevel int8 2+
  topics []struct 0+
    name string 0+ topic
    partitions []struct 0+
      partitionIndex int32 0+ partition
      currentLeaderEpoch int32 4+
      timestamp int64 0+
      maxNumOffsets int32 0
  timeoutMs int32 10+
`);

export const response = schema(`
  throttleTimeMs int32 2+
  topics []struct 0+
    name string 0+ topic
    partitions []struct 0+
      partitionIndex int32 0+ partition
      errorCode int16 0+
      oldStyleOffsets []int64 0
      timestamp int64 1+
      offset int64 1+
      leaderEpoch int32 4+
`);
