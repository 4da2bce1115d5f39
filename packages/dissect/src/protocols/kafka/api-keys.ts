/**
 * Every API key of the Kafka protocol (Kafka protocol guide, "Api Keys"; the message
 * definitions, clients/src/main/resources/common/message/*Request.json, "apiKey", "validVersions",
 * "flexibleVersions"), so that every request is named and its header read right even when its
 * body is not decoded.
 *
 * The header's version depends on the API and its version (KIP-482): from an API's first
 * flexible version on, the request header is v2 (client id, then tagged fields) and the response
 * header v1 (correlation id, then tagged fields); before it, request header v1 (client id) and
 * response header v0. Two exceptions (RequestHeader.json, ApiVersionsResponse.json):
 * ControlledShutdown v0 has a request header v0 (no client id), and the ApiVersions response is
 * always header v0, so a client that asked with too new a version can still read the error.
 */

/** [api key, name, highest version defined, first flexible version (-1: none)]. */
type ApiKeyRow = readonly [number, string, number, number];

// Names and versions as the message definitions give them; keys 88–92 are the newest (Kafka
// 4.1), flexible from their first version as every API added since KIP-482.
const ROWS: readonly ApiKeyRow[] = [
  [0, "Produce", 11, 9],
  [1, "Fetch", 17, 12],
  [2, "ListOffsets", 10, 6],
  [3, "Metadata", 12, 9],
  [4, "LeaderAndIsr", 7, 4],
  [5, "StopReplica", 4, 2],
  [6, "UpdateMetadata", 8, 6],
  [7, "ControlledShutdown", 3, 3],
  [8, "OffsetCommit", 9, 8],
  [9, "OffsetFetch", 9, 6],
  [10, "FindCoordinator", 6, 3],
  [11, "JoinGroup", 9, 6],
  [12, "Heartbeat", 4, 4],
  [13, "LeaveGroup", 5, 4],
  [14, "SyncGroup", 5, 4],
  [15, "DescribeGroups", 5, 5],
  [16, "ListGroups", 5, 3],
  [17, "SaslHandshake", 1, -1],
  [18, "ApiVersions", 4, 3],
  [19, "CreateTopics", 7, 5],
  [20, "DeleteTopics", 6, 4],
  [21, "DeleteRecords", 2, 2],
  [22, "InitProducerId", 5, 2],
  [23, "OffsetForLeaderEpoch", 4, 4],
  [24, "AddPartitionsToTxn", 5, 3],
  [25, "AddOffsetsToTxn", 4, 3],
  [26, "EndTxn", 5, 3],
  [27, "WriteTxnMarkers", 1, 1],
  [28, "TxnOffsetCommit", 4, 3],
  [29, "DescribeAcls", 3, 2],
  [30, "CreateAcls", 3, 2],
  [31, "DeleteAcls", 3, 2],
  [32, "DescribeConfigs", 4, 4],
  [33, "AlterConfigs", 2, 2],
  [34, "AlterReplicaLogDirs", 2, 2],
  [35, "DescribeLogDirs", 4, 2],
  [36, "SaslAuthenticate", 2, 2],
  [37, "CreatePartitions", 3, 2],
  [38, "CreateDelegationToken", 3, 2],
  [39, "RenewDelegationToken", 2, 2],
  [40, "ExpireDelegationToken", 2, 2],
  [41, "DescribeDelegationToken", 3, 2],
  [42, "DeleteGroups", 2, 2],
  [43, "ElectLeaders", 2, 2],
  [44, "IncrementalAlterConfigs", 1, 1],
  [45, "AlterPartitionReassignments", 0, 0],
  [46, "ListPartitionReassignments", 0, 0],
  [47, "OffsetDelete", 0, -1],
  [48, "DescribeClientQuotas", 1, 1],
  [49, "AlterClientQuotas", 1, 1],
  [50, "DescribeUserScramCredentials", 0, 0],
  [51, "AlterUserScramCredentials", 0, 0],
  [52, "Vote", 1, 0],
  [53, "BeginQuorumEpoch", 1, 1],
  [54, "EndQuorumEpoch", 1, 1],
  [55, "DescribeQuorum", 2, 0],
  [56, "AlterPartition", 3, 0],
  [57, "UpdateFeatures", 2, 0],
  [58, "Envelope", 0, 0],
  [59, "FetchSnapshot", 1, 0],
  [60, "DescribeCluster", 1, 0],
  [61, "DescribeProducers", 0, 0],
  [62, "BrokerRegistration", 4, 0],
  [63, "BrokerHeartbeat", 1, 0],
  [64, "UnregisterBroker", 0, 0],
  [65, "DescribeTransactions", 0, 0],
  [66, "ListTransactions", 1, 0],
  [67, "AllocateProducerIds", 0, 0],
  [68, "ConsumerGroupHeartbeat", 1, 0],
  [69, "ConsumerGroupDescribe", 0, 0],
  [70, "ControllerRegistration", 0, 0],
  [71, "GetTelemetrySubscriptions", 0, 0],
  [72, "PushTelemetry", 0, 0],
  [73, "AssignReplicasToDirs", 0, 0],
  [74, "ListConfigResources", 0, 0],
  [75, "DescribeTopicPartitions", 0, 0],
  [76, "ShareGroupHeartbeat", 0, 0],
  [77, "ShareGroupDescribe", 0, 0],
  [78, "ShareFetch", 0, 0],
  [79, "ShareAcknowledge", 0, 0],
  [80, "AddRaftVoter", 0, 0],
  [81, "RemoveRaftVoter", 0, 0],
  [82, "UpdateRaftVoter", 0, 0],
  [83, "InitializeShareGroupState", 0, 0],
  [84, "ReadShareGroupState", 0, 0],
  [85, "WriteShareGroupState", 0, 0],
  [86, "DeleteShareGroupState", 0, 0],
  [87, "ReadShareGroupStateSummary", 0, 0],
  [88, "StreamsGroupHeartbeat", 0, 0],
  [89, "StreamsGroupDescribe", 0, 0],
  [90, "DescribeShareGroupOffsets", 0, 0],
  [91, "AlterShareGroupOffsets", 0, 0],
  [92, "DeleteShareGroupOffsets", 0, 0],
];

