/**
 * Fetch (API key 1): reads record batches from partitions.
 * Kafka protocol guide, "Fetch API"; the message definitions FetchRequest.json and
 * FetchResponse.json: versions 0-17, flexible (KIP-482) from 12 on.
 */

import { schema } from '../schema.js';

export const MAX_VERSION = 17;

export const request = schema(`
  clusterId string 12+ null 12+ tag 0
  replicaId int32 0-14
  replicaState struct 15+ tag 1
    replicaId int32 15+
    replicaEpoch int64 15+
  maxWaitMs int32 0+
  minBytes int32 0+
  maxBytes int32 3+
  isolationLevel int8 4+
  sessionId int32 7+
  sessionEpoch int32 7+
  topics []struct 0+
    topic string 0-12 topic
    topicId uuid 13+
    partitions []struct 0+
      partition int32 0+ partition
      currentLeaderEpoch int32 9+
      fetchOffset int64 0+
      lastFetchedEpoch int32 12+
      logStartOffset int64 5+
      partitionMaxBytes int32 0+
      replicaDirectoryId uuid 17+ tag 0
  forgottenTopicsData []struct 7+
    topic string 7-12 topic
    topicId uuid 13+
    partitions []int32 7+
  rackId string 11+
`);

export const response = schema(`
  throttleTimeMs int32 1+
  errorCode int16 7+
  sessionId int32 7+
  responses []struct 0+
    topic string 0-12 topic
    topicId uuid 13+
    partitions []struct 0+
      partitionIndex int32 0+ partition
      errorCode int16 0+
      highWatermark int64 0+
      lastStableOffset int64 4+
      logStartOffset int64 5+
      divergingEpoch struct 12+ tag 0
        epoch int32 12+
        endOffset int64 12+
      currentLeader struct 12+ tag 1
        leaderId int32 12+
        leaderEpoch int32 12+
      snapshotId struct 12+ tag 2
        endOffset int64 0+
        epoch int32 0+
      abortedTransactions []struct 4+ null 4+
        producerId int64 4+
        firstOffset int64 4+
      preferredReadReplica int32 11+
      records records 0+ null 0+
  nodeEndpoints []struct 16+ tag 0
    nodeId int32 16+
    host string 16+
    port int32 16+
    rack string 16+ null 16+
`);
