/**
 * Metadata (API key 3): asks for brokers, topics and their partitions' leaders.
 * Kafka protocol guide, "Metadata API"; the message definitions MetadataRequest.json and
 * MetadataResponse.json: versions 0-12, flexible (KIP-482) from 9 on.
 */

import { schema } from '../schema.js';

export const MAX_VERSION = 12;

export const request = schema(`
  topics []struct 0+ null 1+
    topicId uuid 10+
    name string 0+ null 10+ topic
  allowAutoTopicCreation bool 4+
  includeClusterAuthorizedOperations bool 8-10
  includeTopicAuthorizedOperations bool 8+
`);

export const response = schema(`
  throttleTimeMs int32 3+
  brokers []struct 0+
    nodeId int32 0+
    host string 0+
    port int32 0+
    rack string 1+ null 1+
  clusterId string 2+ null 2+
  controllerId int32 1+
  topics []struct 0+
    errorCode int16 0+
    name string 0+ null 12+ topic
    topicId uuid 10+
    isInternal bool 1+
    partitions []struct 0+
      errorCode int16 0+
      partitionIndex int32 0+ partition
      leaderId int32 0+
      leaderEpoch int32 7+
      replicaNodes []int32 0+
      isrNodes []int32 0+
      offlineReplicas []int32 5+
    topicAuthorizedOperations int32 8+
  clusterAuthorizedOperations int32 8-10
`);