export const API_PRODUCE = 0;
export const API_API_VERSIONS = 18;
const API_CONTROLLED_SHUTDOWN = 7;

/**
 * Versions above the highest one defined that the probe still takes: brokers newer than this
 * table add a version or two per release.
 */
export const VERSION_SLACK = 4;

interface ApiKeyInfo {
  name: string;
  maxVersion: number;
  flexibleFrom: number;
}

const BY_KEY: ReadonlyMap<number, ApiKeyInfo> = new Map(ROWS.map(([key, name, maxVersion, flexibleFrom]) => [key, { name, maxVersion, flexibleFrom }]));

/** The API's name, `ApiKey<n>` for a key not in the table. */
export function apiKeyName(key: number): string {
  return BY_KEY.get(key)?.name ?? `ApiKey${key}`;
}

/** The key is in the table and the version at most VERSION_SLACK above its highest. */
export function knownApi(key: number, version: number): boolean {
  const info = BY_KEY.get(key);
  return info !== undefined && version >= 0 && version <= info.maxVersion + VERSION_SLACK;
}

/** The request and response bodies of this version use the flexible encoding (KIP-482). */
export function isFlexible(key: number, version: number): boolean {
  const info = BY_KEY.get(key);
  // A key newer than the table: every API added since KIP-482 is flexible from version 0.
  if (info === undefined) return true;
  return info.flexibleFrom >= 0 && version >= info.flexibleFrom;
}

/** The request header version: 0, 1 or 2 (RequestHeader.json). */
export function requestHeaderVersion(key: number, version: number): 0 | 1 | 2 {
  if (key === API_CONTROLLED_SHUTDOWN && version === 0) return 0;
  return isFlexible(key, version) ? 2 : 1;
}

/** The response header version: 0 or 1 (ResponseHeader.json). */
export function responseHeaderVersion(key: number, version: number): 0 | 1 {
  if (key === API_API_VERSIONS) return 0;
  return isFlexible(key, version) ? 1 : 0;
}
