/**
 * Produce (API key 0): writes record batches to partitions (acks 0: no response).
 * Kafka protocol guide, "Produce API"; the message definitions ProduceRequest.json and
 * ProduceResponse.json: versions 0-11, flexible (KIP-482) from 9 on.
 */

import { schema } from '../schema.js';

export const MAX_VERSION = 11;

export const request = schema(`
  transactionalId string 3+ null 3+
  acks int16 0+ acks
  timeoutMs int32 0+
  topicData []struct 0+
    name string 0+ topic
    partitionData []struct 0+
      index int32 0+ partition
      records records 0+ null 0+
`);

export const response = schema(`
  responses []struct 0+
    name string 0+ topic
    partitionResponses []struct 0+
      index int32 0+ partition
      errorCode int16 0+
      baseOffset int64 0+
      logAppendTimeMs int64 2+
      logStartOffset int64 5+
      recordErrors []struct 8+
        batchIndex int32 8+
        batchIndexErrorMessage string 8+ null 8+
      errorMessage string 8+ null 8+
      currentLeader struct 10+ tag 0
        leaderId int32 10+
        leaderEpoch int32 10+
  throttleTimeMs int32 1+
  nodeEndpoints []struct 10+ tag 0
    nodeId int32 10+
    host string 10+
    port int32 10+
    rack string 10+ null 10+
`);
